package dev.vectorvit.kernels;

import dev.vectorvit.tensor.Checks;
import java.lang.foreign.MemorySegment;

/**
 * Row-wise softmax of {@code scale * x}, in place (attention folds 1/sqrt(head size) into scale).
 * Stable: the row max is subtracted before the exponential. Non-finite rows have defined results:
 * a row whose entries are all -inf (fully masked) becomes zeros; a row holding NaN or +inf becomes NaN;
 * other rows are unaffected. Vector error bound (tested): |p - ref| <= 1e-6 ref + 1e-9 (relative,
 * from the polynomial exp's ~3 ulp and the float sum).
 */
public final class Softmax {
    private Softmax() {}

    public static void apply(int rows, int cols, float scale, MemorySegment x, long xOff, int ldx) {
        Checks.matrix("x", x, xOff, rows, cols, ldx);
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
        }
        if (Simd.enabled()) {
            VecSoftmax.apply(rows, cols, scale, x, xOff, ldx);
        } else {
            ScalarKernels.softmax(rows, cols, scale, x, xOff, ldx);
        }
    }
}
