package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** The element-wise kernels, one row at a time with a masked tail. Offsets in floats. */
final class VecElementWise {
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int V = S.length();

    private VecElementWise() {}

    /** y += x; ldx = 0 adds the same row (a bias) to every row of y. */
    static void add(int rows, int cols, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy) {
        int bound = S.loopBound(cols);
        VectorMask<Float> tail = S.indexInRange(bound, cols);
        for (int r = 0; r < rows; r++) {
            long xb = (xOff + (long) r * ldx) * Float.BYTES;
            long yb = (yOff + (long) r * ldy) * Float.BYTES;
            for (int j = 0; j < bound; j += V) {
                long o = (long) j * Float.BYTES;
                FloatVector.fromMemorySegment(S, y, yb + o, NATIVE)
                        .add(FloatVector.fromMemorySegment(S, x, xb + o, NATIVE))
                        .intoMemorySegment(y, yb + o, NATIVE);
            }
            if (bound < cols) {
                long o = (long) bound * Float.BYTES;
                FloatVector.fromMemorySegment(S, y, yb + o, NATIVE, tail)
                        .add(FloatVector.fromMemorySegment(S, x, xb + o, NATIVE, tail))
                        .intoMemorySegment(y, yb + o, NATIVE, tail);
            }
        }
    }

    /**
     * y = x on rows x cols (ldx = 0 repeats one row), a vector at a time, masked only where a row ends
     * mid-vector: a GEMM edge tile in and out of its scratch. A {@code MemorySegment.copy} per row (a call
     * and its checks for 20 to 128 bytes) made attention's Q K^T at 197 tokens 4% slower, its 5 columns past
     * 192 an edge on every row.
     */
    static void copy(int rows, int cols, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            long xb = (xOff + (long) r * ldx) * Float.BYTES;
            long yb = (yOff + (long) r * ldy) * Float.BYTES;
            for (int j = 0; j < cols; j += V) {
                long o = (long) j * Float.BYTES;
                if (j + V <= cols) {
                    FloatVector.fromMemorySegment(S, x, xb + o, NATIVE).intoMemorySegment(y, yb + o, NATIVE);
                } else {
                    VectorMask<Float> m = S.indexInRange(j, cols);
                    FloatVector.fromMemorySegment(S, x, xb + o, NATIVE, m).intoMemorySegment(y, yb + o, NATIVE, m);
                }
            }
        }
    }

    /** y *= alpha. */
    static void scale(int rows, int cols, float alpha, MemorySegment y, long yOff, int ldy) {
        int bound = S.loopBound(cols);
        VectorMask<Float> tail = S.indexInRange(bound, cols);
        for (int r = 0; r < rows; r++) {
            long yb = (yOff + (long) r * ldy) * Float.BYTES;
            for (int j = 0; j < bound; j += V) {
                long o = yb + (long) j * Float.BYTES;
                FloatVector.fromMemorySegment(S, y, o, NATIVE).mul(alpha).intoMemorySegment(y, o, NATIVE);
            }
            if (bound < cols) {
                long o = yb + (long) bound * Float.BYTES;
                FloatVector.fromMemorySegment(S, y, o, NATIVE, tail).mul(alpha).intoMemorySegment(y, o, NATIVE, tail);
            }
        }
    }

    /**
     * y = act(x) for any width (ElementWise's API; the GEMM epilogue takes {@link #activateTile}), one masked
     * step at a time (all lanes but in the last): with a second call site for the tail, C2 ran out of
     * inlining budget for GELU there and boxed every vector (7 MB per ViT-B/16 pass when GELU ran here).
     */
    static void activate(Activation act, int rows, int cols, MemorySegment x, long xOff, int ldx,
                         MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            long xb = (xOff + (long) r * ldx) * Float.BYTES;
            long yb = (yOff + (long) r * ldy) * Float.BYTES;
            for (int j = 0; j < cols; j += V) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                long o = (long) j * Float.BYTES;
                VMath.apply(FloatVector.fromMemorySegment(S, x, xb + o, NATIVE, m), act)
                        .intoMemorySegment(y, yb + o, NATIVE, m);
            }
        }
    }

    /**
     * x = act(x) in place on {@code rows} rows of {@code cols} floats, cols a whole number of vectors (a GEMM
     * register tile): no mask, the one call site of {@link VMath#apply} in this method.
     */
    static void activateTile(Activation act, int rows, int cols, MemorySegment x, long xOff, int ldx) {
        for (int r = 0; r < rows; r++) {
            long xb = (xOff + (long) r * ldx) * Float.BYTES;
            for (int j = 0; j < cols; j += V) {
                long o = xb + (long) j * Float.BYTES;
                VMath.apply(FloatVector.fromMemorySegment(S, x, o, NATIVE), act).intoMemorySegment(x, o, NATIVE);
            }
        }
    }

    /** The sum of (x - shift), or of (x - shift)^2 when {@code square}, in V lanes reduced in a fixed order. */
    static float sum(int n, MemorySegment x, long xb, float shift, boolean square) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < bound; j += V) {
            FloatVector d = FloatVector.fromMemorySegment(S, x, xb + (long) j * Float.BYTES, NATIVE).sub(shift);
            acc = square ? d.fma(d, acc) : acc.add(d);
        }
        if (bound < n) {
            VectorMask<Float> tail = S.indexInRange(bound, n);
            FloatVector d = FloatVector.fromMemorySegment(S, x, xb + (long) bound * Float.BYTES, NATIVE, tail)
                    .sub(shift, tail);
            acc = square ? d.fma(d, acc) : acc.add(d);
        }
        return Lanes.sum(acc);
    }
}
