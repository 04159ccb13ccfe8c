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
        SHORTER_SIDE_THEN_CENTER_CROP
    }

    /** timm's {@code IMAGENET_DEFAULT_MEAN}. */
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    /** timm's {@code IMAGENET_DEFAULT_STD}. */
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    /** Hugging Face's {@code IMAGENET_STANDARD_MEAN} and {@code _STD}, ViTImageProcessor's defaults. */
    private static final float[] HALF = {0.5f, 0.5f, 0.5f};
    /** timm's {@code DEFAULT_CROP_PCT}. */
    private static final double TIMM_DEFAULT_CROP_PCT = 0.875;
    /** Far beyond any ViT input, small enough that {@code 3 * height * width} pixels index an array. */
    private static final int MAX_SIDE = 16384;

    private final int height;
    private final int width;
    private final ResizeMode resizeMode;
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
        if (height < 1 || width < 1 || height > MAX_SIDE || width > MAX_SIDE) {
            throw new IllegalArgumentException("target size " + height + "x" + width + " outside 1.." + MAX_SIDE);
        }
        if (resizeMode == null || interpolation == null) {
            throw new IllegalArgumentException("resize mode and interpolation are required");
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
     * Reads a Hugging Face {@code preprocessor_config.json} for ViTImageProcessor (or the older
     * ViTFeatureExtractor): {@code do_resize}, {@code size}, {@code resample}, {@code do_rescale},
     * {@code rescale_factor}, {@code do_normalize}, {@code image_mean}, {@code image_std}. Other keys are
     * ignored, except {@code do_center_crop: true}, which this processor does not do (DeiT's does).
     *
     * @param preprocessorConfig the parsed JSON object (numbers Long or Double, arrays List); null or
     *                           an absent key means ViTImageProcessor's default, a JSON null likewise
     * @param imageSizeFromModelConfig the model's {@code image_size}, the target when {@code size} is absent
     * @param source             names the file in error messages
     * @throws FormatException naming the key of a value of the wrong type or out of range
     */
    public static ImagePreprocessing huggingFace(Map<String, Object> preprocessorConfig,
                                                 int imageSizeFromModelConfig, String source)
            throws FormatException {
        Json json = new Json(source, preprocessorConfig);
        if (json.bool("do_center_crop", false)) {
            throw new FormatException(source + ": do_center_crop is not supported (ViTImageProcessor never crops)");
        }
        Object size = json.get("size");
        int height;
        int width;
        if (size instanceof Map<?, ?> hw) {
            if (!hw.containsKey("height") || !hw.containsKey("width")) {
                throw new FormatException(source + ": size must have height and width (ViTImageProcessor), got "
                        + hw.keySet());
            }
            height = json.side("size.height", hw.get("height"));
            width = json.side("size.width", hw.get("width"));
        } else {
            height = json.side(size == null ? "image_size (of the model config)" : "size",
                    size == null ? imageSizeFromModelConfig : size);
            width = height;
        }
        long resample = json.integer("resample", 2);
        Interpolation interpolation;
        if (resample == 0) {
            interpolation = Interpolation.NEAREST;
        } else if (resample == 2) {
            interpolation = Interpolation.BILINEAR;
        } else if (resample == 3) {
            interpolation = Interpolation.BICUBIC;
        } else if (resample == 1 || resample == 4 || resample == 5) {
            throw new FormatException(source + ": resample " + resample
                    + " (LANCZOS, BOX or HAMMING) is not supported; use 0 (NEAREST), 2 (BILINEAR) or 3 (BICUBIC)");
        } else {
            throw new FormatException(source + ": resample " + resample
                    + " is not a Pillow filter code (0 NEAREST, 2 BILINEAR, 3 BICUBIC)");
        }
        ResizeMode mode = json.bool("do_resize", true) ? ResizeMode.STRETCH : ResizeMode.NONE;
        double factor = json.bool("do_rescale", true) ? json.positive("rescale_factor", 1.0 / 255) : 1.0;
        float[] mean = {0, 0, 0};
        float[] std = {1, 1, 1};
        if (json.bool("do_normalize", true)) {
            mean = json.triple("image_mean", HALF);
            std = json.triple("image_std", HALF);
            json.nonZero("image_std", std);
        }
        return new ImagePreprocessing(height, width, mode, interpolation, 1.0, factor, mean, std);
    }

    /**
     * Reads a timm {@code pretrained_cfg} (the object of that name in a timm checkpoint's
     * {@code config.json}): {@code input_size} [3, H, W], {@code interpolation}, {@code crop_pct},
     * {@code crop_mode}, {@code mean}, {@code std}, each defaulting as timm's {@code resolve_data_config}
     * does (bicubic, 0.875, "center", ImageNet mean and std). Values are always rescaled by 1/255.
     *
     * @param pretrainedCfg the parsed JSON object; null or an absent key (or a JSON null) means the default
     * @param imageSize     the target size when {@code input_size} is absent
     * @param source        names the file in error messages
     * @throws FormatException naming the key of a value of the wrong type or out of range, a crop mode
     *                         other than "center", a non-square input size, or a {@code crop_pct} above 1
     */
    public static ImagePreprocessing timm(Map<String, Object> pretrainedCfg, int imageSize, String source)
            throws FormatException {
        Json json = new Json(source, pretrainedCfg);
        Object inputSize = json.get("input_size");
        int size;
        if (inputSize == null) {
            size = json.side("image size (no input_size)", imageSize);
        } else {
            if (!(inputSize instanceof List<?> chw) || chw.size() != 3 || json.side("input_size", chw.get(0)) != 3) {
                throw new FormatException(source + ": input_size must be [3, height, width], got " + inputSize);
            }
            int h = json.side("input_size", chw.get(1));
            int w = json.side("input_size", chw.get(2));
            if (h != w) {
                // timm resizes non-square targets with its own ResizeKeepRatio, which is not reproduced here.
                throw new FormatException(source + ": input_size " + inputSize + " is not square (not supported)");
            }
            size = h;
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
        return new ImagePreprocessing(size, size, ResizeMode.SHORTER_SIDE_THEN_CENTER_CROP, interpolation,
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
