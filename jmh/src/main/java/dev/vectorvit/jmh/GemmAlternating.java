package dev.vectorvit.jmh;

import dev.vectorvit.kernels.Activation;
import dev.vectorvit.kernels.Gemm;
import dev.vectorvit.kernels.GemmBlocking;
import dev.vectorvit.kernels.PackedMatrix;
import dev.vectorvit.kernels.ThreadTeam;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;

/**
 * Packed products (a linear layer's {@link Gemm#multiply(int, MemorySegment, long, int, PackedMatrix, float,
 * MemorySegment, long, int, MemorySegment, long, Activation)}) in one JVM, taking turns round by round: for
 * settings whose difference is smaller than the drift between two JMH forks on a shared
 * machine (one fork per setting can differ by 15% here). Each variant is {@code M:K:N:KC:EPILOGUE[:MC[:COPIES]]},
 * the epilogue {@code none}, {@code bias}, {@code gelu} (bias + GELU) or {@code res} (beta 1 + bias); each
 * has its own {@link GemmBlocking} (the given KC, MC 252 unless given) and packed copies of its weight, four
 * unless given, cycled, so that a weight is not always cache-warm (1: one copy, warm in L3; enough copies to
 * pass the L3: every weight from DRAM, as in a model). {@code -Dthreads=N} runs the products on a team of N
 * (default 1). Prints each variant's median GFLOPS over the measured rounds and the median of its per-round
 * ratio to the first variant (min-max).
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar dev.vectorvit.jmh.GemmAlternating \
 *       197:768:768:512:none 197:768:768:768:none
 *   java --add-modules jdk.incubator.vector -Dthreads=2 -cp jmh/target/benchmarks.jar \
 *       dev.vectorvit.jmh.GemmAlternating 1576:768:768:512:res:252:32 1576:768:768:512:res:1584:32
 * </pre>
 */
public final class GemmAlternating {
    private static final int COPIES = 4, WARMUP_ROUNDS = 4, ROUNDS = 20;
    private static final double FLOP_PER_TIMING = 3e9;

    private GemmAlternating() {}

    /** One variant: its shape, blocking, epilogue and operands. */
    private record Variant(String name, int m, int k, int n, Gemm gemm, PackedMatrix[] w, float beta, boolean bias,
                           Activation act, MemorySegment a, MemorySegment c, MemorySegment biasData) {
        static Variant parse(String spec, ThreadTeam team, Arena arena, long seed) {
            String[] f = spec.split(":");
            if (f.length < 5 || f.length > 7) {
                throw new IllegalArgumentException(spec + ": expected M:K:N:KC:EPILOGUE[:MC[:COPIES]], e.g. "
                        + "197:768:768:512:none");
            }
            int m = Integer.parseInt(f[0]), k = Integer.parseInt(f[1]), n = Integer.parseInt(f[2]);
            int mc = f.length > 5 ? Integer.parseInt(f[5]) : 252, copies = f.length > 6 ? Integer.parseInt(f[6]) : COPIES;
            GemmBlocking blocking = new GemmBlocking(mc, Integer.parseInt(f[3]), 2048);
            MemorySegment weight = Data.random(arena, (long) n * k, seed);
            PackedMatrix[] w = new PackedMatrix[copies];
            for (int i = 0; i < copies; i++) {
                w[i] = PackedMatrix.pack(weight, 0, k, n, k, blocking, arena);
            }
            String epilogue = f[4];
            if (!Arrays.asList("none", "bias", "gelu", "res").contains(epilogue)) {
                throw new IllegalArgumentException(spec + ": the epilogue is one of none, bias, gelu, res");
            }
            return new Variant(spec, m, k, n, new Gemm(team, blocking), w, epilogue.equals("res") ? 1f : 0f,
                    !epilogue.equals("none"), epilogue.equals("gelu") ? Activation.GELU_ERF : Activation.NONE,
                    Data.random(arena, (long) m * k, seed + 1), Data.random(arena, (long) m * n, seed + 2),
                    Data.random(arena, n, seed + 3));
        }

        /** Median GFLOPS of one round's timings, copy {@code copy} first. */
        double round(int copy) {
            double flop = 2.0 * m * n * k;
            long[] t = new long[Math.max(5, (int) (FLOP_PER_TIMING / flop))];
            for (int i = 0; i < t.length; i++) {
                PackedMatrix packed = w[(copy + i) % w.length];
                long t0 = System.nanoTime();
                gemm.multiply(m, a, 0, k, packed, beta, c, 0, n, bias ? biasData : null, 0, act);
                t[i] = System.nanoTime() - t0;
            }
            Arrays.sort(t);
            return flop / t[t.length / 2];
        }
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: GemmAlternating M:K:N:KC:EPILOGUE[:MC[:COPIES]] ... (EPILOGUE: none, bias, gelu, res)");
            System.exit(2);
        }
        Data.requireSimd();
        try (Arena arena = Arena.ofShared(); ThreadTeam team = ThreadTeam.of(Integer.getInteger("threads", 1))) {
            Variant[] v = new Variant[args.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = Variant.parse(args[i], team, arena, 4L * i);
            }
            double[][] gflops = new double[v.length][ROUNDS];
            for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
                for (int i = 0; i < v.length; i++) {
                    double g = v[i].round(Math.max(0, round));
                    if (round >= 0) {
                        gflops[i][round] = g;
                    }
                }
            }
            for (int i = 0; i < v.length; i++) {
                double[] ratio = new double[ROUNDS];
                for (int r = 0; r < ROUNDS; r++) {
                    ratio[r] = gflops[i][r] / gflops[0][r];
                }
                double[] g = gflops[i].clone();
                Arrays.sort(g);
                Arrays.sort(ratio);
                System.out.printf(Locale.ROOT, "%-24s %6.1f GFLOPS   x%.3f (%.3f-%.3f) of the first%n", v[i].name,
                        g[ROUNDS / 2], ratio[ROUNDS / 2], ratio[0], ratio[ROUNDS - 1]);
            }
        }
    }
}
