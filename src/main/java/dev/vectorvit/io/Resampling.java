package dev.vectorvit.io;

import dev.vectorvit.io.ImagePreprocessing.Interpolation;
import java.util.Arrays;

/**
 * Resizing of 8-bit RGB pixels that reproduces Pillow's {@code Image.resize(size, resample)} bit for bit,
 * because every reference pipeline (Hugging Face's ViTImageProcessor, timm's torchvision transforms)
 * resizes with Pillow, and a model's accuracy was measured on exactly those pixels.
 *
 * <p>Pixels are packed {@code 0xRRGGBB} ints, row-major. Bilinear and bicubic follow
 * {@code ImagingResample} in Pillow's {@code libImaging/Resample.c}: a horizontal pass then a vertical
 * pass, each with an antialiasing window when shrinking, fixed-point coefficients and a rounding to 8
 * bits after each pass. Nearest follows {@code ImagingScaleAffine} in {@code libImaging/Geometry.c}, which
 * is where Pillow sends a nearest-neighbour resize.
 */
final class Resampling {
    /** Pillow's {@code PRECISION_BITS}: 8 bits of pixel and 2 of headroom for negative lobes leave 22. */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private Resampling() {}

    /**
     * The {@code outWidth x outHeight} resize of {@code pixels}: a new array, or {@code pixels} itself
     * when the size is unchanged (Pillow returns a copy then, unfiltered).
     */
    static int[] resize(int[] pixels, int width, int height, int outWidth, int outHeight, Interpolation filter) {
        if (pixels.length != width * height) {
            throw new IllegalArgumentException(pixels.length + " pixels for a " + width + "x" + height + " image");
        }
        if (outWidth < 1 || outHeight < 1) {
            throw new IllegalArgumentException("cannot resize to " + outWidth + "x" + outHeight);
        }
        if (outWidth == width && outHeight == height) {
            return pixels;
        }
        return switch (filter) {
            case NEAREST -> nearest(pixels, width, height, outWidth, outHeight);
            case BILINEAR, BICUBIC -> separable(pixels, width, height, outWidth, outHeight, filter);
        };
    }

    /** The filter kernels of Resample.c, evaluated in double exactly as written there. */
    private static double kernel(Interpolation filter, double x) {
        double a = Math.abs(x);
        if (filter == Interpolation.BILINEAR) {
            return a < 1.0 ? 1.0 - a : 0.0;
        }
        // Bicubic convolution with a = -0.5; the constants are Pillow's (a + 2) and (a + 3), folded.
        if (a < 1.0) {
            return (1.5 * a - 2.5) * a * a + 1;
        }
        if (a < 2.0) {
            return (((a - 5) * a + 8) * a - 4) * -0.5;
        }
        return 0.0;
    }

    private static double support(Interpolation filter) {
        return filter == Interpolation.BILINEAR ? 1.0 : 2.0;
    }

    /**
     * Per output position: the first source index, the window length, and {@code ksize} fixed-point
     * weights ({@code precompute_coeffs} then {@code normalize_coeffs_8bpc}).
     */
    private record Coefficients(int ksize, int[] first, int[] count, int[] weights) {
        static Coefficients of(int inSize, int outSize, Interpolation filter) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = support(filter) * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] first = new int[outSize];
            int[] count = new int[outSize];
            int[] weights = new int[outSize * ksize];
            double[] k = new double[ksize];
            double ss = 1.0 / filterScale;
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                // (int) truncates toward zero like the C cast, which matters for negative window starts.
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    k[x] = kernel(filter, (x + xmin - center + 0.5) * ss);
                    ww += k[x];
                }
                for (int x = 0; x < xmax; x++) {
                    double w = ww != 0.0 ? k[x] / ww : k[x];
                    weights[xx * ksize + x] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS)
                                                           : 0.5 + w * (1 << PRECISION_BITS));
                }
                first[xx] = xmin;
                count[xx] = xmax;
            }
            return new Coefficients(ksize, first, count, weights);
        }
    }

    /** Pillow's {@code clip8}: drop the fraction (the sums start at one half, so this rounds), clamp to 0..255. */
    private static int clip8(int sum) {
        int v = sum >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static int[] separable(int[] in, int width, int height, int outWidth, int outHeight,
                                   Interpolation filter) {
        Coefficients horizontal = Coefficients.of(width, outWidth, filter);
        Coefficients vertical = Coefficients.of(height, outHeight, filter);
        // Pillow skips a pass whose size is unchanged (its weights would be the identity).
        int[] rows = in;
        int rowsWidth = width;
        if (outWidth != width) {
            rows = horizontalPass(in, width, height, outWidth, horizontal);
            rowsWidth = outWidth;
        }
        if (outHeight == height) {
            return rows;
        }
        return verticalPass(rows, rowsWidth, outHeight, vertical);
    }

    private static int[] horizontalPass(int[] in, int width, int height, int outWidth, Coefficients c) {
        int[] out = new int[outWidth * height];
        int half = 1 << (PRECISION_BITS - 1);
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int xx = 0; xx < outWidth; xx++) {
                int r = half, g = half, b = half;
                int base = xx * c.ksize;
                int src = row + c.first[xx];
                for (int x = 0; x < c.count[xx]; x++) {
                    int p = in[src + x];
                    int w = c.weights[base + x];
                    r += (p >>> 16 & 0xFF) * w;
                    g += (p >>> 8 & 0xFF) * w;
                    b += (p & 0xFF) * w;
                }
                out[y * outWidth + xx] = clip8(r) << 16 | clip8(g) << 8 | clip8(b);
            }
        }
        return out;
    }

    /**
     * Row by row rather than Pillow's column walk, for the cache: the sums are integers, so the order of
     * the additions cannot change them.
     */
    private static int[] verticalPass(int[] in, int width, int outHeight, Coefficients c) {
        int[] out = new int[width * outHeight];
        int[] r = new int[width];
        int[] g = new int[width];
        int[] b = new int[width];
        for (int yy = 0; yy < outHeight; yy++) {
            Arrays.fill(r, 1 << (PRECISION_BITS - 1));
            Arrays.fill(g, 1 << (PRECISION_BITS - 1));
            Arrays.fill(b, 1 << (PRECISION_BITS - 1));
            for (int y = 0; y < c.count[yy]; y++) {
                int w = c.weights[yy * c.ksize + y];
                int row = (c.first[yy] + y) * width;
                for (int x = 0; x < width; x++) {
                    int p = in[row + x];
                    r[x] += (p >>> 16 & 0xFF) * w;
                    g[x] += (p >>> 8 & 0xFF) * w;
                    b[x] += (p & 0xFF) * w;
                }
            }
            int o = yy * width;
            for (int x = 0; x < width; x++) {
                out[o + x] = clip8(r[x]) << 16 | clip8(g[x]) << 8 | clip8(b[x]);
            }
        }
        return out;
    }

    /**
     * {@code ImagingScaleAffine}: the source coordinate starts at half a step and accumulates the step
     * in double, truncating each time; accumulating (rather than multiplying) is what decides the pixel
     * on exact ties, so it is kept. Coordinates outside the source stay black, as Pillow fills them.
     */
    private static int[] nearest(int[] in, int width, int height, int outWidth, int outHeight) {
        double xStep = (double) width / outWidth;
        double yStep = (double) height / outHeight;
        int[] columns = new int[outWidth];
        double xo = xStep * 0.5;
        for (int x = 0; x < outWidth; x++) {
            columns[x] = xo < 0.0 ? -1 : (int) xo;
            xo += xStep;
        }
        int[] out = new int[outWidth * outHeight];
        double yo = yStep * 0.5;
        for (int y = 0; y < outHeight; y++) {
            int yi = yo < 0.0 ? -1 : (int) yo;
            if (yi >= 0 && yi < height) {
                for (int x = 0; x < outWidth; x++) {
                    int xi = columns[x];
                    if (xi >= 0 && xi < width) {
                        out[y * outWidth + x] = in[yi * width + xi];
                    }
                }
            }
            yo += yStep;
        }
        return out;
    }
}
