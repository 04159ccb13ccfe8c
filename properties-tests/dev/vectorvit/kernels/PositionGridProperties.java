package dev.vectorvit.kernels;

/**
 * {@link PositionGrid} against a reference written the other way round: per axis a dense out x in matrix of
 * Keys weights (A = -0.75) at the exact source position (i + 0.5) in / out - 0.5 in double, taps beyond the
 * border added to the border, then out = Wy X Wx^T per channel in double.
 *
 * <p><b>Error bound.</b> PositionGrid takes the source position in float32 as PyTorch does: off by at most
 * 1e-7 in (measured for sizes up to 64, 9.97e-8 in); the four weights' derivatives sum to at most 3 and
 * their absolute values to 1.375, so each axis moves the result by at most 3e-7 in 1.375 max|x|. The float
 * weights of one axis are off by at most 1.4e-6 in all (measured over 2e6 fractions), 3.9e-6 max|x| for
 * both axes, and the final rounding adds 6e-8 max|x|:
 * <pre>  |out - ref| <= (4.2e-7 (gh + gw) + 4e-6) max|x|</pre>
 * Bicubic with A = -0.75 does not reproduce linear ramps (only A = -0.5 does), so no ramp identity here.
 */
final class PositionGridProperties extends GridResizeProperties {

    PositionGridProperties() {
        super(PositionGrid::interpolate);
    }

    @Override
    double bound(double want, double max, Sizes s) {
        return (4.2e-7 * (s.gh() + s.gw()) + 4e-6) * max;
    }

    /** One axis's float weights sum to 1 within 1.25e-6 (measured over 2e6 fractions): 3e-6 for both axes. */
    @Override
    double constantTolerance() {
        return 3e-6;
    }

    /** Border taps folded onto the border. */
    @Override
    double[][] weights(int in, int out) {
        double[][] w = new double[out][in];
        for (int o = 0; o < out; o++) {
            double src = (o + 0.5) * in / out - 0.5;
            int base = (int) Math.floor(src);
            for (int s = base - 1; s <= base + 2; s++) {
                w[o][Math.max(0, Math.min(in - 1, s))] += keys(Math.abs(src - s), -0.75);
            }
        }
        return w;
    }
}
