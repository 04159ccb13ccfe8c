package dev.vectorvit.jmh.ladder;

import dev.vectorvit.kernels.LayerNorm;
import dev.vectorvit.kernels.ScalarKernels;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * The accuracy caveat of the one-pass LayerNorm, measured: the largest error of each vector rung against
 * ScalarKernels.layerNorm (double) on one row of 768 values drawn from N(offset, 1), gamma 1, beta 0,
 * for offsets of 0 to 10^4 standard deviations. Prints a markdown table:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar dev.vectorvit.jmh.ladder.LayerNormAccuracy
 * </pre>
 */
public final class LayerNormAccuracy {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final int COLS = 768;

    private LayerNormAccuracy() {}

    public static void main(String[] args) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment x = Memory.floats(arena, COLS), gamma = Memory.floats(arena, COLS), beta = Memory.floats(arena, COLS);
            MemorySegment y = Memory.floats(arena, COLS), ref = Memory.floats(arena, COLS);
            for (int j = 0; j < COLS; j++) {
                gamma.setAtIndex(F, j, 1f);
            }
            System.out.println("| mean / std | vector-one-pass | vector-two-pass | library (corrected two-pass) |");
            System.out.println("|---:|---:|---:|---:|");
            for (double offset : new double[] {0, 10, 100, 1000, 3000, 10000}) {
                SplittableRandom r = new SplittableRandom(5);
                for (int j = 0; j < COLS; j++) {
                    x.setAtIndex(F, j, (float) (offset + r.nextGaussian()));
                }
                ScalarKernels.layerNorm(1, COLS, x, 0, COLS, gamma, 0, beta, 0, LayerNormLadderBench.EPS, ref, 0, COLS);
                LayerNormOnePass.apply(1, COLS, x, gamma, beta, LayerNormLadderBench.EPS, y);
                double onePass = maxError(y, ref);
                LayerNormTwoPass.apply(1, COLS, x, gamma, beta, LayerNormLadderBench.EPS, y);
                double twoPass = maxError(y, ref);
                LayerNorm.apply(1, COLS, x, 0, COLS, gamma, 0, beta, 0, LayerNormLadderBench.EPS, y, 0, COLS);
                System.out.printf("| %.0f | %.1e | %.1e | %.1e |%n", offset, onePass, twoPass, maxError(y, ref));
            }
        }
    }

    private static double maxError(MemorySegment y, MemorySegment ref) {
        double max = 0;
        for (int j = 0; j < COLS; j++) {
            max = Math.max(max, Math.abs(y.getAtIndex(F, j) - ref.getAtIndex(F, j)));
        }
        return max;
    }
}
