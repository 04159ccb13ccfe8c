package dev.vectorvit.io;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The preprocessing a model expects between a decoded RGB image and its input tensor: resize (and crop)
 * to {@code height x width}, rescale each 8-bit value, then normalize each channel as
 * {@code (x - mean) / std}. The two factories read the two conventions a checkpoint comes with; each
 * reproduces its reference pipeline (see {@link Images#toTensor}), because a model only reaches its
 * published accuracy on the inputs it was evaluated on.
 *
 * <p>Instances are immutable.
 */
public final class ImagePreprocessing {

    /** The resampling filter, with Pillow's semantics (antialiased when shrinking). */
    public enum Interpolation { NEAREST, BILINEAR, BICUBIC }

    /** How the image is brought to the target size. */
    public enum ResizeMode {
        /** No resize: the image must already have the target size (Hugging Face's {@code do_resize: false}). */
        NONE,
        /** Straight to {@code height x width}, aspect ratio not kept (Hugging Face's ViTImageProcessor). */
        STRETCH,
        /**
         * The shorter side to {@code floor(size / cropPct)} keeping the aspect ratio, then the centered
         * {@code size x size} crop (timm's evaluation transform with crop mode "center").
         */
        SHORTER_SIDE_THEN_CENTER_CROP,
        /**
         * The shorter side to {@link #resizeHeight()} (the shortest edge), the longer one to
         * {@code int(edge * long / short)}, then the centered {@code height x width} crop with offsets
         * {@code (resized - crop) // 2} (Hugging Face's CLIPImageProcessor and BitImageProcessor).
         */
        SHORTEST_EDGE_THEN_CENTER_CROP,
        /**
         * Straight to {@link #resizeHeight()} x {@link #resizeWidth()}, then the centered {@code height x width}
         * crop with offsets {@code (resized - crop) // 2} (Hugging Face's DeiTImageProcessor).
         */
        STRETCH_THEN_CENTER_CROP
    }

    /** timm's {@code IMAGENET_DEFAULT_MEAN}. */
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    /** timm's {@code IMAGENET_DEFAULT_STD}. */
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    /** Hugging Face's {@code IMAGENET_STANDARD_MEAN} and {@code _STD}, ViTImageProcessor's defaults. */
    private static final float[] HALF = {0.5f, 0.5f, 0.5f};
    /** Hugging Face's {@code OPENAI_CLIP_MEAN}. */
    private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    /** Hugging Face's {@code OPENAI_CLIP_STD}. */
    private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
    /** timm's {@code DEFAULT_CROP_PCT}. */
    private static final double TIMM_DEFAULT_CROP_PCT = 0.875;
    /** Far beyond any ViT input, small enough that {@code 3 * height * width} pixels index an array. */
    private static final int MAX_SIDE = 16384;

    private final int height;
    private final int width;
    private final ResizeMode resizeMode;
    private final int resizeHeight;
    private final int resizeWidth;
    private final Interpolation interpolation;
    private final double cropPct;
    private final double rescaleFactor;
    private final float[] mean;
    private final float[] std;

    /**
     * @param cropPct       used by {@link ResizeMode#SHORTER_SIDE_THEN_CENTER_CROP} only, in (0, 1]
     * @param rescaleFactor multiplies each 8-bit value (in double, then rounded to float), 1/255 usually
     * @param mean          three per-channel means (R, G, B), subtracted in float
     * @param std           three per-channel standard deviations, non-zero, divided by in float
     * @throws IllegalArgumentException for a value outside those ranges
     */
    public ImagePreprocessing(int height, int width, ResizeMode resizeMode, Interpolation interpolation,
                              double cropPct, double rescaleFactor, float[] mean, float[] std) {
        this(height, width, resizeMode, height, width, interpolation, cropPct, rescaleFactor, mean, std);
    }

    /**
     * As above, with the size the image is resized to before the center crop of Hugging Face's two crop
     * modes: {@code resizeHeight x resizeWidth} for {@link ResizeMode#STRETCH_THEN_CENTER_CROP}, the shortest
     * edge in both for {@link ResizeMode#SHORTEST_EDGE_THEN_CENTER_CROP}; at least the crop's
     * {@code height x width} (Hugging Face would pad a smaller image). Other modes ignore them.
     */
    public ImagePreprocessing(int height, int width, ResizeMode resizeMode, int resizeHeight, int resizeWidth,
                              Interpolation interpolation, double cropPct, double rescaleFactor, float[] mean,
                              float[] std) {
        if (height < 1 || width < 1 || height > MAX_SIDE || width > MAX_SIDE) {
            throw new IllegalArgumentException("target size " + height + "x" + width + " outside 1.." + MAX_SIDE);
        }
        if (resizeMode == null || interpolation == null) {
            throw new IllegalArgumentException("resize mode and interpolation are required");
        }
        if (resizeHeight < height || resizeWidth < width || resizeHeight > MAX_SIDE || resizeWidth > MAX_SIDE) {
            throw new IllegalArgumentException("resize " + resizeHeight + "x" + resizeWidth + " is smaller than the crop "
                    + height + "x" + width + " or above " + MAX_SIDE);
        }
        if (resizeMode == ResizeMode.SHORTEST_EDGE_THEN_CENTER_CROP && resizeHeight != resizeWidth) {
            throw new IllegalArgumentException("a shortest edge is one number, got " + resizeHeight + " and " + resizeWidth);
        }
        if (resizeMode == ResizeMode.SHORTER_SIDE_THEN_CENTER_CROP && height != width) {
            throw new IllegalArgumentException("a center crop needs a square target, got " + height + "x" + width);
        }
        if (!(cropPct > 0 && cropPct <= 1)) {
            throw new IllegalArgumentException("crop fraction " + cropPct + " outside (0, 1]");
        }
        if (!(rescaleFactor > 0 && Double.isFinite(rescaleFactor))) {
            throw new IllegalArgumentException("rescale factor " + rescaleFactor + " is not a positive number");
        }
        this.height = height;
        this.width = width;
        this.resizeMode = resizeMode;
        this.resizeHeight = resizeHeight;
        this.resizeWidth = resizeWidth;
        this.interpolation = interpolation;
        this.cropPct = cropPct;
        this.rescaleFactor = rescaleFactor;
        this.mean = channels("mean", mean);
        this.std = channels("std", std);
        for (float s : this.std) {
            if (s == 0) {
                throw new IllegalArgumentException("std has a zero");
            }
        }
    }

    private static float[] channels(String name, float[] values) {
        if (values == null || values.length != 3) {
            throw new IllegalArgumentException(name + " needs 3 values (R, G, B)");
        }
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(name + " has a non-finite value " + v);
            }
        }
        return values.clone();
    }

    /**
     * The Hugging Face image processors read here, each with its defaults for absent keys (transformers
     * 5.x): whether it resizes the shortest edge (an integer {@code size} means that edge) or to a fixed
     * size (an integer means a square), whether it has a center crop, its default size, crop, filter code,
     * mean and std.
     */
    private enum HuggingFaceProcessor {
        VIT("ViTImageProcessor", false, false, 224, 0, 2, HALF, HALF),
        DEIT("DeiTImageProcessor", false, true, 256, 224, 3, HALF, HALF),
        BIT("BitImageProcessor", true, true, 224, 224, 3, CLIP_MEAN, CLIP_STD),
        CLIP("CLIPImageProcessor", true, true, 224, 224, 3, CLIP_MEAN, CLIP_STD),
        SIGLIP("SiglipImageProcessor", false, false, 224, 0, 3, HALF, HALF);

        final String type;
        final boolean shortestEdge;
        final boolean crops;
        final int size;
        final int crop;
        final long resample;
        final float[] mean;
        final float[] std;

        HuggingFaceProcessor(String type, boolean shortestEdge, boolean crops, int size, int crop, long resample,
                             float[] mean, float[] std) {
            this.type = type;
            this.shortestEdge = shortestEdge;
            this.crops = crops;
            this.size = size;
            this.crop = crop;
            this.resample = resample;
            this.mean = mean;
            this.std = std;
        }

        /**
         * By {@code image_processor_type} (or an older config's {@code feature_extractor_type}); the
         * "Fast" (torchvision) variants and the "FeatureExtractor" names read the same keys. Absent: ViT.
         */
        static HuggingFaceProcessor of(Json json) throws FormatException {
            Object named = json.get("image_processor_type");
            Object type = named != null ? named : json.get("feature_extractor_type");
            if (type == null) {
                return VIT;
            }
            String name = type instanceof String t ? t.replaceFirst("Fast$", "").replaceFirst("FeatureExtractor$", "ImageProcessor") : "";
            for (HuggingFaceProcessor p : values()) {
                if (p.type.equals(name)) {
                    return p;
                }
            }
            throw new FormatException(json.source() + ": image processor " + describe(type) + " is not supported; "
                    + "supported: ViTImageProcessor, DeiTImageProcessor, BitImageProcessor, CLIPImageProcessor, "
                    + "SiglipImageProcessor");
        }
    }

    /**
     * Reads a Hugging Face {@code preprocessor_config.json} for the processor its
     * {@code image_processor_type} names: ViTImageProcessor (also when absent), DeiTImageProcessor,
     * BitImageProcessor (DINOv2), CLIPImageProcessor or SiglipImageProcessor, and their FeatureExtractor
     * and Fast names. Keys: {@code do_resize}, {@code size} ({@code height} and {@code width}, or
     * {@code shortest_edge} for CLIP and Bit), {@code resample}, {@code do_center_crop} and
     * {@code crop_size} (DeiT, CLIP, Bit), {@code do_rescale}, {@code rescale_factor}, {@code do_normalize},
     * {@code image_mean}, {@code image_std}. Images are always converted to RGB ({@code do_convert_rgb}).
     * Other keys are ignored, except {@code do_center_crop: true} for ViT and SigLIP, which never crop.
     *
     * @param preprocessorConfig the parsed JSON object (numbers Long or Double, arrays List); null or
     *                           an absent key means the processor's default, a JSON null likewise
     * @param modelHeight        the model's {@code image_size} (height): with {@code modelWidth}
     *                           ViTImageProcessor's target when {@code size} is absent
     * @param modelWidth         the model's image width
     * @param source             names the file in error messages
     * @throws FormatException naming the key of a value of the wrong type or out of range, or an
     *                         unsupported processor (naming the supported ones)
     */
    public static ImagePreprocessing huggingFace(Map<String, Object> preprocessorConfig, int modelHeight,
                                                 int modelWidth, String source) throws FormatException {
        Json json = new Json(source, preprocessorConfig);
        HuggingFaceProcessor proc = HuggingFaceProcessor.of(json);
        boolean crop = json.bool("do_center_crop", proc.crops);
        if (crop && !proc.crops) {
            throw new FormatException(source + ": do_center_crop is not supported (" + proc.type + " never crops)");
        }
        boolean resize = json.bool("do_resize", true);
        Object size = json.get("size");
        int[] resized = size == null && proc == HuggingFaceProcessor.VIT
                ? new int[] {json.side("image_size (of the model config)", modelHeight),
                        json.side("image_size (of the model config)", modelWidth)}
                : size(json, proc, size == null ? (long) proc.size : size);
        boolean edge = resized.length == 1;
        ResizeMode mode;
        int height;
        int width;
        if (crop) {
            if (!resize) {
                throw new FormatException(source + ": do_center_crop without do_resize is not supported");
            }
            Object cropSize = json.get("crop_size");
            int[] hw = square(json, "crop_size", cropSize == null ? (long) proc.crop : cropSize);
            mode = edge ? ResizeMode.SHORTEST_EDGE_THEN_CENTER_CROP : ResizeMode.STRETCH_THEN_CENTER_CROP;
            height = hw[0];
            width = hw[1];
        } else if (edge) {
            throw new FormatException(source + ": size shortest_edge without do_center_crop gives every image its "
                    + "own size; not supported");
        } else {
            mode = resize ? ResizeMode.STRETCH : ResizeMode.NONE;
            height = resized[0];
            width = resized[1];
        }
        int resizeHeight = resized[0];
        int resizeWidth = resized[edge ? 0 : 1];
        if (crop && (resizeHeight < height || resizeWidth < width)) {
            throw new FormatException(source + ": crop_size " + height + "x" + width + " is larger than size "
                    + (edge ? "shortest_edge " + resizeHeight : resizeHeight + "x" + resizeWidth) + " (not supported)");
        }
        Interpolation interpolation = interpolation(json, json.integer("resample", proc.resample));
        double factor = json.bool("do_rescale", true) ? json.positive("rescale_factor", 1.0 / 255) : 1.0;
        float[] mean = {0, 0, 0};
        float[] std = {1, 1, 1};
        if (json.bool("do_normalize", true)) {
            mean = json.triple("image_mean", proc.mean);
            std = json.triple("image_std", proc.std);
            json.nonZero("image_std", std);
        }
        return new ImagePreprocessing(height, width, mode, resizeHeight, resizeWidth, interpolation, 1.0, factor,
                mean, std);
    }

    /**
     * {@code size} as the processor reads it: {height, width}, or {shortest edge} for CLIP and Bit. An
     * integer is the shortest edge for those and a square for the others (transformers' get_size_dict).
     */
    private static int[] size(Json json, HuggingFaceProcessor proc, Object size) throws FormatException {
        if (proc.shortestEdge && size instanceof Map<?, ?> m && m.containsKey("shortest_edge")) {
            if (m.get("longest_edge") != null) {
                throw new FormatException(json.source() + ": size longest_edge is not supported");
            }
            return new int[] {json.side("size.shortest_edge", m.get("shortest_edge"))};
        }
        if (proc.shortestEdge && !(size instanceof Map<?, ?>)) {
            return new int[] {json.side("size", size)};
        }
        if (size instanceof Map<?, ?> m && !(m.containsKey("height") && m.containsKey("width"))) {
            throw new FormatException(json.source() + ": size must have height and width"
                    + (proc.shortestEdge ? " or shortest_edge" : "") + " (" + proc.type + "), got " + m.keySet());
        }
        return square(json, "size", size);
    }

    /** {height, width} from an object with both, or from one integer for a square. */
    private static int[] square(Json json, String key, Object value) throws FormatException {
        if (value instanceof Map<?, ?> hw) {
            if (!hw.containsKey("height") || !hw.containsKey("width")) {
                throw new FormatException(json.source() + ": " + key + " must have height and width, got " + hw.keySet());
            }
            return new int[] {json.side(key + ".height", hw.get("height")), json.side(key + ".width", hw.get("width"))};
        }
        int side = json.side(key, value);
        return new int[] {side, side};
    }

    /** A Pillow filter code: 0 NEAREST, 2 BILINEAR, 3 BICUBIC. */
    private static Interpolation interpolation(Json json, long resample) throws FormatException {
        if (resample == 0) {
            return Interpolation.NEAREST;
        } else if (resample == 2) {
            return Interpolation.BILINEAR;
        } else if (resample == 3) {
            return Interpolation.BICUBIC;
        } else if (resample == 1 || resample == 4 || resample == 5) {
            throw new FormatException(json.source() + ": resample " + resample
                    + " (LANCZOS, BOX or HAMMING) is not supported; use 0 (NEAREST), 2 (BILINEAR) or 3 (BICUBIC)");
        }
        throw new FormatException(json.source() + ": resample " + resample
                + " is not a Pillow filter code (0 NEAREST, 2 BILINEAR, 3 BICUBIC)");
    }

    /**
     * Reads a timm {@code pretrained_cfg} (the object of that name in a timm checkpoint's
     * {@code config.json}): {@code input_size} [3, H, W], {@code interpolation}, {@code crop_pct},
     * {@code crop_mode}, {@code mean}, {@code std}, each defaulting as timm's {@code resolve_data_config}
     * does (bicubic, 0.875, "center", ImageNet mean and std). Values are always rescaled by 1/255.
     *
     * @param pretrainedCfg the parsed JSON object; null or an absent key (or a JSON null) means the default
     * @param modelHeight   the target height when {@code input_size} is absent
     * @param modelWidth    the target width when {@code input_size} is absent
     * @param source        names the file in error messages
     * @throws FormatException naming the key of a value of the wrong type or out of range, a crop mode
     *                         other than "center", a non-square input size, or a {@code crop_pct} above 1
     */
    public static ImagePreprocessing timm(Map<String, Object> pretrainedCfg, int modelHeight, int modelWidth,
                                          String source) throws FormatException {
        Json json = new Json(source, pretrainedCfg);
        Object inputSize = json.get("input_size");
        int h;
        int w;
        if (inputSize == null) {
            h = json.side("image size (no input_size)", modelHeight);
            w = json.side("image size (no input_size)", modelWidth);
        } else {
            if (!(inputSize instanceof List<?> chw) || chw.size() != 3 || json.side("input_size", chw.get(0)) != 3) {
                throw new FormatException(source + ": input_size must be [3, height, width], got " + inputSize);
            }
            h = json.side("input_size", chw.get(1));
            w = json.side("input_size", chw.get(2));
        }
        if (h != w) {
            // timm resizes non-square targets with its own ResizeKeepRatio, which is not reproduced here.
            throw new FormatException(source + ": " + (inputSize == null ? "image size " + h + "x" + w
                    : "input_size " + inputSize) + " is not square (not supported)");
        }
        Object interp = json.get("interpolation");
        Interpolation interpolation = switch (interp) {
            case null -> Interpolation.BICUBIC;
            case String s when s.equals("bicubic") -> Interpolation.BICUBIC;
            case String s when s.equals("bilinear") -> Interpolation.BILINEAR;
            case String s when s.equals("nearest") -> Interpolation.NEAREST;
            default -> throw new FormatException(source + ": interpolation " + describe(interp)
                    + " is not supported; use \"bicubic\", \"bilinear\" or \"nearest\"");
        };
        Object cropMode = json.get("crop_mode");
        if (cropMode != null && !"center".equals(cropMode)) {
            throw new FormatException(source + ": crop_mode " + describe(cropMode) + " is not supported; only \"center\"");
        }
        double cropPct = json.positive("crop_pct", TIMM_DEFAULT_CROP_PCT);
        if (cropPct > 1) {
            // torchvision would pad the too-small resized image with black before cropping.
            throw new FormatException(source + ": crop_pct " + cropPct + " above 1 is not supported");
        }
        float[] mean = json.triple("mean", IMAGENET_MEAN);
        float[] std = json.triple("std", IMAGENET_STD);
        json.nonZero("std", std);
        return new ImagePreprocessing(h, w, ResizeMode.SHORTER_SIDE_THEN_CENTER_CROP, interpolation,
                cropPct, 1.0 / 255, mean, std);
    }

    private static String describe(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    /** Typed reads of one parsed JSON object, with messages naming the file and the key. */
    private record Json(String source, Map<String, Object> map) {
        /** The value, or null when absent; a JSON null counts as absent, as Python's {@code .get} would see it. */
        Object get(String key) {
            return map == null ? null : map.get(key);
        }

        boolean bool(String key, boolean absent) throws FormatException {
            Object v = get(key);
            if (v == null) {
                return absent;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw new FormatException(source + ": " + key + " must be true or false, got " + describe(v));
        }

        /** An integral number (a Double like 3.0 too, as some writers emit); absent means {@code absent}. */
        long integer(String key, long absent) throws FormatException {
            Object v = get(key);
            return v == null ? absent : integral(key, v);
        }

        private long integral(String key, Object v) throws FormatException {
            if (v instanceof Long || v instanceof Integer) {
                return ((Number) v).longValue();
            }
            if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1L << 53) {
                return d.longValue();
            }
            throw new FormatException(source + ": " + key + " must be an integer, got " + describe(v));
        }

        /** An image side: an integer in 1..MAX_SIDE. */
        int side(String key, Object v) throws FormatException {
            long n = integral(key, v);
            if (n < 1 || n > MAX_SIDE) {
                throw new FormatException(source + ": " + key + " " + n + " outside 1.." + MAX_SIDE);
            }
            return (int) n;
        }

        double positive(String key, double absent) throws FormatException {
            Object v = get(key);
            if (v == null) {
                return absent;
            }
            if (v instanceof Number n && n.doubleValue() > 0 && Double.isFinite(n.doubleValue())) {
                return n.doubleValue();
            }
            throw new FormatException(source + ": " + key + " must be a positive number, got " + describe(v));
        }

        /**
         * Three per-channel values as float32, the precision both pipelines normalize in; a single number
         * stands for all three channels, as numpy broadcasting lets it in Hugging Face's processors.
         */
        float[] triple(String key, float[] absent) throws FormatException {
            Object v = get(key);
            if (v == null) {
                return absent;
            }
            if (v instanceof Number n && Float.isFinite(n.floatValue())) {
                float f = n.floatValue();
                return new float[] {f, f, f};
            }
            if (v instanceof List<?> list && list.size() == 3) {
                float[] out = new float[3];
                for (int c = 0; c < 3; c++) {
                    if (!(list.get(c) instanceof Number n) || !Float.isFinite(n.floatValue())) {
                        throw new FormatException(source + ": " + key + " must hold 3 numbers, got " + v);
                    }
                    out[c] = n.floatValue();
                }
                return out;
            }
            throw new FormatException(source + ": " + key + " must be 3 numbers (R, G, B), got " + describe(v));
        }

        void nonZero(String key, float[] values) throws FormatException {
            for (float f : values) {
                if (f == 0) {
                    throw new FormatException(source + ": " + key + " has a zero, which would divide by zero");
                }
            }
        }
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public ResizeMode resizeMode() {
        return resizeMode;
    }

    public Interpolation interpolation() {
        return interpolation;
    }

    /** The height resized to before a Hugging Face center crop (the shortest edge in that mode). */
    public int resizeHeight() {
        return resizeHeight;
    }

    /** The width resized to before a Hugging Face center crop (the shortest edge in that mode). */
    public int resizeWidth() {
        return resizeWidth;
    }

    /** The fraction of the resized shorter side that the center crop keeps (1.0 outside that mode). */
    public double cropPct() {
        return cropPct;
    }

    public double rescaleFactor() {
        return rescaleFactor;
    }

    /** A copy of the three channel means. */
    public float[] mean() {
        return mean.clone();
    }

    /** A copy of the three channel standard deviations. */
    public float[] std() {
        return std.clone();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%dx%d %s %s crop %.4g, x%.6g, mean [%s, %s, %s], std [%s, %s, %s]",
                height, width, resizeMode, interpolation, cropPct, rescaleFactor,
                mean[0], mean[1], mean[2], std[0], std[1], std[2]);
    }
}
