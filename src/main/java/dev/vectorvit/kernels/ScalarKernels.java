package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The plain textbook loop of every kernel, accumulating in double: the reference the vector kernels are
 * tested against, and the fallback when the Vector API module is not enabled. No checks here: the
 * public kernel classes check arguments before they get this far.
 */
public final class ScalarKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private ScalarKernels() {}

    static float get(MemorySegment s, long index) {
        return s.getAtIndex(F, index);
    }

    static void set(MemorySegment s, long index, float v) {
        s.setAtIndex(F, index, v);
    }

    /**
     * C = act(alpha op(A) op(B) + beta C + bias), row-major, op = transpose where the view says so.
     * beta == 0 means C is not read (BLAS convention: NaN in C does not leak).
     */
    public static void gemm(int m, int n, int k, float alpha, MatrixView a, MatrixView b, MatrixView c,
                            Epilogue epilogue) {
        float beta = epilogue.beta();
        MemorySegment bias = epilogue.bias();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (double) element(a, i, p) * element(b, p, j);
                }
                double v = alpha * sum;
                long ci = c.offset() + (long) i * c.ld() + j;
                if (beta != 0) {
                    v += (double) beta * get(c.data(), ci);
                }
                if (bias != null) {
                    v += get(bias, epilogue.biasOffset() + j);
                }
                set(c.data(), ci, (float) activate(epilogue.activation(), v));
            }
        }
    }

    /** Element (i, j) of op(X). */
    private static float element(MatrixView x, int i, int j) {
        return get(x.data(), x.offset() + (x.transposed() ? (long) j * x.ld() + i : (long) i * x.ld() + j));
    }

    static double activate(Activation act, double v) {
        return switch (act) {
            case NONE -> v;
            case GELU_ERF -> geluErf(v);
            case GELU_TANH -> geluTanh(v);
            case QUICK_GELU -> quickGelu(v);
        };
    }

    /** LayerNorm of each row: (x - mean) / sqrt(var + eps) * gamma + beta, two passes in double. */
    public static void layerNorm(int rows, int cols, MemorySegment x, long xOff, int ldx,
                                 MemorySegment gamma, long gOff, MemorySegment beta, long bOff, float eps,
                                 MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            long xr = xOff + (long) r * ldx;
            double mean = 0;
            for (int j = 0; j < cols; j++) {
                mean += get(x, xr + j);
            }
            mean /= cols;
            double var = 0;
            for (int j = 0; j < cols; j++) {
                double d = get(x, xr + j) - mean;
                var += d * d;
            }
            var /= cols;
            double rstd = 1.0 / Math.sqrt(var + eps);
            long yr = yOff + (long) r * ldy;
            for (int j = 0; j < cols; j++) {
                double v = (get(x, xr + j) - mean) * rstd * get(gamma, gOff + j) + get(beta, bOff + j);
                set(y, yr + j, (float) v);
            }
        }
    }

    /**
     * Softmax of each row of scale * x, in place. A row whose entries are all -inf (fully masked) becomes
     * all zeros; a row holding NaN or +inf becomes all NaN.
     */
    public static void softmax(int rows, int cols, float scale, MemorySegment x, long xOff, int ldx) {
        for (int r = 0; r < rows; r++) {
            long xr = xOff + (long) r * ldx;
            double max = Double.NEGATIVE_INFINITY;
            boolean nan = false;
            for (int j = 0; j < cols; j++) {
                double v = (double) scale * get(x, xr + j);
                nan |= Double.isNaN(v);
                max = Math.max(max, v);
            }
            if (nan || max == Double.POSITIVE_INFINITY) {
                fill(x, xr, cols, Float.NaN);
                continue;
            }
            if (max == Double.NEGATIVE_INFINITY) {
                fill(x, xr, cols, 0f);
                continue;
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp((double) scale * get(x, xr + j) - max);
            }
            for (int j = 0; j < cols; j++) {
                set(x, xr + j, (float) (Math.exp((double) scale * get(x, xr + j) - max) / sum));
            }
        }
    }

    static void fill(MemorySegment x, long off, int count, float v) {
        for (int j = 0; j < count; j++) {
            set(x, off + j, v);
        }
    }

    /** y = act(x) element-wise over a {@code rows x cols} block. */
    public static void activate(Activation act, int rows, int cols, MemorySegment x, long xOff, int ldx,
                                MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                double v = get(x, xOff + (long) r * ldx + j);
                set(y, yOff + (long) r * ldy + j, (float) activate(act, v));
            }
        }
    }

    /** y += x over a {@code rows x cols} block (the residual add). */
    public static void add(int rows, int cols, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                long yi = yOff + (long) r * ldy + j;
                set(y, yi, get(y, yi) + get(x, xOff + (long) r * ldx + j));
            }
        }
    }

    /** y[r][j] += bias[j]. */
    public static void addBias(int rows, int cols, MemorySegment bias, long biasOff, MemorySegment y, long yOff, int ldy) {
        add(rows, cols, bias, biasOff, 0, y, yOff, ldy);
    }

    /** y *= alpha. */
    public static void scale(int rows, int cols, float alpha, MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                long yi = yOff + (long) r * ldy + j;
                set(y, yi, alpha * get(y, yi));
            }
        }
    }

    public static double geluErf(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    public static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    /** CLIP's quick_gelu, x sigmoid(1.702 x), as Hugging Face's QuickGELUActivation writes it. */
    public static double quickGelu(double x) {
        return x * (1 / (1 + Math.exp(-1.702 * x)));
    }

    /**
     * erf in double, to about 1e-15: erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (2n+1)!!, a series
     * of positive terms (no cancellation); |x| >= 6 rounds to +-1 in double.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax >= 6) {
            return Math.signum(x);
        }
        double term = ax;
        double sum = ax;
        double twoX2 = 2 * ax * ax;
        for (int n = 1; term > 1e-17 * sum; n++) {
            term *= twoX2 / (2 * n + 1);
            sum += term;
        }
        double r = 2 / Math.sqrt(Math.PI) * Math.exp(-ax * ax) * sum;
        return Math.copySign(Math.min(r, 1.0), x);
    }
}
