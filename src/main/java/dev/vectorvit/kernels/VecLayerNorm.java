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
        for (int r = 0; r < rows; r++) {
            row(cols, x, (xOff + (long) r * ldx) * Float.BYTES, gamma, gOff * Float.BYTES, beta, bOff * Float.BYTES,
                    eps, y, (yOff + (long) r * ldy) * Float.BYTES);
        }
    }

    /** One row; all offsets in bytes. */
    static void row(int n, MemorySegment x, long xb, MemorySegment gamma, long gb, MemorySegment beta, long bb,
                    float eps, MemorySegment y, long yb) {
        int bound = S.loopBound(n);
        VectorMask<Float> tail = S.indexInRange(bound, n);
        long tailOff = (long) bound * Float.BYTES;

        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < bound; j += V) {
            acc = acc.add(FloatVector.fromMemorySegment(S, x, xb + (long) j * Float.BYTES, NATIVE));
        }
        acc = acc.add(FloatVector.fromMemorySegment(S, x, xb + tailOff, NATIVE, tail));
        float mean = Lanes.sum(acc) / n;

        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        for (int j = 0; j < bound; j += V) {
            FloatVector d = FloatVector.fromMemorySegment(S, x, xb + (long) j * Float.BYTES, NATIVE).sub(mean);
            s1 = s1.add(d);
            s2 = d.fma(d, s2);
        }
        FloatVector dt = FloatVector.fromMemorySegment(S, x, xb + tailOff, NATIVE, tail).sub(mean, tail);
        s1 = s1.add(dt);
        s2 = dt.fma(dt, s2);
        float sum1 = Lanes.sum(s1);
        // mean + corr is the row mean to about twice float precision; it must stay split, since a single
        // float rounds a mean of 1e4 by 5e-4, a large error next to a standard deviation of 1e-2.
        float corr = sum1 / n;
        float var = Math.max(0f, (Lanes.sum(s2) - sum1 * corr) / n);
        float rstd = (float) (1.0 / Math.sqrt((double) var + eps));

        for (int j = 0; j < bound; j += V) {
            long o = (long) j * Float.BYTES;
            FloatVector d = FloatVector.fromMemorySegment(S, x, xb + o, NATIVE).sub(mean).sub(corr);
            FloatVector g = FloatVector.fromMemorySegment(S, gamma, gb + o, NATIVE).mul(rstd);
            d.fma(g, FloatVector.fromMemorySegment(S, beta, bb + o, NATIVE)).intoMemorySegment(y, yb + o, NATIVE);
        }
        if (bound < n) {
            FloatVector d = FloatVector.fromMemorySegment(S, x, xb + tailOff, NATIVE, tail).sub(mean).sub(corr);
            FloatVector g = FloatVector.fromMemorySegment(S, gamma, gb + tailOff, NATIVE, tail).mul(rstd);
            d.fma(g, FloatVector.fromMemorySegment(S, beta, bb + tailOff, NATIVE, tail))
                    .intoMemorySegment(y, yb + tailOff, NATIVE, tail);
        }
    }
}
