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
        for (int r = 0; r < rows; r++) {
            row(cols, scale, x, (xOff + (long) r * ldx) * Float.BYTES);
        }
    }

    /** One row (offset in bytes); each pass is its own small method passing only scalars (see VecLayerNorm). */
    static void row(int n, float scale, MemorySegment x, long xb) {
        float max = max(n, x, xb);
        if (Float.isNaN(max) || max == Float.POSITIVE_INFINITY || max == Float.NEGATIVE_INFINITY) {
            ScalarKernels.fill(x, xb / Float.BYTES, n, max == Float.NEGATIVE_INFINITY ? 0f : Float.NaN);
            return;
        }
        float sum = expAndSum(n, x, xb, scale, -scale * max);
        VecElementWise.scale(1, n, 1f / sum, x, xb / Float.BYTES, n);
    }

    private static float max(int n, MemorySegment x, long xb) {
        int bound = S.loopBound(n);
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < bound; j += V) {
            mx = mx.max(FloatVector.fromMemorySegment(S, x, xb + (long) j * Float.BYTES, NATIVE));
        }
        if (bound < n) {
            VectorMask<Float> tail = S.indexInRange(bound, n);
            mx = mx.max(FloatVector.fromMemorySegment(S, x, xb + (long) bound * Float.BYTES, NATIVE, tail)
                    .blend(Float.NEGATIVE_INFINITY, tail.not()));
        }
        return mx.reduceLanes(VectorOperators.MAX);
    }

    /** x = exp(scale x + shift) in place; returns the sum of the new values (fixed lane order). */
    private static float expAndSum(int n, MemorySegment x, long xb, float scale, float shift) {
        int bound = S.loopBound(n);
        FloatVector vScale = FloatVector.broadcast(S, scale);
        FloatVector vShift = FloatVector.broadcast(S, shift);
        FloatVector sum = FloatVector.zero(S);
        for (int j = 0; j < bound; j += V) {
            long o = xb + (long) j * Float.BYTES;
            FloatVector e = VMath.exp(FloatVector.fromMemorySegment(S, x, o, NATIVE).fma(vScale, vShift));
            e.intoMemorySegment(x, o, NATIVE);
            sum = sum.add(e);
        }
        if (bound < n) {
            VectorMask<Float> tail = S.indexInRange(bound, n);
            long o = xb + (long) bound * Float.BYTES;
            FloatVector e = VMath.exp(FloatVector.fromMemorySegment(S, x, o, NATIVE, tail).fma(vScale, vShift));
            e.intoMemorySegment(x, o, NATIVE, tail);
            sum = sum.add(e, tail);
        }
        return Lanes.sum(sum);
    }
}
