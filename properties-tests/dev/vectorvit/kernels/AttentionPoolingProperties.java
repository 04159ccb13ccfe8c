package dev.vectorvit.kernels;

import static dev.vectorvit.kernels.Gen.U;
import static dev.vectorvit.kernels.Gen.check;
import static dev.vectorvit.kernels.Gen.gamma;

import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link AttentionPooling} against a reference in double written with plain loops, which carries next to
 * every intermediate value v an absolute bound e on the vector code's float value, propagated step by step
 * from the bounds the kernels document (all first-order terms kept, products of errors included):
 * <pre>
 *   q           e = U |q| + (D + 2) 2^-53 S           rounded once from the double reference (prepareQuery)
 *   dot / GEMM  e = gamma_{n+2} sum (|a|+e_a)(|b|+e_b) + sum e_a (|b|+e_b) + |a| e_b
 *                                                      n terms, bias and residual counted as terms (GemmProperties)
 *   softmax     e_p = p (e^{2 Delta} - 1) + (2E + 2U tmax + (m_T + 4) U) p e^{2 Delta} + 2^-125
 *               Delta = max_t (c e_s + U c (|s| + e_s)) the error of the exponent c s (c = 1/sqrt(hd) rounded
 *               to float), which moves each p by at most e^{+-2 Delta}; then the kernel's own bound at its
 *               input (SoftmaxProperties: E = 4e-7, |t| and W at most tmax = c (max s - min s) + 2 Delta)
 *   LayerNorm   e_y = |g| (2 + |z|) eps_h / (sigma - eps_h)  the input's error eps_h = max e_h (x - mean
 *               moves by 2 eps_h, sqrt(var + eps) by at most eps_h), plus the kernel's own bound at the
 *               perturbed input (LayerNormProperties)
 *   GELU        e = 1.2 e_pre + 2e-6 max(1, |pre| + e_pre)  (GemmProperties: 1.13-Lipschitz, ElementWise's bound)
 * </pre>
 * It is a worst case (all signs aligned): each layer multiplies the incoming bound by about sqrt(fan-in)
 * and adds gamma_{fan-in + 2} of its magnitudes, so it grows with D, T and I, and with the softmax's
 * sharpness through Delta. Measured over these sizes (D <= 36, T <= 24, I <= 40) relative to
 * max(1, |out|): median 3e-4, 1e-3 and 5e-3 for in-projection scales 0.3, 1 and 3, at most 4e-2; the
 * errors seen lie 10 to 50 times below it, and a scale off by 1% fails it.
 */
final class AttentionPoolingProperties {
    /** The polynomial exp's relative error (Softmax's documented E). */
    private static final double EXP_ERROR = 4e-7;
    private static final double GELU_LIPSCHITZ = 1.2;
    private static final double GELU_ERROR = 2e-6;
    private static final float EPS = 1e-6f;

    /** Scales of the in-projection in units of 1 / sqrt(D): near-uniform attention to sharp. */
    @Provide
    Arbitrary<Double> weightScales() {
        return Arbitraries.of(0.3, 1.0, 3.0);
    }

    @Property(tries = 200)
    void matchesDoubleReferenceWithinPropagatedBound(
            @ForAll @IntRange(min = 1, max = 3) int heads, @ForAll @IntRange(min = 1, max = 12) int headSize,
            @ForAll @IntRange(min = 1, max = 24) int tokens, @ForAll @IntRange(min = 1, max = 40) int intermediate,
            @ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 0, max = 3) int pad,
            @ForAll @IntRange(min = 0, max = 5) int xOff, @ForAll("weightScales") double scale,
            @ForAll @IntRange(min = 1, max = 3) int threads, @ForAll long seed) {
        int d = heads * headSize, ldx = d + pad;
        Head w = Head.random(d, intermediate, scale, new Random(seed));
        float[] x = new float[xOff + batch * tokens * ldx];
        Random r = new Random(~seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        try (Arena arena = Arena.ofShared(); ThreadTeam team = ThreadTeam.of(threads)) {
            AttentionPooling head = AttentionPooling.pack(w.tensors(arena), heads, EPS, Activation.GELU_TANH, arena);
            MemorySegment ws = Memory.floats(arena, AttentionPooling.workspaceFloats(batch, tokens, d, heads, intermediate));
            MemorySegment out = Memory.floats(arena, (long) batch * d);
            head.on(new Gemm(team)).apply(batch, tokens, Memory.copyOf(arena, x), xOff, ldx, ws, out, 0);
            for (int b = 0; b < batch; b++) {
                Bounded want = w.reference(x, xOff + b * tokens * ldx, ldx, tokens, heads);
                for (int j = 0; j < d; j++) {
                    float got = Memory.toArray(out, (long) b * d + j, 1)[0];
                    double ref = want.v[j], bound = want.e[j];
                    int bb = b, jj = j;
                    check(Math.abs(got - ref) <= bound, () -> "out[" + bb + "][" + jj + "] = " + got + ", reference "
                            + ref + ": |difference| " + Math.abs(got - ref) + " > bound " + bound);
                }
            }
        }
    }

    /** Values and their error bounds. */
    private record Bounded(double[] v, double[] e) {
        Bounded(int n) {
            this(new double[n], new double[n]);
        }
    }

    /** A random head: weights as float arrays, the same values the vector code gets. */
    private record Head(int d, int i, float[] probe, float[] inW, float[] inB, float[] outW, float[] outB,
                        float[] g, float[] beta, float[] fc1W, float[] fc1B, float[] fc2W, float[] fc2B) {
        static Head random(int d, int i, double scale, Random r) {
            return new Head(d, i, fill(d, 1, 0, r), fill(3 * d * d, scale / Math.sqrt(d), 0, r), fill(3 * d, 0.5, 0, r),
                    fill(d * d, 1 / Math.sqrt(d), 0, r), fill(d, 0.5, 0, r), fill(d, 0.5, 1, r), fill(d, 0.5, 0, r),
                    fill(i * d, 1 / Math.sqrt(d), 0, r), fill(i, 0.5, 0, r),
                    fill(d * i, 1 / Math.sqrt(i), 0, r), fill(d, 0.5, 0, r));
        }

        private static float[] fill(int n, double scale, double center, Random r) {
            float[] a = new float[n];
            for (int k = 0; k < n; k++) {
                a[k] = (float) (center + scale * Gen.uniform(r));
            }
            return a;
        }

        AttentionPooling.Tensors tensors(Arena arena) {
            return new AttentionPooling.Tensors(Memory.copyOf(arena, probe), Memory.copyOf(arena, inW),
                    Memory.copyOf(arena, inB), Memory.copyOf(arena, outW), Memory.copyOf(arena, outB),
                    Memory.copyOf(arena, g), Memory.copyOf(arena, beta), Memory.copyOf(arena, fc1W),
                    Memory.copyOf(arena, fc1B), Memory.copyOf(arena, fc2W), Memory.copyOf(arena, fc2B));
        }

        /** One image's pooler_output and its bound, from its t rows of x at float {@code off}. */
        Bounded reference(float[] x, int off, int ldx, int t, int heads) {
            int hd = d / heads;
            Bounded q = new Bounded(d);
            for (int j = 0; j < d; j++) {
                double sum = inB[j], s = Math.abs(inB[j]);
                for (int k = 0; k < d; k++) {
                    sum += (double) probe[k] * inW[j * d + k];
                    s += Math.abs((double) probe[k] * inW[j * d + k]);
                }
                q.v[j] = sum;
                q.e[j] = U * Math.abs(sum) + (d + 2) * 0x1p-53 * s;
            }
            // Keys and values of every token: rows [D, 3D) of in_proj, exact inputs.
            Bounded[] kv = new Bounded[t];
            for (int row = 0; row < t; row++) {
                kv[row] = linear(exact(x, off + row * ldx, d), inW, d * d, inB, d, 2 * d, d, null);
            }
            Bounded ctx = new Bounded(d);
            double c = 1 / Math.sqrt(hd);
            for (int h = 0; h < heads; h++) {
                Bounded s = new Bounded(t);
                for (int row = 0; row < t; row++) {
                    double[] term = dot(q, h * hd, kv[row], h * hd, hd);
                    s.v[row] = term[0];
                    s.e[row] = term[1];
                }
                Bounded p = softmax(s, c);
                for (int j = 0; j < hd; j++) {
                    Bounded v = new Bounded(t);
                    for (int row = 0; row < t; row++) {
                        v.v[row] = kv[row].v[d + h * hd + j];
                        v.e[row] = kv[row].e[d + h * hd + j];
                    }
                    double[] term = dot(p, 0, v, 0, t);
                    ctx.v[h * hd + j] = term[0];
                    ctx.e[h * hd + j] = term[1];
                }
            }
            Bounded hidden = linear(ctx, outW, 0, outB, 0, d, d, null);
            Bounded pre = linear(layerNorm(hidden), fc1W, 0, fc1B, 0, i, d, null);
            Bounded act = new Bounded(i);
            for (int j = 0; j < i; j++) {
                act.v[j] = ScalarKernels.geluTanh(pre.v[j]);
                act.e[j] = GELU_LIPSCHITZ * pre.e[j] + GELU_ERROR * Math.max(1, Math.abs(pre.v[j]) + pre.e[j]);
            }
            return linear(act, fc2W, 0, fc2B, 0, d, i, hidden);
        }

        /** LayerNorm of one row with g, beta and EPS; see the class comment. */
        private Bounded layerNorm(Bounded h) {
            double mean = 0, meanAbs = 0, var = 0, eh = 0;
            for (int j = 0; j < d; j++) {
                mean += h.v[j] / d;
                meanAbs += Math.abs(h.v[j]) / d;
                eh = Math.max(eh, h.e[j]);
            }
            for (int j = 0; j < d; j++) {
                var += (h.v[j] - mean) * (h.v[j] - mean) / d;
            }
            double sigma = Math.sqrt(var + EPS);
            int m = Gen.sumDepth(d);
            double rMax = 1 / (sigma - eh), w = (m + 2) * U * (meanAbs + eh) * rMax;
            Bounded y = new Bounded(d);
            for (int j = 0; j < d; j++) {
                double z = (h.v[j] - mean) / sigma, dz = (2 + Math.abs(z)) * eh * rMax;
                y.v[j] = g[j] * z + beta[j];
                y.e[j] = eh < sigma ? Math.abs(g[j]) * dz
                        + 2 * (m + 4) * U * (Math.abs(g[j]) * (1 + Math.abs(z) + dz) * (1 + w) * (1 + w) + Math.abs(beta[j]))
                        : Double.POSITIVE_INFINITY;
            }
            return y;
        }

        /** Softmax of c s over one row; see the class comment. */
        private static Bounded softmax(Bounded s, double c) {
            int t = s.v.length;
            double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY, delta = 0;
            for (int k = 0; k < t; k++) {
                max = Math.max(max, s.v[k]);
                min = Math.min(min, s.v[k]);
                delta = Math.max(delta, c * s.e[k] + U * c * (Math.abs(s.v[k]) + s.e[k]));
            }
            double sum = 0;
            for (int k = 0; k < t; k++) {
                sum += Math.exp(c * (s.v[k] - max));
            }
            double grow = Math.exp(2 * delta), tmax = c * (max - min) + 2 * delta;
            double own = 2 * EXP_ERROR + 2 * U * tmax + (Gen.sumDepth(t) + 4) * U;
            Bounded p = new Bounded(t);
            for (int k = 0; k < t; k++) {
                p.v[k] = Math.exp(c * (s.v[k] - max)) / sum;
                p.e[k] = p.v[k] * (grow - 1) + own * p.v[k] * grow + 0x1p-125;
            }
            return p;
        }

        /**
         * y_j = sum_k a_k W[wOff + j n + k] + bias[bOff + j] (+ residual_j), W rows of n floats, exact weights,
         * as one GEMM chain of n + 2 terms.
         */
        private static Bounded linear(Bounded a, float[] w, int wOff, float[] bias, int bOff, int rows, int n,
                                      Bounded residual) {
            Bounded y = new Bounded(rows);
            for (int j = 0; j < rows; j++) {
                double sum = bias[bOff + j], mag = Math.abs(bias[bOff + j]), prop = 0;
                if (residual != null) {
                    sum += residual.v[j];
                    mag += Math.abs(residual.v[j]) + residual.e[j];
                    prop += residual.e[j];
                }
                for (int k = 0; k < n; k++) {
                    double wk = w[wOff + j * n + k];
                    sum += a.v[k] * wk;
                    mag += (Math.abs(a.v[k]) + a.e[k]) * Math.abs(wk);
                    prop += a.e[k] * Math.abs(wk);
                }
                y.v[j] = sum;
                y.e[j] = gamma(n + 2) * mag + prop;
            }
            return y;
        }

        /** {value, bound} of sum_k a[aOff + k] b[bOff + k] over n terms, both inputs inexact. */
        private static double[] dot(Bounded a, int aOff, Bounded b, int bOff, int n) {
            double sum = 0, mag = 0, prop = 0;
            for (int k = 0; k < n; k++) {
                double av = a.v[aOff + k], ae = a.e[aOff + k], bv = b.v[bOff + k], be = b.e[bOff + k];
                sum += av * bv;
                mag += (Math.abs(av) + ae) * (Math.abs(bv) + be);
                prop += ae * (Math.abs(bv) + be) + Math.abs(av) * be;
            }
            return new double[] {sum, gamma(n + 2) * mag + prop};
        }

        private static Bounded exact(float[] x, int off, int n) {
            Bounded b = new Bounded(n);
            for (int k = 0; k < n; k++) {
                b.v[k] = x[off + k];
            }
            return b;
        }
    }
}
