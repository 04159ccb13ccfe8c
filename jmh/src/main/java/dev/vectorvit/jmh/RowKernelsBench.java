package dev.vectorvit.jmh;

import dev.vectorvit.kernels.Activation;
import dev.vectorvit.kernels.ElementWise;
import dev.vectorvit.kernels.LayerNorm;
import dev.vectorvit.kernels.ScalarKernels;
import dev.vectorvit.kernels.Softmax;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The row kernels of a ViT block on one image's activations, single thread: LayerNorm and GELU (erf and
 * tanh forms) on 197 x 768 (tokens x hidden; GELU really runs on 197 x 3072 inside fc1's epilogue, same
 * per-element cost), softmax on 197 x 768 and on 197 x 197 (one head's attention scores).
 * {@code impl=vector} calls the public kernel (LayerNorm, Softmax, ElementWise.activate: the Vector API
 * path), {@code impl=scalar} the reference loop in {@link ScalarKernels} with the same arguments.
 *
 * <p>The {@code copy_*} benchmarks copy the same number of bytes with {@link MemorySegment#copy}: the
 * bandwidth ceiling of the same data in the same run.
 *
 * <p><b>Bytes per operation</b> (for GB/s): read + write of the row data, 2 x rows x cols x 4, for every
 * kernel and for copy alike; LayerNorm's gamma and beta (2 x cols floats) and the kernels' second or
 * third pass over a row (softmax reads a row three times, from L1) are not counted. The method name
 * carries the shape ({@code kernel_ROWSxCOLS}), so the report can compute it.
 *
 * <p>Softmax runs in place: after the first call the rows hold probabilities, which are as good an input
 * as any (the kernel's arithmetic does not depend on the values, only on them being finite).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class RowKernelsBench {
    static final int TOKENS = 197, HIDDEN = 768;
    static final float EPS = 1e-12f;
    /** Attention's 1 / sqrt(head size 64). */
    static final float SCALE = 0.125f;

    /** Which implementation the kernel benchmarks run (copy does not use it). */
    @State(Scope.Thread)
    public static class Impl {
        @Param({"vector", "scalar"})
        public String impl;

        boolean vector;

        @Setup(Level.Trial)
        public void setup() {
            vector = switch (impl) {
                case "vector" -> true;
                case "scalar" -> false;
                default -> throw new IllegalArgumentException("impl must be vector or scalar, got " + impl);
            };
            if (vector) {
                Data.requireSimd();
            }
        }
    }

    /** The operands, allocated once. */
    @State(Scope.Thread)
    public static class Rows {
        Arena arena;
        MemorySegment x, y, gamma, beta, logits, scores, scoresCopy;

        @Setup(Level.Trial)
        public void setup() {
            arena = Arena.ofShared();
            long n = (long) TOKENS * HIDDEN;
            x = Data.random(arena, n, 11, -4, 4);
            y = Data.random(arena, n, 12);
            gamma = Data.random(arena, HIDDEN, 13, 0.5, 1.5);
            beta = Data.random(arena, HIDDEN, 14, -0.5, 0.5);
            logits = Data.random(arena, n, 15, -8, 8);
            scores = Data.random(arena, (long) TOKENS * TOKENS, 16, -8, 8);
            scoresCopy = Data.random(arena, (long) TOKENS * TOKENS, 17);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    @Benchmark
    public void layerNorm_197x768(Rows r, Impl i) {
        if (i.vector) {
            LayerNorm.apply(TOKENS, HIDDEN, r.x, 0, HIDDEN, r.gamma, 0, r.beta, 0, EPS, r.y, 0, HIDDEN);
        } else {
            ScalarKernels.layerNorm(TOKENS, HIDDEN, r.x, 0, HIDDEN, r.gamma, 0, r.beta, 0, EPS, r.y, 0, HIDDEN);
        }
    }

    @Benchmark
    public void softmax_197x768(Rows r, Impl i) {
        if (i.vector) {
            Softmax.apply(TOKENS, HIDDEN, SCALE, r.logits, 0, HIDDEN);
        } else {
            ScalarKernels.softmax(TOKENS, HIDDEN, SCALE, r.logits, 0, HIDDEN);
        }
    }

    @Benchmark
    public void softmax_197x197(Rows r, Impl i) {
        if (i.vector) {
            Softmax.apply(TOKENS, TOKENS, SCALE, r.scores, 0, TOKENS);
        } else {
            ScalarKernels.softmax(TOKENS, TOKENS, SCALE, r.scores, 0, TOKENS);
        }
    }

    @Benchmark
    public void geluErf_197x768(Rows r, Impl i) {
        gelu(Activation.GELU_ERF, r, i);
    }

    @Benchmark
    public void geluTanh_197x768(Rows r, Impl i) {
        gelu(Activation.GELU_TANH, r, i);
    }

    private static void gelu(Activation act, Rows r, Impl i) {
        if (i.vector) {
            ElementWise.activate(act, TOKENS, HIDDEN, r.x, 0, HIDDEN, r.y, 0, HIDDEN);
        } else {
            ScalarKernels.activate(act, TOKENS, HIDDEN, r.x, 0, HIDDEN, r.y, 0, HIDDEN);
        }
    }

    /** The bandwidth baseline for the 197 x 768 kernels: x to y. */
    @Benchmark
    public void copy_197x768(Rows r) {
        MemorySegment.copy(r.x, 0, r.y, 0, (long) TOKENS * HIDDEN * Float.BYTES);
    }

    /** The bandwidth baseline for softmax_197x197. */
    @Benchmark
    public void copy_197x197(Rows r) {
        MemorySegment.copy(r.scores, 0, r.scoresCopy, 0, (long) TOKENS * TOKENS * Float.BYTES);
    }
}
