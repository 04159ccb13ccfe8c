package dev.vectorvit.kernels;

import static dev.vectorvit.kernels.Gen.U;

/**
 * {@link AntialiasedGrid} against a reference written the other way round: per axis a dense out x in matrix
 * whose row o weighs every source s by Keys' cubic (A = -0.5) at (s + 0.5 - center) / max(in / out, 1),
 * center = (o + 0.5) in / out, divided by the row's sum, in double (the kernel is 0 from 2 on, so there is no
 * window to find), then out = Wy X Wx^T per channel in double. At the same size every weight is the cubic at
 * an integer, exactly 1 or 0: a copy.
 *
 * <p><b>Error bound.</b> Both compute in double and differ only in rounding: at most 40 taps an axis, whose
 * normalized weights' absolute values sum to at most 1.27 (measured for all sizes up to 40), so the weights,
 * each axis's sum and the product of the two err by at most 4 x 48 x 2^-53 x 1.27^2 max|x| < 3.5e-14 max|x|,
 * in the kernel and in the reference alike. The kernel rounds its sum to float once, U |out| more:
 * <pre>  |out - ref| <= U |ref| + 1e-13 max|x|</pre>
 */
final class AntialiasedGridProperties extends GridResizeProperties {

    AntialiasedGridProperties() {
        super(AntialiasedGrid::interpolate);
    }

    @Override
    double bound(double want, double max, Sizes s) {
        return U * Math.abs(want) + 1e-13 * max;
    }

    /**
     * The weights are normalized in double: a constant comes out within 1e-13 of itself relatively, far inside
     * half a float ulp (2^-25), so rounding gives the constant back exactly.
     */
    @Override
    double constantTolerance() {
        return 0;
    }

    /** Every source weighed, each row divided by its sum. */
    @Override
    double[][] weights(int in, int out) {
        double scale = (double) in / out, stretch = Math.max(scale, 1);
        double[][] w = new double[out][in];
        for (int o = 0; o < out; o++) {
            double center = (o + 0.5) * scale, total = 0;
            for (int s = 0; s < in; s++) {
                w[o][s] = keys(Math.abs(s + 0.5 - center) / stretch, -0.5);
                total += w[o][s];
            }
            for (int s = 0; s < in; s++) {
                w[o][s] /= total;
            }
        }
        return w;
    }
}
