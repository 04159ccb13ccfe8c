package dev.vectorvit.jmh.ladder;

import dev.vectorvit.jmh.Data;
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
 * Experiment (a), too many live accumulators: the ladder's 6 x 2-vector micro-kernel
 * ({@link GemmTiled#tile}, 12 accumulators) against the same kernel widened to 6 x 3 ({@link Tile6x3},
 * 18 accumulators), on the same operands: C [198 x 768] = A [198 x 768] B [768 x 768], 198 rows
 * so that every tile is full. Packing is done once in setup; the timed loops are rung 5's inner three
 * over two k blocks, so this is the kernels' speed alone. Run with {@code -prof gc}: the 6 x 3 kernel allocates (its vectors
 * live on the heap), the 6 x 2 does not. Both are checked against ScalarKernels.gemm in setup.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class TooManyAccumulatorsBench {
    /** M x K x N of the product (for GFLOPS = 2 M N K / time). */
    public static final String SHAPE = "198x768x768";
    private static final int M = 198, K = 768, N = 768;
    /** Two k blocks, so that the kernels both start tiles from zero and accumulate onto C, as in a GEMM. */
    private static final int KC = K / 2;

    @Param({"6x2", "6x3"})
    public String tile;

    private Arena arena;
    private MemorySegment aPack, bPack, c;
    private Runnable op;

    @Setup(Level.Trial)
    public void setup() {
        Data.requireSimd();
        arena = Arena.ofShared();
        MemorySegment a = Data.random(arena, (long) M * K, 1), b = Data.random(arena, (long) K * N, 2);
        c = Memory.floats(arena, (long) M * N);
        aPack = Memory.floats(arena, (long) M * K);
        bPack = Memory.floats(arena, (long) K * N);
        GemmPacked.packA(a, K, 0, M, 0, K, aPack);
        GemmPacked.packB(b, N, 0, K, 0, N, bPack, tile.equals("6x3") ? Tile6x3.NR : GemmTiled.NR);
        op = switch (tile) {
            case "6x2" -> this::tile6x2;
            case "6x3" -> this::tile6x3;
            default -> throw new IllegalArgumentException("unknown tile " + tile);
        };
        op.run();
        Verify.gemm(tile + " tile", M, N, K, a, b, c);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void multiply() {
        op.run();
    }

    private void tile6x2() {
        long lda = (long) K * Float.BYTES, ldb = (long) GemmTiled.NR * Float.BYTES, ldc = (long) N * Float.BYTES;
        for (int pc = 0; pc < K; pc += KC) {
            for (int jr = 0; jr < N; jr += GemmTiled.NR) {
                for (int ir = 0; ir < M; ir += GemmTiled.MR) {
                    GemmTiled.tile(KC, aPack, ir * lda + pc * 4L, lda, bPack, jr * lda + pc * ldb, ldb,
                            c, ir * ldc + jr * 4L, ldc, pc > 0);
                }
            }
        }
    }

    private void tile6x3() {
        long lda = (long) K * Float.BYTES, ldb = (long) Tile6x3.NR * Float.BYTES, ldc = (long) N * Float.BYTES;
        for (int pc = 0; pc < K; pc += KC) {
            for (int jr = 0; jr < N; jr += Tile6x3.NR) {
                for (int ir = 0; ir < M; ir += GemmTiled.MR) {
                    Tile6x3.tile(KC, aPack, ir * lda + pc * 4L, lda, bPack, jr * lda + pc * ldb, ldb,
                            c, ir * ldc + jr * 4L, ldc, pc > 0);
                }
            }
        }
    }
}
