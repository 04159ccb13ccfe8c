package dev.vectorvit.jmh.ladder;

import static dev.vectorvit.jmh.ladder.GemmVector.S;
import static dev.vectorvit.jmh.ladder.GemmVector.V;

import dev.vectorvit.jmh.Data;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
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
 * Experiments (c) and (e), where the floats live: the same vector loop, rung 2's GEMM on 197x768x768
 * (two loads and a store per FMA, so the cost of each access shows), over
 * <ul>
 *   <li>{@code native-segment}: off-heap segments of a shared arena, 64-byte aligned (the ladder's and
 *   the library's choice), {@link GemmVector}</li>
 *   <li>{@code native-unaligned}: the same, but each matrix starts 16 bytes past a 64-byte boundary, like
 *   the elements of a float[] (16 bytes into an object aligned to 8): separates alignment from where
 *   the memory is</li>
 *   <li>{@code heap-segment}: {@code MemorySegment.ofArray(float[])}, the same code ({@link GemmVector})</li>
 *   <li>{@code array}: plain float[] with fromArray / intoArray, the same loop written for arrays</li>
 * </ul>
 * Each variant runs alone in its JVM (a parameter, so setup makes and checks only its own operands):
 * code that has seen one kind of segment is compiled for it, and a mix would measure the mix.
 * Every variant is checked against ScalarKernels.gemm in setup.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class MemoryAccessBench {
    public static final String SHAPE = "197x768x768";
    private static final int M = 197, K = 768, N = 768;

    @Param({"native-segment", "native-unaligned", "heap-segment", "array"})
    public String memory;

    private Arena arena;
    private Runnable op;

    @Setup(Level.Trial)
    public void setup() {
        Data.requireSimd();
        arena = Arena.ofShared();
        MemorySegment a = Data.random(arena, (long) M * K, 1), b = Data.random(arena, (long) K * N, 2);
        GemmVector gemm = new GemmVector(M, N, K);
        MemorySegment checkA = a, checkB = b, checkC;
        switch (memory) {
            case "native-segment" -> {
                MemorySegment c = Memory.floats(arena, (long) M * N);
                op = () -> gemm.multiply(a, b, c);
                checkC = c;
            }
            case "native-unaligned" -> {
                MemorySegment ua = unaligned(a), ub = unaligned(b), uc = unaligned(Memory.floats(arena, (long) M * N));
                op = () -> gemm.multiply(ua, ub, uc);
                checkA = ua;
                checkB = ub;
                checkC = uc;
            }
            case "heap-segment" -> {
                MemorySegment ha = MemorySegment.ofArray(a.toArray(ValueLayout.JAVA_FLOAT));
                MemorySegment hb = MemorySegment.ofArray(b.toArray(ValueLayout.JAVA_FLOAT));
                MemorySegment hc = MemorySegment.ofArray(new float[M * N]);
                op = () -> gemm.multiply(ha, hb, hc);
                checkA = ha;
                checkB = hb;
                checkC = hc;
            }
            case "array" -> {
                float[] fa = a.toArray(ValueLayout.JAVA_FLOAT), fb = b.toArray(ValueLayout.JAVA_FLOAT), fc = new float[M * N];
                op = () -> multiply(fa, fb, fc);
                checkC = MemorySegment.ofArray(fc);
            }
            default -> throw new IllegalArgumentException("unknown memory " + memory);
        }
        op.run();
        Verify.gemm("rung 2 on " + memory, M, N, K, checkA, checkB, checkC);
    }

    /** A copy of {@code s} that starts 16 bytes past a 64-byte boundary. */
    private MemorySegment unaligned(MemorySegment s) {
        MemorySegment u = Memory.floats(arena, s.byteSize() / Float.BYTES + 4).asSlice(16, s.byteSize());
        MemorySegment.copy(s, 0, u, 0, s.byteSize());
        return u;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void multiply() {
        op.run();
    }

    /** {@link GemmVector} written for float[]: the same loops and row update, fromArray instead of fromMemorySegment. */
    private static void multiply(float[] a, float[] b, float[] c) {
        for (int i = 0; i < M; i++) {
            Arrays.fill(c, i * N, (i + 1) * N, 0f);
            for (int p = 0; p < K; p++) {
                addRow(N, a[i * K + p], b, p * N, c, i * N);
            }
        }
    }

    private static void addRow(int n, float aip, float[] b, int bRow, float[] c, int cRow) {
        FloatVector av = FloatVector.broadcast(S, aip);
        for (int j = 0; j < n; j += V) {
            av.fma(FloatVector.fromArray(S, b, bRow + j), FloatVector.fromArray(S, c, cRow + j)).intoArray(c, cRow + j);
        }
    }
}
