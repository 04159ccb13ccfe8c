package dev.vectorvit.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementary functions on whole vectors, as polynomials of FMAs with no lane-wise calls into libm.
 * Measured error against the double-precision references in {@link ScalarKernels}, over the whole
 * float range the property tests draw from:
 * <ul>
 *   <li>{@link #exp}: relative error below 4e-7 (about 3 ulp) on [-87, 88]; exactly 0 below -87.3365 (ln of the
 *   smallest normal float).</li>
 *   <li>{@link #erf}: absolute error below 1e-6 everywhere (rational fit, saturates at |x| >= 4).</li>
 *   <li>{@link #tanh}: absolute error below 1e-6 (from exp, no cancellation trouble at that size).</li>
 *   <li>{@link #geluErf}, {@link #geluTanh}, {@link #quickGelu}: absolute error below 2e-6 max(1, |x|).</li>
 * </ul>
 */
final class VMath {
    private static final VectorSpecies<Float> S = Lanes.F;

    // exp(x) = 2^n * e^r with n = round(x / ln 2), r = x - n ln 2 in [-ln2/2, ln2/2] (Cody-Waite split of ln 2).
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float EXP_MIN = -87.33654f;
    private static final float EXP_MAX = 88.0f;
    private static final float ROUNDER = 0x1.8p23f;

    // erf(x) = x P(x^2) / Q(x^2) on [-4, 4], saturating to +-1 outside (float erf(4) rounds to 1).
    private static final float A1 = -1.60960333262415e-02f, A3 = -2.95459980854025e-03f,
            A5 = -7.34990630326855e-04f, A7 = -5.69250639462346e-05f, A9 = -2.10102402082508e-06f,
            A11 = 2.77068142495902e-08f, A13 = -2.72614225801306e-10f;
    private static final float B0 = -1.42647390514189e-02f, B2 = -7.37332916720468e-03f,
            B4 = -1.68282697438203e-03f, B6 = -2.13374055278905e-04f, B8 = -1.45660718464996e-05f;

    static final float SQRT1_2 = 0.70710678118654752f;
    static final float SQRT_2_OVER_PI = 0.79788456080286536f;
    static final float GELU_TANH_C = 0.044715f;
    static final float QUICK_GELU_C = 1.702f;

    private VMath() {}

    static FloatVector exp(FloatVector x) {
        // Clamped by compare and blend (NaN kept): FloatVector.max/min follow Math.max's NaN and -0 rules,
        // which x86 has no instruction for, and C2's emulation made up a third of exp's time. Written out
        // here: a helper method was not always inlined ("callee uses too much stack"), boxing the vectors.
        FloatVector xc = x.blend(EXP_MIN, x.lt(EXP_MIN)).blend(EXP_MAX, x.compare(VectorOperators.GT, EXP_MAX));
        // t = ROUNDER + n: adding 1.5 * 2^23 rounds x log2(e) to the integer n (ties to even) and leaves n in
        // t's low mantissa bits, so 2^n is (bits of t) << 23 plus the exponent bias: no conversions.
        FloatVector t = xc.fma(LOG2E, ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
        p = horner(p, r, 8.3334519073e-3f);
        p = horner(p, r, 4.1665795894e-2f);
        p = horner(p, r, 1.6666665459e-1f);
        p = horner(p, r, 5.0000001201e-1f);
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        IntVector bits = ((IntVector) t.reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23).add(127 << 23);
        FloatVector result = y.mul(bits.reinterpretAsFloats());
        return result.blend(0f, x.lt(EXP_MIN));
    }

    /**
     * One lane of {@link #exp}: the same operations in the same order, each rounded as the vector's lane
     * rounds it, so the same bits (VMathProperties checks it). For the few elements past a row's last
     * whole vector, where a masked vector step costs more than these scalar operations.
     */
    static float expLane(float x) {
        float xc = x < EXP_MIN ? EXP_MIN : x;
        xc = xc > EXP_MAX ? EXP_MAX : xc;
        float t = Math.fma(xc, LOG2E, ROUNDER);
        float n = t - ROUNDER;
        float r = Math.fma(n, -LN2_HI, xc);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, 1.9875691500e-4f, 1.3981999507e-3f);
        p = Math.fma(p, r, 8.3334519073e-3f);
        p = Math.fma(p, r, 4.1665795894e-2f);
        p = Math.fma(p, r, 1.6666665459e-1f);
        p = Math.fma(p, r, 5.0000001201e-1f);
        float y = Math.fma(p, r * r, r) + 1f;
        float result = y * Float.intBitsToFloat((Float.floatToRawIntBits(t) << 23) + (127 << 23));
        return x < EXP_MIN ? 0f : result;
    }

    /** p * x + c, one rounding. */
    private static FloatVector horner(FloatVector p, FloatVector x, float c) {
        return p.fma(x, FloatVector.broadcast(S, c));
    }

    static FloatVector erf(FloatVector x) {
        FloatVector xc = x.blend(-4f, x.lt(-4f)).blend(4f, x.compare(VectorOperators.GT, 4f)); // as in exp
        FloatVector x2 = xc.mul(xc);
        FloatVector p = x2.fma(A13, A11);
        p = horner(p, x2, A9);
        p = horner(p, x2, A7);
        p = horner(p, x2, A5);
        p = horner(p, x2, A3);
        p = horner(p, x2, A1);
        FloatVector q = x2.fma(B8, B6);
        q = horner(q, x2, B4);
        q = horner(q, x2, B2);
        q = horner(q, x2, B0);
        return xc.mul(p).div(q);
    }

    static FloatVector tanh(FloatVector x) {
        FloatVector e = exp(x.add(x));
        return FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
    }

    /** GELU, exact form: x/2 (1 + erf(x / sqrt 2)). */
    static FloatVector geluErf(FloatVector x) {
        FloatVector half = x.mul(0.5f);
        return half.fma(erf(x.mul(SQRT1_2)), half);
    }

    /** GELU, tanh form: x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    static FloatVector geluTanh(FloatVector x) {
        FloatVector inner = x.mul(x).fma(GELU_TANH_C, 1f).mul(x).mul(SQRT_2_OVER_PI);
        FloatVector half = x.mul(0.5f);
        return half.fma(tanh(inner), half);
    }

    /**
     * quick_gelu: x sigmoid(1.702 x) = x / (1 + e^(-1.702 x)). Below x = -51.7 exp saturates at e^88, so the
     * result is x e^-88 instead of about 0: an absolute error under 2e-38 |x|.
     */
    static FloatVector quickGelu(FloatVector x) {
        return x.div(exp(x.mul(-QUICK_GELU_C)).add(1f));
    }

    static FloatVector apply(FloatVector v, Activation act) {
        return switch (act) {
            case NONE -> v;
            case GELU_ERF -> geluErf(v);
            case GELU_TANH -> geluTanh(v);
            case QUICK_GELU -> quickGelu(v);
        };
    }
}
