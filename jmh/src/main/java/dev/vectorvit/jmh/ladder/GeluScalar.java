package dev.vectorvit.jmh.ladder;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GELU rung 1: the exact form x/2 (1 + erf(x / sqrt 2)) in float, one element at a time. Java has no
 * erf, so this is the classic Abramowitz-Stegun 7.1.26 approximation (absolute error 1.5e-7): with
 * t = 1 / (1 + 0.3275911 |z|), erf |z| = 1 - t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) exp(-z^2). That
 * is a division, five multiply-adds and one Math.exp per element. A float version, so that the
 * comparison with the vector rungs is about SIMD and not about precision: the library's scalar
 * reference (ScalarKernels.geluErf) is a double series, far slower and far more accurate.
 */
final class GeluScalar {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final float P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f,
            A4 = -1.453152027f, A5 = 1.061405429f;
    private static final float SQRT1_2 = 0.70710678f;

    private GeluScalar() {}

    /** y = GELU(x) over {@code count} contiguous floats. */
    static void apply(int count, MemorySegment x, MemorySegment y) {
        for (int i = 0; i < count; i++) {
            float v = x.getAtIndex(F, i);
            y.setAtIndex(F, i, 0.5f * v * (1 + erf(v * SQRT1_2)));
        }
    }

    private static float erf(float z) {
        float a = Math.abs(z);
        float t = 1 / (1 + P * a);
        float poly = t * (A1 + t * (A2 + t * (A3 + t * (A4 + t * A5))));
        return Math.copySign(1 - poly * (float) Math.exp(-a * a), z);
    }
}
