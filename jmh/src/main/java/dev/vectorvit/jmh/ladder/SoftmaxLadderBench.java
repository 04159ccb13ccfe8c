package dev.vectorvit.jmh.ladder;

import dev.vectorvit.jmh.Data;
import dev.vectorvit.kernels.Softmax;
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
 * The softmax ladder, in place, one thread, on 197 x 768 and on 197 x 197 (one head's attention
 * scores, scale 1/8): {@code scalar} ({@link SoftmaxScalar}, Math.exp per element), {@code lane-exp}
 * ({@link SoftmaxLaneExp}, vector passes, Math.exp per lane), {@code lanewise-exp}
 * ({@link SoftmaxLanewiseExp}, VectorOperators.EXP) and {@code library} (the library's Softmax, whose
 * exponential is the polynomial VMath.exp: relative error below 4e-7 by its bound, 8.4e-8 the largest
 * measured). Only the exponential differs between the three vector rungs.
 *
 * <p>Each rung is checked against ScalarKernels.softmax in setup ({@link Verify#softmax}). The timed
 * calls then run on their own output (probabilities), as RowKernelsBench does: the cost does not depend
 * on the values as long as they are finite.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class SoftmaxLadderBench {
    /** Attention's 1 / sqrt(head size 64). */
    static final float SCALE = 0.125f;

    @FunctionalInterface
    interface Impl {
        void apply(int rows, int cols, float scale, MemorySegment x);
    }

    @Param({"scalar", "lane-exp", "lanewise-exp", "library"})
    public String rung;

    /** rows x cols. */
    @Param({"197x768", "197x197"})
    public String shape;

    private int rows, cols;
    private Arena arena;
    private Impl impl;
    private MemorySegment x;

    @Setup(Level.Trial)
    public void setup() {
        Data.requireSimd();
        int[] rc = RowShape.parse(shape);
        rows = rc[0];
        cols = rc[1];
        arena = Arena.ofShared();
        MemorySegment logits = Data.random(arena, (long) rows * cols, 15, -8, 8);
        x = Memory.floats(arena, (long) rows * cols);
        MemorySegment.copy(logits, 0, x, 0, logits.byteSize());
        impl = switch (rung) {
            case "scalar" -> SoftmaxScalar::apply;
            case "lane-exp" -> new SoftmaxLaneExp()::apply;
            case "lanewise-exp" -> SoftmaxLanewiseExp::apply;
            case "library" -> (r, c, s, xs) -> Softmax.apply(r, c, s, xs, 0, c);
            default -> throw new IllegalArgumentException("unknown rung " + rung);
        };
        run();
        Verify.softmax("softmax rung " + rung + " on " + shape, rows, cols, SCALE, logits, x);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void run() {
        impl.apply(rows, cols, SCALE, x);
    }
}
