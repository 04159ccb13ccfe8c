package dev.vectorvit.jmh.ladder;

import dev.vectorvit.jmh.Data;
import dev.vectorvit.kernels.Epilogue;
import dev.vectorvit.kernels.Gemm;
import dev.vectorvit.kernels.LayerNorm;
import dev.vectorvit.kernels.MatrixView;
import dev.vectorvit.kernels.Simd;
import dev.vectorvit.kernels.Softmax;
import dev.vectorvit.kernels.ThreadTeam;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Experiment (d), vector width: the library's kernels at the machine's preferred width
 * ({@link WidthPreferredBench}, 512-bit with AVX-512) and forced to 256-bit ({@link Width256Bench},
 * {@code -Dvectorvit.vectorBits=256}). The property is read once when the library's species is made, so
 * each width needs its own JVM: the subclasses differ only in their {@code @Fork} arguments.
 * Benchmarks: the GEMM (197x768x768, B [K x N], one thread), LayerNorm on 197 x 768 and softmax on
 * 197 x 197, each checked against its scalar reference in setup.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public abstract class VectorWidthBench {
    public static final String GEMM_SHAPE = "197x768x768";
    private static final int M = 197, K = 768, N = 768, ROWS = 197, COLS = 768, SCORES = 197;

    private Arena arena;
    private ThreadTeam team;
    private Gemm gemm;
    private MemorySegment a, b, c, x, gamma, beta, y, scores;

    @Setup(Level.Trial)
    public void setup() {
        Data.requireSimd();
        String bits = System.getProperty("vectorvit.vectorBits");
        if (bits != null && !Simd.describe().contains(bits.trim() + "-bit")) {
            throw new IllegalStateException("asked for " + bits + "-bit vectors, the library runs " + Simd.describe());
        }
        arena = Arena.ofShared();
        team = ThreadTeam.of(1);
        gemm = new Gemm(team);
        a = Data.random(arena, (long) M * K, 1);
        b = Data.random(arena, (long) K * N, 2);
        c = Memory.floats(arena, (long) M * N);
        x = Data.random(arena, (long) ROWS * COLS, 11, -4, 4);
        gamma = Data.random(arena, COLS, 13, 0.5, 1.5);
        beta = Data.random(arena, COLS, 14, -0.5, 0.5);
        y = Memory.floats(arena, (long) ROWS * COLS);
        MemorySegment logits = Data.random(arena, (long) ROWS * SCORES, 16, -8, 8);
        scores = Memory.floats(arena, (long) ROWS * SCORES);
        MemorySegment.copy(logits, 0, scores, 0, logits.byteSize());
        gemm();
        Verify.gemm("library GEMM at " + Simd.describe(), M, N, K, a, b, c);
        layerNorm();
        Verify.layerNorm("library LayerNorm at " + Simd.describe(), ROWS, COLS, x, gamma, beta, LayerNormLadderBench.EPS, y);
        softmax();
        Verify.softmax("library softmax at " + Simd.describe(), ROWS, SCORES, SoftmaxLadderBench.SCALE, logits, scores);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        team.close();
        arena.close();
    }

    @Benchmark
    public void gemm() {
        gemm.multiply(M, N, K, 1f, MatrixView.of(a, 0, K), MatrixView.of(b, 0, N), MatrixView.of(c, 0, N), Epilogue.NONE);
    }

    @Benchmark
    public void layerNorm() {
        LayerNorm.apply(ROWS, COLS, x, 0, COLS, gamma, 0, beta, 0, LayerNormLadderBench.EPS, y, 0, COLS);
    }

    /** In place, on its own output after the first call (see SoftmaxLadderBench). */
    @Benchmark
    public void softmax() {
        Softmax.apply(ROWS, SCORES, SoftmaxLadderBench.SCALE, scores, 0, SCORES);
    }
}
