package dev.vectorvit.jmh.peers;

import dev.vectorvit.jmh.Data;
import dev.vectorvit.jmh.GemmBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * vectorvit and OpenBLAS taking turns on the 197-row shapes of {@link GemmPeersBench}, in one JVM: the same
 * products (as {@link GemmPeers} calls them, on the same operands), round by round, the order swapped every
 * round. GemmPeersBench gives each implementation of a shape its own JMH fork, and on a shared host the
 * drift between two forks can move a ratio by 10-15%; here a slow phase lands on both sides of a round's
 * ratio. Each round runs each implementation's products for {@value #ROUND_MILLIS} ms (at least 5 of them,
 * each timed alone; the round's figure is their median), after {@value #WARMUP_ROUNDS} such rounds untimed
 * (2 s of products per implementation, in which vectorvit's kernels reach C2). Writes, with {@code --out},
 * the per-round GFLOPS for the report ({@code PeersReport --gemm-turns}) and prints each shape's medians and
 * the median (min-max) of the per-round ratio vectorvit / OpenBLAS.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp jmh/target/benchmarks.jar \
 *       dev.vectorvit.jmh.peers.GemmPeersTurns [--rounds R] [--threads T] [--out FILE] [SHAPE...]
 * </pre>
 * Run it as GemmPeersBench is run: without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE ({@code jmh/peers/run.sh}
 * does both).
 */
public final class GemmPeersTurns {
    /** The shapes of the speed target: a ViT-B/16 layer's products at batch 1. */
    static final List<String> SHAPES = List.of("197x768x768", "197x768x2304", "197x768x3072", "197x3072x768",
            "197x64x197", "197x197x64");
    /** vectorvit first: the ratio's numerator. */
    static final List<String> IMPLS = List.of("vectorvit", "openblas");
    static final int WARMUP_ROUNDS = 20, ROUND_MILLIS = 100, MAX_PRODUCTS = 100_000;

    private GemmPeersTurns() {}

    public static void main(String[] args) throws IOException {
        int rounds = 20, threads = 1;
        Path out = null;
        List<String> shapes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    GemmBench.parseShape(args[i]); // fails on a malformed shape before anything runs
                    shapes.add(args[i]);
                }
            }
        }
        if (rounds < 1 || threads < 1) {
            throw new IllegalArgumentException("--rounds and --threads must be >= 1");
        }
        Data.requireSimd();
        List<Object> results = new ArrayList<>();
        for (String shape : shapes.isEmpty() ? SHAPES : shapes) {
            results.add(turns(shape, threads, rounds));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("threads", threads);
        json.put("rounds", rounds);
        json.put("round_ms", ROUND_MILLIS);
        json.put("warmup_ms", WARMUP_ROUNDS * ROUND_MILLIS);
        json.put("shapes", results);
        if (out != null) {
            Files.writeString(out, JsonText.of(json));
        }
    }

    /** One shape's rounds: {"shape", "vectorvit": [GFLOPS per round], "openblas": [...]}. */
    private static Map<String, Object> turns(String shape, int threads, int rounds) {
        int[] s = GemmBench.parseShape(shape);
        double flop = 2.0 * s[0] * s[1] * s[2];
        try (GemmPeers.Operands o = new GemmPeers.Operands(s[0], s[1], s[2], GemmBench.transBFor(shape, "auto"));
             // OpenBLAS first, as GemmPeers.main: load order matters when two BLAS libraries share a process.
             GemmPeers openblas = GemmPeers.create("openblas", o, threads);
             GemmPeers vectorvit = GemmPeers.create("vectorvit", o, threads)) {
            openblas.checkAgainstVectorVit(GemmPeersBench.TOLERANCE);
            GemmPeers[] impl = {vectorvit, openblas};
            double[] times = new double[MAX_PRODUCTS];
            double[][] gflops = new double[impl.length][rounds];
            for (int round = -WARMUP_ROUNDS; round < rounds; round++) {
                for (int j = 0; j < impl.length; j++) {
                    int i = (round & 1) == 0 ? j : impl.length - 1 - j; // the order swapped every round
                    double g = flop / medianNanos(impl[i], times);
                    if (round >= 0) {
                        gflops[i][round] = g;
                    }
                }
            }
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = gflops[0][r] / gflops[1][r];
            }
            Arrays.sort(ratio);
            System.out.printf(Locale.ROOT, "%-14s vectorvit %6.1f GFLOPS, OpenBLAS %6.1f: x%.3f (%.3f-%.3f), %d rounds%n",
                    shape, median(gflops[0]), median(gflops[1]), median(ratio), ratio[0], ratio[rounds - 1], rounds);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("shape", shape);
            for (int i = 0; i < impl.length; i++) {
                m.put(IMPLS.get(i), gflops[i]);
            }
            return m;
        }
    }

    /** The median time in ns of the products one round runs (timed one by one into {@code times}). */
    private static double medianNanos(GemmPeers g, double[] times) {
        long start = System.nanoTime(), end = start + ROUND_MILLIS * 1_000_000L;
        int n = 0;
        for (long t0 = start; n < times.length && (n < 5 || t0 < end); n++) {
            g.multiply();
            long t1 = System.nanoTime();
            times[n] = t1 - t0;
            t0 = t1;
        }
        return median(Arrays.copyOf(times, n));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
