package dev.vectorvit.jmh.peers;

import dev.vectorvit.jmh.GemmBench;
import dev.vectorvit.kernels.Simd;
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
 * GemmBench's shapes (M x K x N, B in the layout the model uses: [N x K] except for scores x V) by
 * vectorvit, netlib's Vector API BLAS and OpenBLAS, on the same operands and thread counts: see
 * {@link GemmPeers} for how each is called. The report turns the times into GFLOPS (2 M N K / time).
 *
 * <p>Each parameter combination runs in its own fork, one after the other, so one implementation's threads
 * never compete with another's. JMH varies the parameter whose name sorts last fastest, hence
 * {@link #variant}: the three implementations of one shape and thread count run back to back, and a slow
 * phase of a shared host lands on all three instead of on one implementation's forks of every shape (with
 * the implementations outermost, vectorvit's forks of three shapes once ran 15-30% slow together). Before
 * timing, the setup checks the implementation against vectorvit on a small product in both B layouts and on the
 * benchmarked shape, and fails the benchmark if they differ by more than 1e-3 of the largest |C|.
 *
 * <p>Run it through {@code jmh/peers/run.sh} (which unsets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE:
 * with this machine's OPENBLAS_CORETYPE=Haswell OpenBLAS would run AVX2 kernels, and the setup refuses),
 * or {@code java -jar jmh/target/benchmarks.jar GemmPeersBench} with those unset.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class GemmPeersBench {

    /** The implementation (named to sort after shape and threads: see the class comment). */
    @Param({"vectorvit", "netlib", "openblas"})
    public String variant;

    /** M x K x N, as in GemmBench. */
    @Param({"197x768x768", "197x768x2304", "197x768x3072", "197x3072x768", "1024x1024x1024", "197x64x197", "197x197x64"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    /** Relative tolerance of the setup's check against vectorvit. */
    static final double TOLERANCE = 1e-3;

    private GemmPeers.Operands operands;
    private GemmPeers gemm;

    @Setup(Level.Trial)
    public void setup() {
        if (!Simd.enabled()) {
            throw new IllegalStateException("the Vector API module is not enabled in the benchmark JVM (vectorvit and "
                    + "netlib would both run scalar code): pass extra JVM flags with -jvmArgsPrepend, not -jvmArgsAppend");
        }
        // A small product in both layouts, with edges that fit no tile.
        for (boolean tb : new boolean[] {true, false}) {
            try (GemmPeers.Operands small = new GemmPeers.Operands(37, 53, 29, tb);
                 GemmPeers g = GemmPeers.create(variant, small, threads)) {
                g.checkAgainstVectorVit(TOLERANCE);
            }
        }
        int[] s = GemmBench.parseShape(shape);
        operands = new GemmPeers.Operands(s[0], s[1], s[2], GemmBench.transBFor(shape, "auto"));
        gemm = GemmPeers.create(variant, operands, threads);
        gemm.checkAgainstVectorVit(TOLERANCE);
        System.out.println("\n# peers: " + variant + " = " + gemm.describe());
        gemm(); // warms the implementation's buffers and threads outside the measurement
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gemm.close();
        operands.close();
    }

    /** Writes C (off-heap or, for netlib, an array the JIT cannot drop since result() reads it later). */
    @Benchmark
    public void gemm() {
        gemm.multiply();
    }
}
