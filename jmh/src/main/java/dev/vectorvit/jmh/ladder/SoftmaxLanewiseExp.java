package dev.vectorvit.jmh.ladder;

import static dev.vectorvit.jmh.ladder.SoftmaxLaneExp.NATIVE;
import static dev.vectorvit.jmh.ladder.SoftmaxLaneExp.S;
import static dev.vectorvit.jmh.ladder.SoftmaxLaneExp.V;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Softmax rung 3: rung 2 with the exponential as one lane-wise vector operation,
 * {@code lanewise(VectorOperators.EXP)}. On x86-64, C2 compiles it to a call into the vector math
 * library the JDK bundles (Intel SVML, lib/libjsvml.so), one call per vector instead of V calls to
 * Math.exp. The Vector API specifies it to Math.exp's accuracy (1 ulp), more than a softmax needs. It
 * remains a call into that library, not inlined code. Where the JDK has no such library for the
 * platform, EXP runs as a Java loop over the lanes, which is rung 2 or worse.
 */
final class SoftmaxLanewiseExp {
    private SoftmaxLanewiseExp() {}

    /** x = softmax(scale x) for {@code rows} contiguous rows of {@code cols} floats. */
    static void apply(int rows, int cols, float scale, MemorySegment x) {
        for (int r = 0; r < rows; r++) {
            long o = (long) r * cols * Float.BYTES;
            float max = SoftmaxLaneExp.max(cols, x, o);
            exp(cols, x, o, scale, -scale * max);
            SoftmaxLaneExp.scale(cols, x, o, 1 / SoftmaxLaneExp.sum(cols, x, o));
        }
    }

    /** x = exp(scale x + shift) in place, one EXP per vector. */
    private static void exp(int n, MemorySegment x, long o, float scale, float shift) {
        FloatVector vScale = FloatVector.broadcast(S, scale), vShift = FloatVector.broadcast(S, shift);
        for (int j = 0; j < n; j += V) {
            VectorMask<Float> m = S.indexInRange(j, n);
            long at = o + (long) j * Float.BYTES;
            FloatVector.fromMemorySegment(S, x, at, NATIVE, m).fma(vScale, vShift)
                    .lanewise(VectorOperators.EXP).intoMemorySegment(x, at, NATIVE, m);
        }
    }
}
