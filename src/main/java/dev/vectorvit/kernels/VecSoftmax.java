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

    static void row(int n, float scale, MemorySegment x, long xb) {
        int bound = S.loopBound(n);
        VectorMask<Float> tail = S.indexInRange(bound, n);
        long tailOff = (long) bound * Float.BYTES;

        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < bound; j += V) {
            mx = mx.max(FloatVector.fromMemorySegment(S, x, xb + (long) j * Float.BYTES, NATIVE));
        }
        FloatVector last = FloatVector.fromMemorySegment(S, x, xb + tailOff, NATIVE, tail)
                .blend(Float.NEGATIVE_INFINITY, tail.not());
        float max = mx.max(last).reduceLanes(VectorOperators.MAX);
        if (Float.isNaN(max) || max == Float.POSITIVE_INFINITY || max == Float.NEGATIVE_INFINITY) {
            ScalarKernels.fill(x, xb / Float.BYTES, n, max == Float.NEGATIVE_INFINITY ? 0f : Float.NaN);
            return;
        }

        FloatVector vScale = FloatVector.broadcast(S, scale);
        FloatVector shift = FloatVector.broadcast(S, -scale * max);
        FloatVector sum = FloatVector.zero(S);
        for (int j = 0; j < bound; j += V) {
            long o = xb + (long) j * Float.BYTES;
            FloatVector e = VMath.exp(FloatVector.fromMemorySegment(S, x, o, NATIVE).fma(vScale, shift));
            e.intoMemorySegment(x, o, NATIVE);
            sum = sum.add(e);
        }
        if (bound < n) {
            FloatVector e = VMath.exp(FloatVector.fromMemorySegment(S, x, xb + tailOff, NATIVE, tail).fma(vScale, shift));
            e.intoMemorySegment(x, xb + tailOff, NATIVE, tail);
            sum = sum.add(e, tail);
        }
        float inv = 1f / Lanes.sum(sum);
        for (int j = 0; j < bound; j += V) {
            long o = xb + (long) j * Float.BYTES;
            FloatVector.fromMemorySegment(S, x, o, NATIVE).mul(inv).intoMemorySegment(x, o, NATIVE);
        }
        if (bound < n) {
            FloatVector.fromMemorySegment(S, x, xb + tailOff, NATIVE, tail).mul(inv)
                    .intoMemorySegment(x, xb + tailOff, NATIVE, tail);
        }
    }
}
