package dev.vectorvit.kernels;

import dev.vectorvit.tensor.Checks;
import java.lang.foreign.MemorySegment;

/**
 * LayerNorm over the last dimension: y = (x - mean) / sqrt(var + eps) * gamma + beta for each of
 * {@code rows} rows of {@code cols} floats. y may be x itself (same offset and leading dimension) but
 * must not partly overlap it. Vector error bound (tested): |y - ref| <= 1e-5 (|gamma| + |beta|) + 2e-6 |ref|.
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
