package dev.vectorvit.kernels;

import dev.vectorvit.tensor.Checks;
import java.lang.foreign.MemorySegment;

/**
 * Row-wise softmax of {@code scale * x}, in place (attention folds 1/sqrt(head size) into scale).
 * Stable: the row max is subtracted before the exponential. Non-finite rows have defined results:
 * a row whose entries are all -inf (fully masked) becomes zeros; a row holding NaN or +inf becomes NaN;
 * other rows are unaffected. Vector error against the double reference: within 1e-6 ref + 1e-9 in every
 * measured case; the property tests assert the worst-case bound derived from the rounding steps,
 * |p - ref| <= (2 E + u (|t| + W) + (m + 4) u) ref + 2^-125, with E = 4e-7 the error of the polynomial exp,
 * t = scale (x - max) the exponent, W the mean of |t| weighted by p, m = cols / V + V additions per term of
 * the lane-parallel sum and u = 2^-24 (see SoftmaxProperties). Each row sums to 1 within (m + 3) u.
 */
public final class Softmax {
    private Softmax() {}

    public static void apply(int rows, int cols, float scale, MemorySegment x, long xOff, int ldx) {
        run(rows, cols, cols, scale, x, xOff, ldx);
    }

    /**
     * The row width {@link #applyPadded} works in: cols rounded up to whole vectors (cols itself without the
     * Vector API). A caller that owns its rows' storage can lay them out this wide.
     */
    public static int paddedCols(int cols) {
        int v = Simd.enabled() ? Lanes.N : 1;
        return (cols + v - 1) / v * v;
    }

    /**
     * {@link #apply}, the same bits, on rows whose floats from {@code cols} to {@link #paddedCols}{@code (cols)}
     * are scratch: the exponential runs there too, so that every row is whole vectors and no element takes
     * the scalar path of the last partial vector (at 197 columns those 5 cost a third of the softmax).
     * Whatever the scratch floats hold, the live ones are unaffected; afterwards the scratch holds garbage.
     */
    public static void applyPadded(int rows, int cols, float scale, MemorySegment x, long xOff, int ldx) {
        run(rows, cols, paddedCols(cols), scale, x, xOff, ldx);
    }

    private static void run(int rows, int cols, int width, float scale, MemorySegment x, long xOff, int ldx) {
        Checks.positive("x columns", cols);
        Checks.matrix("x", x, xOff, rows, width, ldx);
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
        }
        if (Simd.enabled()) {
            VecSoftmax.apply(rows, cols, width, scale, x, xOff, ldx);
        } else {
            ScalarKernels.softmax(rows, cols, scale, x, xOff, ldx);
        }
    }
}
