package dev.vectorvit.jmh.ladder;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * LayerNorm rung 1: the textbook two-pass loop in float, one element at a time. Pass one sums the row
 * for the mean; pass two sums (x - mean)^2 for the variance (a second pass, because the one-pass
 * E[x^2] - mean^2 cancels, see {@link LayerNormOnePass}); then y = (x - mean) rstd gamma + beta. Each
 * sum is one chain of dependent float adds (C2 keeps Java's evaluation order, so it cannot split the
 * chain): one add latency per element.
 */
final class LayerNormScalar {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private LayerNormScalar() {}

    /** y = LayerNorm(x) for {@code rows} contiguous rows of {@code cols} floats. */
    static void apply(int rows, int cols, MemorySegment x, MemorySegment gamma, MemorySegment beta, float eps, MemorySegment y) {
        for (int r = 0; r < rows; r++) {
            row(cols, x, (long) r * cols, gamma, beta, eps, y);
        }
    }

    private static void row(int n, MemorySegment x, long o, MemorySegment gamma, MemorySegment beta, float eps, MemorySegment y) {
        float sum = 0;
        for (int j = 0; j < n; j++) {
            sum += x.getAtIndex(F, o + j);
        }
        float mean = sum / n;
        float squares = 0;
        for (int j = 0; j < n; j++) {
            float d = x.getAtIndex(F, o + j) - mean;
            squares += d * d;
        }
        float rstd = (float) (1 / Math.sqrt(squares / n + eps));
        for (int j = 0; j < n; j++) {
            y.setAtIndex(F, o + j, (x.getAtIndex(F, o + j) - mean) * rstd * gamma.getAtIndex(F, j) + beta.getAtIndex(F, j));
        }
    }
}
