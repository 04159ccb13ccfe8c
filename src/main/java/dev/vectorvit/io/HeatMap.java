package dev.vectorvit.io;

import java.util.Objects;

/**
 * Heat maps of small grids (attention over patches): values scaled to their own range, upsampled
 * bilinearly to pixels and coloured with viridis, matplotlib's default colour map, which is perceptually
 * uniform and gets lighter monotonically from its lowest to its highest colour (so it reads in gray too).
 */
public final class HeatMap {
    /** Viridis at 0, 1/8, ..., 1 (matplotlib's values, as R's viridisLite lists them); linear in between. */
    private static final int[] VIRIDIS = {
        0x440154, 0x472C7A, 0x3B518B, 0x2C718E, 0x21908D, 0x27AD81, 0x5CC863, 0xAADC32, 0xFDE725};

    private HeatMap() {}

    /** The colour (0xRRGGBB) of {@code t} in [0, 1], clamped to it; NaN is the lowest colour. */
    public static int color(double t) {
        double u = (Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t))) * (VIRIDIS.length - 1);
        int i = Math.min((int) u, VIRIDIS.length - 2);
        double f = u - i;
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            int a = VIRIDIS[i] >> shift & 0xFF, b = VIRIDIS[i + 1] >> shift & 0xFF;
            rgb = rgb << 8 | (int) Math.round(a + (b - a) * f);
        }
        return rgb;
    }

    /**
     * {@code count} values from {@code from} scaled to [0, 1] by their range, (v - min) / (max - min). A
     * flat map (max == min, such as the all-zero rollout of attention that is the identity everywhere)
     * has no range to show: it becomes all 0, the lowest colour, rather than 0 / 0; so does a map with a NaN.
     */
    public static double[] normalize(float[] values, int from, int count) {
        Objects.checkFromIndexSize(from, count, values.length);
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            min = Math.min(min, values[from + i]);
            max = Math.max(max, values[from + i]);
        }
        double[] out = new double[count];
        if (max > min) {
            for (int i = 0; i < count; i++) {
                out[i] = (values[from + i] - min) / (max - min);
            }
        }
        return out;
    }

    /**
     * A {@code gh x gw} row-major grid upsampled bilinearly to {@code h x w} pixels, row-major: pixel
     * centres map onto the grid as PyTorch's {@code interpolate(align_corners=False)} does, edges clamped,
     * so each cell's centre pixel is close to its value.
     */
    public static double[] upsample(double[] grid, int gh, int gw, int h, int w) {
        if (grid.length != gh * gw || h < 1 || w < 1) {
            throw new IllegalArgumentException("a " + gh + "x" + gw + " grid of " + grid.length + " values to "
                    + h + "x" + w + " pixels");
        }
        double[] out = new double[h * w];
        for (int y = 0; y < h; y++) {
            double v = Math.clamp((y + 0.5) * gh / h - 0.5, 0, gh - 1);
            int y0 = (int) v, y1 = Math.min(y0 + 1, gh - 1);
            double fy = v - y0;
            for (int x = 0; x < w; x++) {
                double u = Math.clamp((x + 0.5) * gw / w - 0.5, 0, gw - 1);
                int x0 = (int) u, x1 = Math.min(x0 + 1, gw - 1);
                double fx = u - x0;
                double top = grid[y0 * gw + x0] * (1 - fx) + grid[y0 * gw + x1] * fx;
                double bottom = grid[y1 * gw + x0] * (1 - fx) + grid[y1 * gw + x1] * fx;
                out[y * w + x] = top * (1 - fy) + bottom * fy;
            }
        }
        return out;
    }
}
