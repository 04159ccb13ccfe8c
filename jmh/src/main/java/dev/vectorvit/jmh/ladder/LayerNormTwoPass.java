package dev.vectorvit.jmh.ladder;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * LayerNorm rung 2: rung 1's two passes with the Vector API. Each sum keeps V partial sums in one
 * vector (V independent add chains instead of one, reduced once per row), and the normalisation is one
 * FMA per V elements. The last cols % V elements are one masked step.
 *
 * <p>Each pass is its own small method that takes and returns only scalars. The library learned this
 * the hard way: one method holding all the passes was too big for C1's register allocator, never
 * reached C2, and then every vector was a heap object (50 times slower).
 */
final class LayerNormTwoPass {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private LayerNormTwoPass() {}

    /** y = LayerNorm(x) for {@code rows} contiguous rows of {@code cols} floats. */
    static void apply(int rows, int cols, MemorySegment x, MemorySegment gamma, MemorySegment beta, float eps, MemorySegment y) {
        for (int r = 0; r < rows; r++) {
            long o = (long) r * cols * Float.BYTES;
            float mean = sum(cols, x, o) / cols;
            float variance = squaredDeviations(cols, x, o, mean) / cols;
            normalize(cols, x, o, mean, (float) (1 / Math.sqrt(variance + eps)), gamma, beta, y);
        }
    }

    /** The sum of n floats from byte offset o. */
    private static float sum(int n, MemorySegment x, long o) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < bound; j += V) {
            acc = acc.add(FloatVector.fromMemorySegment(S, x, o + (long) j * Float.BYTES, NATIVE));
        }
        if (bound < n) {
            VectorMask<Float> tail = S.indexInRange(bound, n);
            acc = acc.add(FloatVector.fromMemorySegment(S, x, o + (long) bound * Float.BYTES, NATIVE, tail));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** The sum of (x - mean)^2 over n floats from byte offset o. */
    private static float squaredDeviations(int n, MemorySegment x, long o, float mean) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < bound; j += V) {
            FloatVector d = FloatVector.fromMemorySegment(S, x, o + (long) j * Float.BYTES, NATIVE).sub(mean);
            acc = d.fma(d, acc);
        }
        if (bound < n) {
            VectorMask<Float> tail = S.indexInRange(bound, n);
            FloatVector d = FloatVector.fromMemorySegment(S, x, o + (long) bound * Float.BYTES, NATIVE, tail).sub(mean, tail);
            acc = d.fma(d, acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** y = (x - mean) (rstd gamma) + beta for the row at byte offset o of x and y (rung 3 reuses it). */
    static void normalize(int n, MemorySegment x, long o, float mean, float rstd, MemorySegment gamma, MemorySegment beta,
                          MemorySegment y) {
        int bound = S.loopBound(n);
        for (int j = 0; j < bound; j += V) {
            long b = (long) j * Float.BYTES;
            FloatVector g = FloatVector.fromMemorySegment(S, gamma, b, NATIVE).mul(rstd);
            FloatVector.fromMemorySegment(S, x, o + b, NATIVE).sub(mean)
                    .fma(g, FloatVector.fromMemorySegment(S, beta, b, NATIVE)).intoMemorySegment(y, o + b, NATIVE);
        }
        if (bound < n) {
            VectorMask<Float> tail = S.indexInRange(bound, n);
            long b = (long) bound * Float.BYTES;
            FloatVector g = FloatVector.fromMemorySegment(S, gamma, b, NATIVE, tail).mul(rstd);
            FloatVector.fromMemorySegment(S, x, o + b, NATIVE, tail).sub(mean)
                    .fma(g, FloatVector.fromMemorySegment(S, beta, b, NATIVE, tail)).intoMemorySegment(y, o + b, NATIVE, tail);
        }
    }
}
