package dev.vectorvit.jmh.ladder;

import dev.vectorvit.jmh.Data;
import dev.vectorvit.kernels.Activation;
import dev.vectorvit.kernels.ElementWise;
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
 * The GELU ladder on 197 x 768 (in the model GELU runs on 197 x 3072 inside fc1's epilogue, at the same
 * cost per element), one thread: {@code scalar-erf} ({@link GeluScalar}: float, Abramowitz-Stegun erf,
 * one Math.exp per element), {@code library-erf} (the library's vector GELU: erf as a rational
 * polynomial of FMAs and one division per vector, no calls) and {@code library-tanh} (the tanh form,
 * "gelu_new", a different function: within 4.7e-4 of the exact GELU; tanh from the polynomial exp).
 * Each rung is checked in setup against ScalarKernels' double version of its own form ({@link Verify#gelu}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class GeluLadderBench {

    @FunctionalInterface
    interface Impl {
        void apply(int count, MemorySegment x, MemorySegment y);
    }

    @Param({"scalar-erf", "library-erf", "library-tanh"})
    public String rung;

    /** rows x cols. */
    @Param({"197x768"})
    public String shape;

    private int count;
    private Arena arena;
    private Impl impl;
    private MemorySegment x, y;

    @Setup(Level.Trial)
    public void setup() {
        Data.requireSimd();
        int[] rc = RowShape.parse(shape);
        count = rc[0] * rc[1];
        arena = Arena.ofShared();
        x = Data.random(arena, count, 11, -4, 4);
        y = Memory.floats(arena, count);
        impl = switch (rung) {
            case "scalar-erf" -> GeluScalar::apply;
            case "library-erf" -> (n, xs, ys) -> ElementWise.activate(Activation.GELU_ERF, 1, n, xs, 0, n, ys, 0, n);
            case "library-tanh" -> (n, xs, ys) -> ElementWise.activate(Activation.GELU_TANH, 1, n, xs, 0, n, ys, 0, n);
            default -> throw new IllegalArgumentException("unknown rung " + rung);
        };
        run();
        Verify.gelu("GELU rung " + rung, rung.endsWith("tanh") ? Activation.GELU_TANH : Activation.GELU_ERF, count, x, y);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void run() {
        impl.apply(count, x, y);
    }
}
