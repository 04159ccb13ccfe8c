package dev.vectorvit.jmh.ladder;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax rung 2: everything vectorized except the exponential, which is computed lane by lane: the
 * exponents scale x - scale max are one vector FMA, stored to a small array, Math.exp is called per
 * element, and the results are loaded back as a vector. This is what you write when the Vector API has
 * no fast operation for your function. The max, sum and scale passes are vector loops with V partial
 * results; the exponentials still cost what they cost in rung 1, so the gain is bounded by them
 * (Amdahl). The passes are the library's (dev.vectorvit.kernels.VecSoftmax): max, exp in place, sum,
 * scale, each a small method passing scalars, the last step of each row masked; rungs 3 and 4 change
 * only the exponential.
 */
final class SoftmaxLaneExp {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int V = S.length();
    static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /** The lanes of one vector on their way through Math.exp (so an instance serves one thread). */
    private final float[] lanes = new float[V];

    /** x = softmax(scale x) for {@code rows} contiguous rows of {@code cols} floats. */
    void apply(int rows, int cols, float scale, MemorySegment x) {
        for (int r = 0; r < rows; r++) {
            long o = (long) r * cols * Float.BYTES;
            float max = max(cols, x, o);
            exp(cols, x, o, scale, -scale * max);
            scale(cols, x, o, 1 / sum(cols, x, o));
        }
    }

    /** x = exp(scale x + shift) in place: the exponent in vectors, the exponential per lane. */
    private void exp(int n, MemorySegment x, long o, float scale, float shift) {
        FloatVector vScale = FloatVector.broadcast(S, scale), vShift = FloatVector.broadcast(S, shift);
        for (int j = 0; j < n; j += V) {
            VectorMask<Float> m = S.indexInRange(j, n);
            long at = o + (long) j * Float.BYTES;
            FloatVector.fromMemorySegment(S, x, at, NATIVE, m).fma(vScale, vShift).intoArray(lanes, 0);
            for (int i = 0; i < V; i++) {
                lanes[i] = (float) Math.exp(lanes[i]);
            }
            FloatVector.fromArray(S, lanes, 0).intoMemorySegment(x, at, NATIVE, m);
        }
    }

    /** The largest of n floats from byte offset o. */
    static float max(int n, MemorySegment x, long o) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < bound; j += V) {
            acc = acc.max(FloatVector.fromMemorySegment(S, x, o + (long) j * Float.BYTES, NATIVE));
        }
        if (bound < n) {
            VectorMask<Float> tail = S.indexInRange(bound, n);
            acc = acc.max(FloatVector.fromMemorySegment(S, x, o + (long) bound * Float.BYTES, NATIVE, tail)
                    .blend(Float.NEGATIVE_INFINITY, tail.not()));
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    /** The sum of n floats from byte offset o. */
    static float sum(int n, MemorySegment x, long o) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < bound; j += V) {
            acc = acc.add(FloatVector.fromMemorySegment(S, x, o + (long) j * Float.BYTES, NATIVE));
        }
        if (bound < n) {
            acc = acc.add(FloatVector.fromMemorySegment(S, x, o + (long) bound * Float.BYTES, NATIVE, S.indexInRange(bound, n)));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** x *= factor over n floats from byte offset o. */
    static void scale(int n, MemorySegment x, long o, float factor) {
        int bound = S.loopBound(n);
        for (int j = 0; j < bound; j += V) {
            long at = o + (long) j * Float.BYTES;
            FloatVector.fromMemorySegment(S, x, at, NATIVE).mul(factor).intoMemorySegment(x, at, NATIVE);
        }
        if (bound < n) {
            VectorMask<Float> tail = S.indexInRange(bound, n);
            long at = o + (long) bound * Float.BYTES;
            FloatVector.fromMemorySegment(S, x, at, NATIVE, tail).mul(factor).intoMemorySegment(x, at, NATIVE, tail);
        }
    }
}
