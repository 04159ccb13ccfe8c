package dev.vectorvit.kernels;

import dev.vectorvit.tensor.Checks;
import java.lang.foreign.MemorySegment;

/**
 * LayerNorm over the last dimension: y = (x - mean) / sqrt(var + eps) * gamma + beta for each of
 * {@code rows} rows of {@code cols} floats. y may be x itself (same offset and leading dimension) but
 * must not partly overlap it. Vector error against the double reference: within
 * 1e-5 (|gamma| + |beta|) + 2e-6 |ref| in every measured case (rows up to 300 wide, including a mean of 1e4
 * with a spread of 1e-2); the property tests assert the worst-case bound derived from the rounding steps,
 * 2 (m + 4) u (|gamma| (1 + |z|) (1 + w)^2 + |beta|), with z the exact normalised value, m = cols / V + V
 * additions per term of a lane-parallel sum, u = 2^-24 and w the float mean's possible error in units of the
 * standard deviation (see LayerNormProperties).
 */
public final class LayerNorm {
    private LayerNorm() {}

    public static void apply(int rows, int cols, MemorySegment x, long xOff, int ldx,
                             MemorySegment gamma, long gammaOff, MemorySegment beta, long betaOff, float eps,
                             MemorySegment y, long yOff, int ldy) {
        Checks.matrix("x", x, xOff, rows, cols, ldx);
        Checks.vector("gamma", gamma, gammaOff, cols);
        Checks.vector("beta", beta, betaOff, cols);
        Checks.matrix("y", y, yOff, rows, cols, ldy);
        if (!(eps >= 0) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and >= 0, got " + eps);
        }
        long yExtent = Checks.extent(rows, cols, ldy);
        if (!(Checks.sameStart(x, xOff, y, yOff) && ldx == ldy)) {
            Checks.noOverlap("y", y, yOff, yExtent, "x", x, xOff, Checks.extent(rows, cols, ldx));
        }
        Checks.noOverlap("y", y, yOff, yExtent, "gamma", gamma, gammaOff, cols);
        Checks.noOverlap("y", y, yOff, yExtent, "beta", beta, betaOff, cols);
        if (Simd.enabled()) {
            VecLayerNorm.apply(rows, cols, x, xOff, ldx, gamma, gammaOff, beta, betaOff, eps, y, yOff, ldy);
        } else {
            ScalarKernels.layerNorm(rows, cols, x, xOff, ldx, gamma, gammaOff, beta, betaOff, eps, y, yOff, ldy);
        }
    }
}
