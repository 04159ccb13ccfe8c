package dev.vectorvit.jmh.report;

import java.time.LocalDate;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Measures the FP32 FMA peak of one core with the Vector API (the JVM needs jdk.incubator.vector). */
final class FmaPeak {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int ROUNDS = 20;
    /** The chains' sum, so that the JIT cannot drop them. */
    static volatile float sink;

    private FmaPeak() {}

    /**
     * Independent FMA chains on one thread, best of a few rounds: 12 chains cover 2 pipes x 4 cycles of
     * latency with room to spare. A busy machine measures low: pass the figure with --peak there.
     */
    static Peak measure() {
        int chains = 12, steps = 20_000_000;
        double best = 0;
        for (int round = 0; round < ROUNDS; round++) { // the first rounds run while C2 compiles the loop
            long t0 = System.nanoTime();
            sink = fmaChains(steps);
            best = Math.max(best, 2.0 * chains * S.length() * steps / ((System.nanoTime() - t0) / 1e9) / 1e9);
        }
        return new Peak(best, "FP32 FMA peak measured by the report on " + LocalDate.now() + ": " + S.length()
                + "-lane FMAs on one thread, best of " + ROUNDS + " rounds");
    }

    private static float fmaChains(int steps) {
        FloatVector x = FloatVector.broadcast(S, 0.999999f), y = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (int i = 0; i < steps; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
