package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * LayerNorm of each row in three vector passes: the mean; the sums of d = x - mean and of d^2 (the
 * "corrected two-pass" variance, var = (sum d^2 - (sum d)^2 / n) / n, which also cancels the rounding
 * error of the first mean: rows like 1e4 + noise of 1e-2 keep their variance); then
 * y = (d - corr) * (rstd * gamma) + beta, where corr = (sum d) / n removes the first mean's error from d
 * too (without it such rows are off by up to 0.2 after normalisation). Each pass keeps V partial sums
 * in one vector, reduced once per row in a fixed order ({@link Lanes#sum}).
 */
final class VecLayerNorm {
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int V = S.length();

    private VecLayerNorm() {}

    static void apply(int rows, int cols, MemorySegment x, long xOff, int ldx, MemorySegment gamma, long gOff,
                      MemorySegment beta, long bOff, float eps, MemorySegment y, long yOff, int ldy) {
        int r = 0;
        for (; r + 1 < rows; r += 2) {
            rows2(cols, x, (xOff + (long) r * ldx) * Float.BYTES, (xOff + (long) (r + 1) * ldx) * Float.BYTES,
                    gamma, gOff * Float.BYTES, beta, bOff * Float.BYTES, eps,
                    y, (yOff + (long) r * ldy) * Float.BYTES, (yOff + (long) (r + 1) * ldy) * Float.BYTES);
        }
        if (r < rows) {
            row(cols, x, (xOff + (long) r * ldx) * Float.BYTES, gamma, gOff * Float.BYTES, beta, bOff * Float.BYTES,
                    eps, y, (yOff + (long) r * ldy) * Float.BYTES);
        }
    }

    /**
     * {@link #row} on two rows, each pass of both before the next pass: the same bits as two calls of row. One
     * row's passes wait on each other (a sum's chain of additions, its lane reduction, then the next pass); the
     * other row's pass fills that wait (197 x 768: 35 against 41 us hot, 1 thread).
     */
    static void rows2(int n, MemorySegment x, long xb0, long xb1, MemorySegment gamma, long gb, MemorySegment beta,
                      long bb, float eps, MemorySegment y, long yb0, long yb1) {
        float mean0 = VecElementWise.sum(n, x, xb0, 0f, false) / n;
        float mean1 = VecElementWise.sum(n, x, xb1, 0f, false) / n;
        float sum10 = VecElementWise.sum(n, x, xb0, mean0, false);
        float sum11 = VecElementWise.sum(n, x, xb1, mean1, false);
        float corr0 = sum10 / n, corr1 = sum11 / n;
        float var0 = Math.max(0f, (VecElementWise.sum(n, x, xb0, mean0, true) - sum10 * corr0) / n);
        float var1 = Math.max(0f, (VecElementWise.sum(n, x, xb1, mean1, true) - sum11 * corr1) / n);
        normalize(n, x, xb0, mean0, corr0, (float) (1.0 / Math.sqrt((double) var0 + eps)), gamma, gb, beta, bb, y, yb0);
        normalize(n, x, xb1, mean1, corr1, (float) (1.0 / Math.sqrt((double) var1 + eps)), gamma, gb, beta, bb, y, yb1);
    }

    /**
     * One row; all offsets in bytes. The passes are separate methods that pass only scalars: one method
     * holding all three is too big for C1's register allocator, never reaches C2, and then boxes every
     * vector (measured: 50 times slower and 14 MB allocated per 197 x 768 call).
     */
    static void row(int n, MemorySegment x, long xb, MemorySegment gamma, long gb, MemorySegment beta, long bb,
                    float eps, MemorySegment y, long yb) {
        float mean = VecElementWise.sum(n, x, xb, 0f, false) / n;
        float sum1 = VecElementWise.sum(n, x, xb, mean, false);
        // mean + corr is the row mean to about twice float precision; it must stay split, since a single
        // float rounds a mean of 1e4 by 5e-4, a large error next to a standard deviation of 1e-2.
        float corr = sum1 / n;
        float var = Math.max(0f, (VecElementWise.sum(n, x, xb, mean, true) - sum1 * corr) / n);
        float rstd = (float) (1.0 / Math.sqrt((double) var + eps));
        normalize(n, x, xb, mean, corr, rstd, gamma, gb, beta, bb, y, yb);
    }

    private static void normalize(int n, MemorySegment x, long xb, float mean, float corr, float rstd,
                                  MemorySegment gamma, long gb, MemorySegment beta, long bb, MemorySegment y, long yb) {
        int bound = S.loopBound(n);
        for (int j = 0; j < bound; j += V) {
            long o = (long) j * Float.BYTES;
            FloatVector d = FloatVector.fromMemorySegment(S, x, xb + o, NATIVE).sub(mean).sub(corr);
            FloatVector g = FloatVector.fromMemorySegment(S, gamma, gb + o, NATIVE).mul(rstd);
            d.fma(g, FloatVector.fromMemorySegment(S, beta, bb + o, NATIVE)).intoMemorySegment(y, yb + o, NATIVE);
        }
        if (bound < n) {
            VectorMask<Float> tail = S.indexInRange(bound, n);
            long o = (long) bound * Float.BYTES;
            FloatVector d = FloatVector.fromMemorySegment(S, x, xb + o, NATIVE, tail).sub(mean).sub(corr);
            FloatVector g = FloatVector.fromMemorySegment(S, gamma, gb + o, NATIVE, tail).mul(rstd);
            d.fma(g, FloatVector.fromMemorySegment(S, beta, bb + o, NATIVE, tail)).intoMemorySegment(y, yb + o, NATIVE, tail);
        }
    }
}
