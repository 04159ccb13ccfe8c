package dev.vectorvit.jmh.ladder;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Softmax rung 1: the textbook stable softmax of scale x, in place, in float, one element at a time:
 * the row max (so that no exponential overflows), e = exp(scale (x - max)) stored while summing, then
 * e / sum as a multiplication by 1 / sum. Math.exp, a double-precision intrinsic, is most of the time.
 * Rows are assumed finite (the library's Softmax defines -inf and NaN rows).
 */
final class SoftmaxScalar {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private SoftmaxScalar() {}

    /** x = softmax(scale x) for {@code rows} contiguous rows of {@code cols} floats. */
    static void apply(int rows, int cols, float scale, MemorySegment x) {
        for (int r = 0; r < rows; r++) {
            row(cols, scale, x, (long) r * cols);
        }
    }

    private static void row(int n, float scale, MemorySegment x, long o) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, x.getAtIndex(F, o + j));
        }
        float sum = 0;
        for (int j = 0; j < n; j++) {
            float e = (float) Math.exp(scale * (x.getAtIndex(F, o + j) - max));
            x.setAtIndex(F, o + j, e);
            sum += e;
        }
        float inv = 1 / sum;
        for (int j = 0; j < n; j++) {
            x.setAtIndex(F, o + j, x.getAtIndex(F, o + j) * inv);
        }
    }
}
