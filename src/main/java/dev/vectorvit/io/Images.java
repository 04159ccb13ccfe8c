package dev.vectorvit.io;

import dev.vectorvit.tensor.Checks;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Image files to model inputs: decoding to 8-bit RGB, then the {@link ImagePreprocessing} of a model into
 * a float32 CHW tensor. Both steps follow what Pillow does in the reference pipelines, so that the tensor
 * matches theirs (see {@link #toTensor}).
 */
public final class Images {
    private static final String UNDECODABLE = "not a decodable image (PNG, JPEG, BMP, GIF)";
    /** The JPEG reader's warnings for a file that ends early (libjpeg's and the JDK's own wording). */
    private static final Pattern TRUNCATED = Pattern.compile("(?i)truncated|premature end");

    private Images() {}

    /**
     * Pillow's decompression-bomb threshold ({@code Image.MAX_IMAGE_PIXELS}, 1 GiB of 24-bit pixels / 4):
     * above it Pillow warns, and above twice it refuses the file.
     */
    public static final long WARN_PIXELS = 89_478_485;
    /** The default limit of {@link #read(Path, long)}: Pillow's refusal, twice {@link #WARN_PIXELS}. */
    public static final long MAX_PIXELS = 2 * WARN_PIXELS;

    private static final Set<String> SUFFIXES = Arrays.stream(ImageIO.getReaderFileSuffixes())
            .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());

    /** Whether a file name ends in a suffix ImageIO reads (jpg, jpeg, png, bmp, gif, tif...), in any case. */
    public static boolean hasImageSuffix(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && dot > name.lastIndexOf('/') + 1 && SUFFIXES.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** {@link #read(Path, long)} with the default limit {@link #MAX_PIXELS}. */
    public static BufferedImage read(Path file) throws IOException {
        return read(file, MAX_PIXELS);
    }

    /**
     * Decodes an image file with ImageIO and converts it to {@link BufferedImage#TYPE_INT_RGB} the way
     * Pillow's {@code convert("RGB")} does: gray is replicated, palettes are looked up, alpha is dropped
     * (not composited), and sample values are taken as stored, without color management. A multi-frame
     * file gives its first frame.
     *
     * @param maxPixels most pixels (width x height) accepted, checked from the header before decoding
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws FormatException naming the file if no ImageIO reader decodes it, if it is truncated, or if
     *                         its header declares more than {@code maxPixels} pixels
     */
    public static BufferedImage read(Path file, long maxPixels) throws IOException {
        // In memory: ImageIO would otherwise cache a stream in a temporary file, and the missing-file
        // error comes out as NoSuchFileException naming the path.
        return decode(Files.readAllBytes(file), file.toString(), maxPixels);
    }

    /** {@link #read(Path, long)} of a file's bytes; {@code name} starts every error message. */
    public static BufferedImage decode(byte[] bytes, String name, long maxPixels) throws FormatException {
        Checks.positive("maxPixels", maxPixels);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new FormatException(name + ": " + UNDECODABLE);
            }
            ImageReader reader = readers.next();
            List<String> truncated = new ArrayList<>();
            // The JPEG decoder pads a truncated file with gray and only warns; Pillow refuses such a file
            // ("image file is truncated"), and so does this method rather than classify made-up pixels.
            reader.addIIOReadWarningListener((r, warning) -> {
                if (TRUNCATED.matcher(warning).find()) {
                    truncated.add(warning);
                }
            });
            BufferedImage decoded;
            try {
                reader.setInput(in, true, true);
                // The size comes from the header alone: a small file may declare a raster of gigabytes.
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > maxPixels) {
                    throw new FormatException(String.format(Locale.ROOT,
                            "%s: %d x %d = %,d pixels is over the limit of %,d (a possible decompression bomb)",
                            name, width, height, width * height, maxPixels));
                }
                decoded = reader.read(0);
            } catch (FormatException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                // The bytes are in memory, so any I/O failure here is the content's. Decoder plugins also
                // fail on corrupt data with unchecked exceptions (index out of bounds, negative sizes).
                throw new FormatException(name + ": " + UNDECODABLE + ": " + e.getMessage(), e);
            } finally {
                reader.dispose();
            }
            if (!truncated.isEmpty()) {
                throw new FormatException(name + ": truncated image (" + truncated.getFirst() + ")");
            }
            return toRgb(decoded);
        } catch (FormatException e) {
            throw e;
        } catch (IOException e) {
            throw new FormatException(name + ": " + UNDECODABLE + ": " + e.getMessage(), e);
        }
    }

    /** The image as {@link BufferedImage#TYPE_INT_RGB}, itself when it is one already. */
    private static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getRaster().setDataElements(0, 0, image.getWidth(), image.getHeight(), pixels(image));
        return rgb;
    }

    /** Row-major {@code 0xRRGGBB} pixels of any image, converted as {@link #read} describes. */
    private static int[] pixels(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return (int[]) image.getRaster().getDataElements(0, 0, w, h, null);
        }
        ColorModel cm = image.getColorModel();
        int transfer = cm.getTransferType();
        int colors = cm.getNumColorComponents();
        if (cm instanceof ComponentColorModel && !cm.isAlphaPremultiplied() && (colors == 1 || colors == 3)
                && (transfer == DataBuffer.TYPE_BYTE || transfer == DataBuffer.TYPE_USHORT)) {
            // Raw samples, because getRGB would color-convert: a gray image is linear gray in Java2D and
            // would come out brightened, and a JPEG's embedded ICC profile would be applied; Pillow does
            // neither.
            return rawSamples(image.getRaster(), colors, cm.getComponentSize(0));
        }
        // Palettes and packed RGB (GIF, BMP, palette PNG) are sRGB already, so getRGB only unpacks them;
        // anything else (an exotic color space from a third-party plugin) gets Java2D's conversion.
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            argb[i] &= 0xFFFFFF;
        }
        return argb;
    }

    /** Samples of 8 or 16 bits, one band replicated or three bands as R, G, B; 16 bits keep the high byte, as Pillow does. */
    private static int[] rawSamples(Raster raster, int colors, int bits) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        int shift = bits - 8;
        int[] row = new int[w * bands];
        int[] out = new int[w * h];
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int i = x * bands;
                int r = row[i] >> shift;
                int g = colors == 1 ? r : row[i + 1] >> shift;
                int b = colors == 1 ? r : row[i + 2] >> shift;
                out[y * w + x] = r << 16 | g << 8 | b;
            }
        }
        return out;
    }

    /**
     * Writes the model input for {@code image}: {@code 3 x height x width} float32 values, channel-major
     * (R plane, G plane, B plane), at float offset {@code offsetFloats} of {@code out}.
     *
     * <p>The steps are those of the reference pipelines on a Pillow RGB image: Pillow's resize (bit-exact,
     * see {@code Resampling}; skipped when the size already matches), for
     * {@link ImagePreprocessing.ResizeMode#SHORTER_SIDE_THEN_CENTER_CROP} with torchvision's sizes (long
     * side {@code int(short * long / shorter)}) and crop offsets ({@code round((size - crop) / 2)}, ties to
     * even as in Python), for Hugging Face's crop modes its sizes (the same rule for a shortest edge) and
     * offsets ({@code (size - crop) // 2}), then {@code float32(x * rescaleFactor)} and {@code (x - mean) / std} in float32.
     *
     * @param image any image; converted as {@link #read} does unless it is TYPE_INT_RGB already
     * @throws IllegalArgumentException if {@code out} is too small, or if the preprocessing has no resize
     *                                  and the image does not have its size
     */
    public static void toTensor(BufferedImage image, ImagePreprocessing p, MemorySegment out, long offsetFloats) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(p, "preprocessing");
        Checks.alive("out", out);
        int height = p.height();
        int width = p.width();
        long need = 3L * height * width;
        long have = out.byteSize() / Float.BYTES;
        if (offsetFloats < 0 || offsetFloats > have - need) {
            throw new IllegalArgumentException("out: a 3x" + height + "x" + width + " tensor (" + need
                    + " floats) at float offset " + offsetFloats + " does not fit a segment of " + have + " floats");
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int[] px = pixels(image);
        int rw = w;
        int rh = h;
        int left = 0;
        int top = 0;
        switch (p.resizeMode()) {
            case NONE -> {
                if (w != width || h != height) {
                    throw new IllegalArgumentException("image is " + h + "x" + w + " (height x width), but the "
                            + "preprocessing does not resize and needs " + height + "x" + width);
                }
            }
            case STRETCH -> {
                rw = width;
                rh = height;
            }
            case SHORTER_SIDE_THEN_CENTER_CROP -> {
                int[] size = shorterSideTo((int) Math.floor(height / p.cropPct()), w, h);
                rw = size[0];
                rh = size[1];
                // torchvision CenterCrop: int(round(...)), and Python rounds halves to even like rint.
                left = (int) Math.rint((rw - width) / 2.0);
                top = (int) Math.rint((rh - height) / 2.0);
            }
            case SHORTEST_EDGE_THEN_CENTER_CROP, STRETCH_THEN_CENTER_CROP -> {
                boolean edge = p.resizeMode() == ImagePreprocessing.ResizeMode.SHORTEST_EDGE_THEN_CENTER_CROP;
                int[] size = edge ? shorterSideTo(p.resizeHeight(), w, h) : new int[] {p.resizeWidth(), p.resizeHeight()};
                rw = size[0];
                rh = size[1];
                // Hugging Face's center_crop: (size - crop) // 2, never negative here (size >= crop).
                left = (rw - width) / 2;
                top = (rh - height) / 2;
            }
        }
        px = Resampling.resize(px, w, h, rw, rh, p.interpolation());
        int stride = rw;
        float[][] lut = lookupTables(p);
        float[] row = new float[width];
        long plane = (long) height * width;
        for (int c = 0; c < 3; c++) {
            float[] table = lut[c];
            int shift = 16 - 8 * c;
            for (int y = 0; y < height; y++) {
                int src = (top + y) * stride + left;
                for (int x = 0; x < width; x++) {
                    row[x] = table[px[src + x] >>> shift & 0xFF];
                }
                long at = offsetFloats + c * plane + (long) y * width;
                MemorySegment.copy(row, 0, out, ValueLayout.JAVA_FLOAT, at * Float.BYTES, width);
            }
        }
    }

    /**
     * {width, height} with the shorter side {@code shorter} and the longer {@code int(shorter * long / short)},
     * as torchvision's Resize(int) and Hugging Face's get_resize_output_image_size (default_to_square=False)
     * compute it.
     */
    private static int[] shorterSideTo(int shorter, int w, int h) {
        int rw = w <= h ? shorter : (int) ((double) ((long) shorter * w) / h);
        int rh = w <= h ? (int) ((double) ((long) shorter * h) / w) : shorter;
        // A sliver (1,000,000 x 1) would become a resized image of gigapixels before the crop.
        if ((double) rw * rh > MAX_PIXELS || rw < 1 || rh < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "image is %d x %d (width x height): "
                    + "resizing its shorter side to %d makes %.0f pixels, over the limit of %,d", w, h, shorter,
                    (double) rw * rh, MAX_PIXELS));
        }
        return new int[] {rw, rh};
    }

    /**
     * The picture a preprocessed tensor shows: {@link #toTensor}'s normalization undone, {@code x * std +
     * mean} then divided by the rescale factor, rounded and clamped to 8 bits. The tensor is 3 x height x
     * width floats of {@code p}'s size from float {@code offset} of {@code tensor} (channel-major). Values
     * the rescale did not make (a tensor of your own, NaN) come out clamped, NaN as 0.
     */
    public static BufferedImage fromTensor(float[] tensor, int offset, ImagePreprocessing p) {
        int height = p.height(), width = p.width(), plane = height * width;
        Objects.checkFromIndexSize(offset, 3 * plane, tensor.length);
        float[] mean = p.mean();
        float[] std = p.std();
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    double v = (tensor[offset + c * plane + y * width + x] * (double) std[c] + mean[c]) / p.rescaleFactor();
                    rgb = rgb << 8 | (int) Math.max(0, Math.min(255, Math.rint(v)));
                }
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }

    /**
     * The output value of each 8-bit value per channel. Hugging Face computes {@code float32(x * factor)}
     * with the product in double; torchvision's {@code x / 255} in float32 gives the same floats for all 256
     * values (checked by the tests), so one formula serves both.
     */
    private static float[][] lookupTables(ImagePreprocessing p) {
        float[] mean = p.mean();
        float[] std = p.std();
        float[][] lut = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                lut[c][v] = ((float) (v * p.rescaleFactor()) - mean[c]) / std[c];
            }
        }
        return lut;
    }
}
