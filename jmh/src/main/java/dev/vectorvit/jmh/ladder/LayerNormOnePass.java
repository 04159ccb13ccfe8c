package dev.vectorvit.jmh.ladder;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * LayerNorm rung 3: one pass for both statistics. The row is read once for sum x and sum x^2 (two
 * vector accumulators), var = E[x^2] - mean^2; then rung 2's normalisation. One read of the row fewer.
 *
 * <p>The accuracy caveat, and why the library does not do this: E[x^2] and mean^2 are both about
 * mean^2, and their difference, the variance, loses the leading digits they share; its relative error
 * grows like (mean / std)^2 u. Harmless for rows centred near zero (the benchmark's, which pass the
 * check), not for a transformer's residual stream, which has channels with large offsets. Measured by
 * {@link LayerNormAccuracy} on 768 values from N(offset, 1), largest error of the normalised output:
 * 2e-5 at an offset of 10 standard deviations, 2e-3 at 100, 0.2 at 1000, and at 10^4 the computed
 * variance is zero or negative and the output garbage; rung 2 stays within 5e-4 and the library's corrected
 * two-pass within 1e-6 throughout. Welford's update avoids the cancellation but costs a division per
 * element; the corrected two-pass (dev.vectorvit.kernels.VecLayerNorm) costs one more read of the row,
 * from L1.
 */
final class LayerNormOnePass {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private LayerNormOnePass() {}

    /** y = LayerNorm(x) for {@code rows} contiguous rows of {@code cols} floats. */
    static void apply(int rows, int cols, MemorySegment x, MemorySegment gamma, MemorySegment beta, float eps, MemorySegment y) {
        for (int r = 0; r < rows; r++) {
            row(cols, x, (long) r * cols * Float.BYTES, gamma, beta, eps, y);
        }
    }

    /** Both sums in one loop; the statistics and the normalisation take scalars only (see rung 2). */
    private static void row(int n, MemorySegment x, long o, MemorySegment gamma, MemorySegment beta, float eps, MemorySegment y) {
        int bound = S.loopBound(n);
        FloatVector sum = FloatVector.zero(S), squares = FloatVector.zero(S);
        for (int j = 0; j < bound; j += V) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, o + (long) j * Float.BYTES, NATIVE);
            sum = sum.add(v);
            squares = v.fma(v, squares);
        }
        if (bound < n) {
            VectorMask<Float> tail = S.indexInRange(bound, n);
            FloatVector v = FloatVector.fromMemorySegment(S, x, o + (long) bound * Float.BYTES, NATIVE, tail);
            sum = sum.add(v);
            squares = v.fma(v, squares);
        }
        float mean = sum.reduceLanes(VectorOperators.ADD) / n;
        float variance = Math.max(0f, squares.reduceLanes(VectorOperators.ADD) / n - mean * mean);
        LayerNormTwoPass.normalize(n, x, o, mean, (float) (1 / Math.sqrt(variance + eps)), gamma, beta, y);
    }
}
