package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax of scale * x along each row, in place, in three passes: the row max (so exp never
 * overflows), e = exp(scale x - scale max) stored back while summing, then e / sum. The exponential is
 * {@link VMath#exp}, a polynomial of FMAs. Scale must be positive, so max(scale x) = scale max(x).
 */
final class VecSoftmax {
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int V = S.length();

    private VecSoftmax() {}

    static void apply(int rows, int cols, float scale, MemorySegment x, long xOff, int ldx) {
        long xb = xOff * Float.BYTES, step = (long) ldx * Float.BYTES;
        float max = rows > 0 ? max(cols, x, xb) : 0f;
        for (int r = 0; r < rows; r++, xb += step) {
            if (Float.isNaN(max) || max == Float.POSITIVE_INFINITY || max == Float.NEGATIVE_INFINITY) {
                ScalarKernels.fill(x, xb / Float.BYTES, cols, max == Float.NEGATIVE_INFINITY ? 0f : Float.NaN);
                max = r + 1 < rows ? max(cols, x, xb + step) : 0f;
                continue;
            }
            exp(cols, x, xb, scale, -scale * max);
            float sum = VecElementWise.sum(cols, x, xb, 0f, false);
            // The next row's max between this row's sum and its scaling: independent work while the sum's
            // lane reduction completes (each pass is short, so a row's passes otherwise wait on each other).
            max = r + 1 < rows ? max(cols, x, xb + step) : 0f;
            VecElementWise.scale(1, cols, 1f / sum, x, xb / Float.BYTES, cols);
        }
    }

    /**
     * The row max, NaN if the row holds one. The max is a compare and blend per step, and NaN is tracked
     * in a mask: FloatVector.max follows Math.max's NaN and -0 rules, which C2 emulates slowly on x86.
     */
    private static float max(int n, MemorySegment x, long xb) {
        int bound = S.loopBound(n);
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        VectorMask<Float> nan = S.maskAll(false);
        for (int j = 0; j < bound; j += V) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, xb + (long) j * Float.BYTES, NATIVE);
            mx = mx.blend(v, v.compare(VectorOperators.GT, mx));
            nan = nan.or(v.test(VectorOperators.IS_NAN));
        }
        if (bound < n) {
            VectorMask<Float> tail = S.indexInRange(bound, n);
            FloatVector v = FloatVector.fromMemorySegment(S, x, xb + (long) bound * Float.BYTES, NATIVE, tail);
            mx = mx.blend(v, v.compare(VectorOperators.GT, mx).and(tail));
            nan = nan.or(v.test(VectorOperators.IS_NAN).and(tail));
        }
        return nan.anyTrue() ? Float.NaN : mx.reduceLanes(VectorOperators.MAX);
    }

    /**
     * x = exp(scale x + shift) in place, in one loop with a mask (all lanes but in the last step): a
     * second call site of exp for the tail was not inlined by C2 and boxed its vectors. The sum is a
     * separate pass for the same reason (a vector handed to the lane reduction here was boxed).
     */
    private static void exp(int n, MemorySegment x, long xb, float scale, float shift) {
        FloatVector vScale = FloatVector.broadcast(S, scale);
        FloatVector vShift = FloatVector.broadcast(S, shift);
        for (int j = 0; j < n; j += V) {
            VectorMask<Float> m = S.indexInRange(j, n);
            long o = xb + (long) j * Float.BYTES;
            VMath.exp(FloatVector.fromMemorySegment(S, x, o, NATIVE, m).fma(vScale, vShift)).intoMemorySegment(x, o, NATIVE, m);
        }
    }
}
