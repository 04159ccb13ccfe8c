package dev.vectorvit.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Two or more builds of vectorvit in one JVM, their ViT-B/16 forward passes taking turns round by round:
 * for changes smaller than the drift between two processes on a shared machine (a pass here moves by 5-25%
 * from one minute to the next, within a round by far less). Each jar is opened twice, in the order A B B A
 * (A B C C B A for three), each time in a class loader of its own with its own model (random weights, or
 * {@code -Dmodel=DIR}) and session, so each has its own JIT profile and memory, and a jar's time in a round
 * is the mean of its two sessions' medians: the same jar opened twice ran its second session 2% slower at
 * batch 8 (docs/experiments.md, 2026-12-07), and the mirrored order cancels such a drift with the opening
 * order. The jars are only reached by reflection, through their public API. Prints each round's ms per pass
 * for every jar, then the median over rounds of each jar's ratio to the first (below 1: faster than the
 * first) with its range.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g \
 *       -cp jmh/target/benchmarks.jar dev.vectorvit.jmh.JarsAlternating THREADS BATCH ROUNDS PASSES \
 *       /tmp/old/target/vectorvit.jar target/vectorvit.jar
 * </pre>
 */
public final class JarsAlternating {
    private static final int WARMUP_PASSES = 6;

    private JarsAlternating() {}

    /** One session of a jar, ready to run: {@code forward(input, 0, batch, logits, 0)}. */
    private record Session(Object session, Method forward, MemorySegment input, MemorySegment logits) {
        void pass(int batch) throws ReflectiveOperationException {
            forward.invoke(session, input, 0L, batch, logits, 0L);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 6) {
            System.err.println("usage: JarsAlternating THREADS BATCH ROUNDS PASSES JAR JAR... [-Dmodel=DIR]");
            System.exit(2);
        }
        int threads = Integer.parseInt(args[0]), batch = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]), passes = Integer.parseInt(args[3]);
        int n = args.length - 4;
        List<Session> sessions = new ArrayList<>(); // session s and 2n - 1 - s are jar s's
        for (int s = 0; s < 2 * n; s++) {
            sessions.add(open(args[4 + Math.min(s, 2 * n - 1 - s)], threads, batch, System.getProperty("model")));
        }
        for (Session b : sessions) {
            for (int w = 0; w < WARMUP_PASSES; w++) {
                b.pass(batch);
            }
        }
        double[][] median = new double[n][rounds];
        double[] times = new double[passes], session = new double[2 * n];
        for (int round = 0; round < rounds; round++) {
            for (int j = 0; j < 2 * n; j++) {
                int s = round % 2 == 0 ? j : 2 * n - 1 - j; // each session first in every other round
                for (int p = 0; p < passes; p++) {
                    long t0 = System.nanoTime();
                    sessions.get(s).pass(batch);
                    times[p] = (System.nanoTime() - t0) / 1e6;
                }
                Arrays.sort(times);
                session[s] = times[passes / 2];
                median[Math.min(s, 2 * n - 1 - s)][round] += session[s] / 2;
            }
            StringBuilder line = new StringBuilder("round " + (round + 1) + ":");
            for (int b = 0; b < n; b++) {
                line.append(String.format(Locale.ROOT, " %.1f", median[b][round]));
            }
            line.append(" ms (sessions in opening order:");
            for (double t : session) {
                line.append(String.format(Locale.ROOT, " %.1f", t));
            }
            System.out.println(line.append(")"));
        }
        for (int b = 1; b < n; b++) {
            double[] ratio = new double[rounds];
            int lower = 0;
            for (int r = 0; r < rounds; r++) {
                ratio[r] = median[b][r] / median[0][r];
                lower += ratio[r] < 1 ? 1 : 0;
            }
            Arrays.sort(ratio);
            System.out.printf(Locale.ROOT, "%s / %s: x%.3f (%.3f-%.3f), lower in %d of %d rounds%n", args[4 + b], args[4],
                    ratio[rounds / 2], ratio[0], ratio[rounds - 1], lower, rounds);
        }
        System.exit(0); // the sessions' team threads
    }

    private static Session open(String jar, int threads, int batch, String modelDir) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
        Class<?> config = loader.loadClass("dev.vectorvit.model.ViTConfig");
        Class<?> model = loader.loadClass("dev.vectorvit.model.ViTModel");
        Class<?> options = loader.loadClass("dev.vectorvit.model.ViTModel$Options");
        Object o = options.getMethod("withThreads", int.class).invoke(options.getMethod("defaults").invoke(null), threads);
        Object m = modelDir == null
                ? model.getMethod("random", config, long.class, options).invoke(null,
                        config.getMethod("vitBase16").invoke(null), 42L, o)
                : model.getMethod("load", Path.class, options).invoke(null, Path.of(modelDir), o);
        Object session = model.getMethod("newSession", int.class).invoke(m, threads);
        Method forward = session.getClass().getMethod("forward", MemorySegment.class, long.class, int.class,
                MemorySegment.class, long.class);
        Object c = model.getMethod("config").invoke(m);
        int imageFloats = (Integer) config.getMethod("imageFloats").invoke(c), classes = (Integer) config.getMethod("classes").invoke(c);
        Arena arena = Arena.ofShared();
        MemorySegment input = arena.allocate((long) batch * imageFloats * Float.BYTES, 64);
        MemorySegment logits = arena.allocate((long) batch * classes * Float.BYTES, 64);
        SplittableRandom random = new SplittableRandom(7);
        for (long i = 0; i < input.byteSize() / Float.BYTES; i++) {
            input.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextGaussian());
        }
        return new Session(session, forward, input, logits);
    }
}
