package dev.vectorvit.jmh.ladder;

import dev.vectorvit.jmh.Data;
import dev.vectorvit.jmh.GemmBench;
import dev.vectorvit.kernels.Epilogue;
import dev.vectorvit.kernels.Gemm;
import dev.vectorvit.kernels.MatrixView;
import dev.vectorvit.kernels.ThreadTeam;
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
 * The GEMM optimization ladder: C = A B with A [M x K], B [K x N] row-major (shape names are M x K x N,
 * as in GemmBench), one rung per technique:
 * <ol>
 *   <li>{@code scalar}: {@link GemmScalar}, i-k-j loop, one float at a time</li>
 *   <li>{@code vector}: {@link GemmVector}, + Vector API (broadcast A[i][k], FMA over a row of B)</li>
 *   <li>{@code tiled}: {@link GemmTiled}, + a 6 x 2-vector register tile (no packing)</li>
 *   <li>{@code packed}: {@link GemmPacked}, + packing of A and B into the kernel's order</li>
 *   <li>{@code blocked}: {@link GemmBlocked}, + KC/MC/NC cache blocking</li>
 *   <li>{@code library}: the library's {@link Gemm} on one thread (what rung 5 grew into: transposes,
 *   alpha/beta/bias/GELU epilogue, in-register B transposes)</li>
 *   <li>{@code threads}: + multi-threading: the library's {@link Gemm} on a team of {@code threads}</li>
 * </ol>
 * Every rung is checked against ScalarKernels.gemm ({@link Verify#gemm}) in setup before it is timed.
 * The scalar rung takes about 0.3 s per 1024^3 product: keep iterations at a second or more.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class GemmLadderBench {

    @Param({"scalar", "vector", "tiled", "packed", "blocked", "library", "threads"})
    public String rung;

    /** M x K x N: the ViT-B/16 attention projection, MLP fc1 and fc2 (one image), and a square reference. */
    @Param({"197x768x768", "197x768x3072", "197x3072x768", "1024x1024x1024"})
    public String shape;

    /** The team size of the {@code threads} rung (the other rungs run on one thread). */
    @Param({"2"})
    public int threads;

    private Arena arena;
    private ThreadTeam team;
    private GemmRung impl;
    private MemorySegment a, b, c;

    @Setup(Level.Trial)
    public void setup() {
        Data.requireSimd();
        int[] s = GemmBench.parseShape(shape);
        int m = s[0], k = s[1], n = s[2];
        arena = Arena.ofShared();
        a = Data.random(arena, (long) m * k, 1);
        b = Data.random(arena, (long) k * n, 2);
        c = Memory.floats(arena, (long) m * n);
        team = ThreadTeam.of(rung.equals("threads") ? threads : 1);
        impl = switch (rung) {
            case "scalar" -> new GemmScalar(m, n, k);
            case "vector" -> new GemmVector(m, n, k);
            case "tiled" -> new GemmTiled(m, n, k);
            case "packed" -> new GemmPacked(m, n, k, arena);
            case "blocked" -> new GemmBlocked(m, n, k, arena);
            case "library", "threads" -> {
                Gemm gemm = new Gemm(team);
                yield (x, y, z) -> gemm.multiply(m, n, k, 1f, MatrixView.of(x, 0, k), MatrixView.of(y, 0, n), MatrixView.of(z, 0, n), Epilogue.NONE);
            }
            default -> throw new IllegalArgumentException("unknown rung " + rung);
        };
        c.fill((byte) 0x7f); // garbage: a rung that leaves part of C unwritten fails the check
        impl.multiply(a, b, c);
        Verify.gemm("GEMM rung " + rung + " on " + shape, m, n, k, a, b, c);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        team.close();
        arena.close();
    }

    /** Writes C, off-heap: the JIT cannot drop the work, no Blackhole needed. */
    @Benchmark
    public void multiply() {
        impl.multiply(a, b, c);
    }
}
