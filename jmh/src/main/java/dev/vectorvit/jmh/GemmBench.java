package dev.vectorvit.jmh;

import dev.vectorvit.kernels.Epilogue;
import dev.vectorvit.kernels.Gemm;
import dev.vectorvit.kernels.MatrixView;
import dev.vectorvit.kernels.PackedMatrix;
import dev.vectorvit.kernels.ThreadTeam;
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
 * {@link Gemm#multiply} on the shapes of a ViT-B/16 forward pass: C[M x N] = A[M x K] op(B), alpha 1,
 * beta 0, no bias, no activation (the plain product; the model fuses bias, residual and GELU into the
 * same call).
 *
 * <p><b>Shape names are M x K x N</b>: M rows of A and C, K the reduction (input) width, N the output
 * width. So {@code 197x768x2304} is the QKV projection of one image (197 tokens, 768 in, 2304 out),
 * {@code 197x3072x768} is fc2, {@code 197x64x197} is Q K^T of one head and {@code 197x197x64} is
 * scores x V. FLOPs per operation are 2 M N K; the report turns the measured time into GFLOPS.
 *
 * <p>{@code transB}: {@code true} means B is stored [N x K] (PyTorch's weight layout, and K for Q K^T),
 * {@code false} means [K x N] (V for scores x V). The default {@code auto} picks what the model does:
 * false for 197x197x64, true for every other shape. Operands here are contiguous matrices; in the model
 * the attention operands are views with a leading dimension of 2304 (one head's columns of QKV).
 *
 * <p>{@code threads}: the size of the {@link ThreadTeam} that runs the product (the calling thread is
 * member 0). The team, the Gemm (its packing buffers grow on the first call) and the operands are made
 * once per trial; the measured method allocates nothing (check with {@code -prof gc}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class GemmBench {

    /** M x K x N (see the class comment). */
    @Param({"197x768x768", "197x768x2304", "197x768x3072", "197x3072x768", "1024x1024x1024", "197x64x197", "197x197x64"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    /** "auto" (what the model does for this shape), "true" (B is [N x K]) or "false" (B is [K x N]). */
    @Param({"auto"})
    public String transB;

    /**
     * {@code true}: B ([N x K], a weight) is packed once in setup and the measured call is the model's
     * {@link Gemm#multiply(int, MatrixView, PackedMatrix, MatrixView, Epilogue) packed product}; {@code false}: B is read as it is stored on every call.
     * Shapes whose B is [K x N] (scores x V) always run unpacked.
     */
    @Param({"true"})
    public boolean packed;

    private int m, n, k, ldb;
    private boolean tb;
    private Arena arena;
    private ThreadTeam team;
    private Gemm gemm;
    private MemorySegment a, b, c;
    private PackedMatrix w;

    /** M, K and N of a shape name "MxKxN". */
    public static int[] parseShape(String shape) {
        String[] p = shape.toLowerCase(java.util.Locale.ROOT).split("x");
        if (p.length != 3) {
            throw new IllegalArgumentException("shape must be MxKxN, got " + shape);
        }
        return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim())};
    }

    /** The layout of B the model uses for a shape: [K x N] only for scores x V (197x197x64). */
    public static boolean transBFor(String shape, String transB) {
        return switch (transB) {
            case "true" -> true;
            case "false" -> false;
            case "auto" -> !shape.equals("197x197x64");
            default -> throw new IllegalArgumentException("transB must be auto, true or false, got " + transB);
        };
    }

    @Setup(Level.Trial)
    public void setup() {
        Data.requireSimd();
        int[] s = parseShape(shape);
        m = s[0];
        k = s[1];
        n = s[2];
        tb = transBFor(shape, transB);
        ldb = tb ? k : n;
        arena = Arena.ofShared();
        a = Data.random(arena, (long) m * k, 1);
        b = Data.random(arena, (long) k * n, 2);
        c = Data.random(arena, (long) m * n, 3);
        team = ThreadTeam.of(threads);
        gemm = new Gemm(team);
        w = packed && tb ? PackedMatrix.pack(b, 0, ldb, n, k, arena) : null;
        gemm(); // grows the packing buffers outside the measurement
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        team.close();
        arena.close();
    }

    /** Writes C; JMH needs no Blackhole since the result lives in off-heap memory the JIT cannot drop. */
    @Benchmark
    public void gemm() {
        if (w != null) {
            gemm.multiply(m, MatrixView.of(a, 0, k), w, MatrixView.of(c, 0, n), Epilogue.NONE);
        } else {
            gemm.multiply(m, n, k, 1f, MatrixView.of(a, 0, k), new MatrixView(b, 0, ldb, tb), MatrixView.of(c, 0, n), Epilogue.NONE);
        }
    }
}
