package dev.vectorvit.jmh.ladder;

import dev.vectorvit.kernels.Activation;
import dev.vectorvit.kernels.Epilogue;
import dev.vectorvit.kernels.MatrixView;
import dev.vectorvit.kernels.ScalarKernels;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;

/**
 * The checks every rung passes in its benchmark's setup before it is timed: results against the
 * double-accumulating references of {@link ScalarKernels}, within a bound of the float rounding the
 * computation can do. A wrong index or a lost tile is off by O(1) and fails; reassociation and FMA
 * rounding stay far inside. A failure throws, and ladder.sh runs JMH with -foe true, so the run stops.
 *
 * <p>The scratch buffers come from a shared arena, like the benchmarks' operands, and not from a
 * confined one: once the JDK's segment accessors had seen confined segments, C2 compiled the kernels
 * timed afterwards on shared segments with a loop predicate that kept failing ("profile_predicate"
 * deoptimizations, recompiled and failing again without end), and they ran 100 times slower.
 */
final class Verify {
    /** Unit roundoff of float, 2^-24. */
    static final double U = 0x1p-24;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    /** The allowed error at one element, given its index and its reference value. */
    @FunctionalInterface
    interface Tolerance {
        double at(long index, double ref);
    }

    private Verify() {}

    /**
     * C = A B (row-major, contiguous) against {@link ScalarKernels#gemm}, on every 7th row and the last
     * MR + 1 rows (7 is prime to the tile and block sizes, so every kind of tile and block edge is
     * sampled; all rows of a 1024^3 reference would take seconds per trial). Bound: the classic one for a
     * float dot product of length k, |c - ref| <= (k + 1) u sum_p |a_ip b_pj|, the last sum computed by
     * the same reference on |A| and |B|.
     */
    static void gemm(String what, int m, int n, int k, MemorySegment a, MemorySegment b, MemorySegment c) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment absA = abs(arena, a, (long) m * k), absB = abs(arena, b, (long) k * n);
            MemorySegment ref = Memory.floats(arena, n), bound = Memory.floats(arena, n);
            for (int i = 0; i < m; i++) {
                if (i % 7 != 0 && i < m - GemmTiled.MR - 1) {
                    continue;
                }
                ScalarKernels.gemm(1, n, k, 1f, MatrixView.of(a, (long) i * k, k), MatrixView.of(b, 0, n), MatrixView.of(ref, 0, n), Epilogue.NONE);
                ScalarKernels.gemm(1, n, k, 1f, MatrixView.of(absA, (long) i * k, k), MatrixView.of(absB, 0, n), MatrixView.of(bound, 0, n), Epilogue.NONE);
                for (int j = 0; j < n; j++) {
                    double got = c.getAtIndex(F, (long) i * n + j), want = ref.getAtIndex(F, j);
                    double tol = (k + 1) * U * bound.getAtIndex(F, j);
                    if (!(Math.abs(got - want) <= tol)) {
                        throw fail(what, "C[" + i + "][" + j + "]", got, want, tol);
                    }
                }
            }
        }
    }

    /**
     * LayerNorm of contiguous rows against {@link ScalarKernels#layerNorm}, within
     * 2 (cols + 4) u (|gamma| (1 + |z|) + |beta|), z the exact normalised value: a float sum of cols terms
     * in the statistics, a few roundings in the normalisation (the library's property bound, sequential).
     */
    static void layerNorm(String what, int rows, int cols, MemorySegment x, MemorySegment gamma, MemorySegment beta,
                          float eps, MemorySegment got) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment ref = Memory.floats(arena, (long) rows * cols);
            ScalarKernels.layerNorm(rows, cols, x, 0, cols, gamma, 0, beta, 0, eps, ref, 0, cols);
            close(what, got, ref, (long) rows * cols, (i, r) -> {
                double g = gamma.getAtIndex(F, i % cols), b = beta.getAtIndex(F, i % cols);
                return 2 * (cols + 4) * U * (Math.abs(g) * (1 + Math.abs((r - b) / g)) + Math.abs(b));
            });
        }
    }

    /**
     * Softmax of scale x, contiguous rows, against {@link ScalarKernels#softmax}, relative to each
     * probability: 1e-6 for the exponential (the library's polynomial is within 4e-7, twice, as
     * numerator and in the sum) plus (cols + 8) u for the float sum and the roundings around it.
     */
    static void softmax(String what, int rows, int cols, float scale, MemorySegment input, MemorySegment got) {
        try (Arena arena = Arena.ofShared()) {
            long count = (long) rows * cols;
            MemorySegment ref = Memory.floats(arena, count);
            MemorySegment.copy(input, 0, ref, 0, count * Float.BYTES);
            ScalarKernels.softmax(rows, cols, scale, ref, 0, cols);
            close(what, got, ref, count, (i, r) -> (1e-6 + (cols + 8) * U) * r + 0x1p-125);
        }
    }

    /** GELU (erf or tanh form) against ScalarKernels' double version of the same form, within 2e-6 max(1, |x|). */
    static void gelu(String what, Activation form, int count, MemorySegment x, MemorySegment got) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment ref = Memory.floats(arena, count);
            ScalarKernels.activate(form, 1, count, x, 0, count, ref, 0, count);
            close(what, got, ref, count, (i, r) -> 2e-6 * Math.max(1, Math.abs(x.getAtIndex(F, i))));
        }
    }

    /** {@code count} floats of {@code got} against {@code ref}, each within {@code tol}. */
    static void close(String what, MemorySegment got, MemorySegment ref, long count, Tolerance tol) {
        for (long i = 0; i < count; i++) {
            double g = got.getAtIndex(F, i), r = ref.getAtIndex(F, i), t = tol.at(i, r);
            if (!(Math.abs(g - r) <= t)) {
                throw fail(what, "element " + i, g, r, t);
            }
        }
    }

    private static MemorySegment abs(Arena arena, MemorySegment x, long count) {
        MemorySegment out = Memory.floats(arena, count);
        for (long i = 0; i < count; i++) {
            out.setAtIndex(F, i, Math.abs(x.getAtIndex(F, i)));
        }
        return out;
    }

    private static IllegalStateException fail(String what, String where, double got, double want, double tol) {
        return new IllegalStateException(String.format(Locale.ROOT,
                "%s is wrong at %s: %.9g, reference %.9g, |difference| %.3g > allowed %.3g",
                what, where, got, want, Math.abs(got - want), tol));
    }
}
