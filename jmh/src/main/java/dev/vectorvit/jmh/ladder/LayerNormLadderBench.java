package dev.vectorvit.jmh.ladder;

import dev.vectorvit.jmh.Data;
import dev.vectorvit.kernels.LayerNorm;
import dev.vectorvit.tensor.Memory;
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
 * The LayerNorm ladder on one image's activations (197 tokens x 768), one thread:
 * {@code scalar} ({@link LayerNormScalar}, two passes, float), {@code vector-two-pass}
 * ({@link LayerNormTwoPass}), {@code vector-one-pass} ({@link LayerNormOnePass}, sum and sum of
 * squares in one read: fastest, with an accuracy caveat) and {@code library} (the library's LayerNorm:
 * the corrected two-pass, accurate for rows far from zero mean, one more read of the row).
 * Each rung is checked against ScalarKernels.layerNorm in setup ({@link Verify#layerNorm}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class LayerNormLadderBench {
    /** Hugging Face ViT's layer_norm_eps. */
    static final float EPS = 1e-12f;

    @FunctionalInterface
    interface Impl {
        void apply(int rows, int cols, MemorySegment x, MemorySegment gamma, MemorySegment beta, float eps, MemorySegment y);
    }

    @Param({"scalar", "vector-two-pass", "vector-one-pass", "library"})
    public String rung;

    /** rows x cols. */
    @Param({"197x768"})
    public String shape;

    private int rows, cols;
    private Arena arena;
    private Impl impl;
    private MemorySegment x, gamma, beta, y;

    @Setup(Level.Trial)
    public void setup() {
        Data.requireSimd();
        int[] rc = RowShape.parse(shape);
        rows = rc[0];
        cols = rc[1];
        arena = Arena.ofShared();
        x = Data.random(arena, (long) rows * cols, 11, -4, 4);
        gamma = Data.random(arena, cols, 13, 0.5, 1.5);
        beta = Data.random(arena, cols, 14, -0.5, 0.5);
        y = Memory.floats(arena, (long) rows * cols);
        impl = switch (rung) {
            case "scalar" -> LayerNormScalar::apply;
            case "vector-two-pass" -> LayerNormTwoPass::apply;
            case "vector-one-pass" -> LayerNormOnePass::apply;
            case "library" -> (r, c, xs, g, b, e, ys) -> LayerNorm.apply(r, c, xs, 0, c, g, 0, b, 0, e, ys, 0, c);
            default -> throw new IllegalArgumentException("unknown rung " + rung);
        };
        run();
        Verify.layerNorm("LayerNorm rung " + rung, rows, cols, x, gamma, beta, EPS, y);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void run() {
        impl.apply(rows, cols, x, gamma, beta, EPS, y);
    }
}
