package dev.vectorvit.kernels;

import dev.vectorvit.tensor.Checks;
import java.lang.foreign.MemorySegment;

/**
 * The small element-wise operations of a transformer over {@code rows x cols} blocks with leading
 * dimensions: the residual add, the bias add, scaling and the activations (GELU in both forms, quick_gelu). Each
 * output may be its input (in place) but must not partly overlap another operand.
 * Activation error bound, every {@link Activation} but NONE (tested, vector against double reference):
 * |y - ref| <= 2e-6 max(1, |x|).
 */
public final class ElementWise {
    private ElementWise() {}

    /** y += x. */
    public static void add(int rows, int cols, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy) {
        Checks.matrix("x", x, xOff, rows, cols, ldx);
        Checks.matrix("y", y, yOff, rows, cols, ldy);
        requireInPlaceOrDisjoint(rows, cols, x, xOff, ldx, y, yOff, ldy);
        if (Simd.enabled()) {
            VecElementWise.add(rows, cols, x, xOff, ldx, y, yOff, ldy);
        } else {
            ScalarKernels.add(rows, cols, x, xOff, ldx, y, yOff, ldy);
        }
    }

    /** y[r][j] += bias[j]. */
    public static void addBias(int rows, int cols, MemorySegment bias, long biasOff, MemorySegment y, long yOff, int ldy) {
        Checks.vector("bias", bias, biasOff, cols);
        Checks.matrix("y", y, yOff, rows, cols, ldy);
        Checks.noOverlap("y", y, yOff, Checks.extent(rows, cols, ldy), "bias", bias, biasOff, cols);
        if (Simd.enabled()) {
            VecElementWise.add(rows, cols, bias, biasOff, 0, y, yOff, ldy);
        } else {
            ScalarKernels.addBias(rows, cols, bias, biasOff, y, yOff, ldy);
        }
    }

    /** y *= alpha. */
    public static void scale(int rows, int cols, float alpha, MemorySegment y, long yOff, int ldy) {
        Checks.matrix("y", y, yOff, rows, cols, ldy);
        if (Simd.enabled()) {
            VecElementWise.scale(rows, cols, alpha, y, yOff, ldy);
        } else {
            ScalarKernels.scale(rows, cols, alpha, y, yOff, ldy);
        }
    }

    /** y = act(x), e.g. GELU. */
    public static void activate(Activation act, int rows, int cols, MemorySegment x, long xOff, int ldx,
                                MemorySegment y, long yOff, int ldy) {
        if (act == null) {
            throw new IllegalArgumentException("activation is null");
        }
        Checks.matrix("x", x, xOff, rows, cols, ldx);
        Checks.matrix("y", y, yOff, rows, cols, ldy);
        requireInPlaceOrDisjoint(rows, cols, x, xOff, ldx, y, yOff, ldy);
        if (Simd.enabled()) {
            VecElementWise.activate(act, rows, cols, x, xOff, ldx, y, yOff, ldy);
        } else {
            ScalarKernels.activate(act, rows, cols, x, xOff, ldx, y, yOff, ldy);
        }
    }

    private static void requireInPlaceOrDisjoint(int rows, int cols, MemorySegment x, long xOff, int ldx,
                                                 MemorySegment y, long yOff, int ldy) {
        if (!(Checks.sameStart(x, xOff, y, yOff) && ldx == ldy)) {
            Checks.noOverlap("y", y, yOff, Checks.extent(rows, cols, ldy), "x", x, xOff, Checks.extent(rows, cols, ldx));
        }
    }
}
