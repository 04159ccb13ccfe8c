package dev.vectorvit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.HeatMap;
import dev.vectorvit.kernels.Activation;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Attention maps and their rollout: probabilities from random models, and rollouts of attention made up
 * to have known answers (the identity, random row-stochastic matrices against the full matrix product).
 */
final class AttentionProperties {
    private static final double U = 0x1p-24;

    /** A random model of {@code grid x grid} patches of 4 pixels; its hidden size is heads x head size. */
    private static ViTModel model(int grid, int layers, int heads, int headSize, long seed, int threads) {
        ViTConfig c = new ViTConfig(4 * grid, 4, 3, heads * headSize, layers, heads, 2 * heads * headSize, 3, 1e-6f,
                Activation.GELU_ERF, null);
        return ViTModel.random(c, seed, ViTModel.Options.defaults().withThreads(threads));
    }

    /**
     * Each row is a float32 softmax: its probabilities lie in [0, 1] and add up (in double, exactly enough)
     * to 1 within gamma(t + 3) = (t + 3) u / (1 - (t + 3) u), u = 2^-24: a float sum of t terms, a
     * reciprocal and a product per entry (SoftmaxProperties derives the kernel's bound, tighter than this).
     */
    @Property(tries = 40)
    void everyAttentionRowSumsToOne(@ForAll @IntRange(min = 1, max = 4) int grid, @ForAll @IntRange(min = 1, max = 3) int layers,
                                    @ForAll @IntRange(min = 1, max = 3) int heads, @ForAll @IntRange(min = 1, max = 9) int headSize,
                                    @ForAll @IntRange(min = 1, max = 3) int images, @ForAll long seed) {
        try (ViTModel m = model(grid, layers, heads, headSize, seed, 1)) {
            AttentionMaps maps = m.attention(Fixtures.randomImages(m.config(), images, seed), images);
            int t = m.config().tokens();
            double bound = (t + 3) * U / (1 - (t + 3) * U);
            for (int l = 0; l < layers; l++) {
                for (int i = 0; i < images; i++) {
                    for (int h = 0; h < heads; h++) {
                        for (int q = 0; q < t; q++) {
                            double sum = 0;
                            for (int k = 0; k < t; k++) {
                                float p = maps.probability(l, i, h, q, k);
                                assertTrue(p >= 0 && p <= 1, "p = " + p);
                                sum += p;
                            }
                            assertTrue(Math.abs(sum - 1) <= bound, "row sums to " + sum + ", bound " + bound);
                        }
                    }
                }
            }
        }
    }

    /** The same probabilities, so the same rollout and layer maps bit for bit, on 1 to 4 threads. */
    @Property(tries = 15)
    void rolloutIsBitwiseTheSameForAnyThreadCount(@ForAll @IntRange(min = 1, max = 4) int grid,
                                                  @ForAll @IntRange(min = 1, max = 3) int layers,
                                                  @ForAll @IntRange(min = 1, max = 4) int heads,
                                                  @ForAll @IntRange(min = 1, max = 3) int images,
                                                  @ForAll @IntRange(min = 2, max = 4) int threads, @ForAll long seed) {
        float[] one, many, oneLast, manyLast;
        try (ViTModel m = model(grid, layers, heads, 8, seed, 1)) {
            AttentionMaps maps = m.attention(Fixtures.randomImages(m.config(), images, seed), images);
            one = maps.rollout();
            oneLast = maps.layerMap(layers - 1);
        }
        try (ViTModel m = model(grid, layers, heads, 8, seed, threads)) {
            AttentionMaps maps = m.attention(Fixtures.randomImages(m.config(), images, seed), images);
            many = maps.rollout();
            manyLast = maps.layerMap(layers - 1);
        }
        Fixtures.assertBitwiseEquals(one, many, "rollout on " + threads + " threads");
        Fixtures.assertBitwiseEquals(oneLast, manyLast, "last layer's map on " + threads + " threads");
    }

    /**
     * Attention that is the identity in every layer and head leaves the class token where it is: its row
     * of the rollout, and of every layer's map, without its own column, is all zeros, whatever the extra
     * prefix tokens. The picture of such a flat map is the colour map's lowest colour (no 0 / 0, no NaN).
     */
    @Property(tries = 100)
    void identityAttentionRollsOutToZeros(@ForAll @IntRange(min = 1, max = 4) int layers, @ForAll @IntRange(min = 1, max = 3) int heads,
                                          @ForAll @IntRange(min = 1, max = 3) int prefix, @ForAll @IntRange(min = 1, max = 5) int gh,
                                          @ForAll @IntRange(min = 1, max = 5) int gw, @ForAll @IntRange(min = 1, max = 2) int images) {
        AttentionMaps maps = identity(layers, images, heads, prefix, gh, gw);
        float[] rollout = maps.rollout();
        assertEquals(images * gh * gw, rollout.length);
        Fixtures.assertBitwiseEquals(new float[rollout.length], rollout, "rollout");
        for (int l = 0; l < layers; l++) {
            Fixtures.assertBitwiseEquals(new float[rollout.length], maps.layerMap(l), "layer " + l);
        }
        for (double v : HeatMap.upsample(HeatMap.normalize(rollout, 0, gh * gw), gh, gw, 3 * gh, 3 * gw)) {
            assertEquals(0x440154, HeatMap.color(v), "the lowest colour of viridis");
        }
    }

    /** Without a class token the maps show the mean of all rows: the identity's is 1 / tokens on every patch. */
    @Property(tries = 30)
    void withoutAClassTokenTheIdentityRollsOutToTheUniformMean(@ForAll @IntRange(min = 1, max = 3) int layers,
                                                               @ForAll @IntRange(min = 1, max = 5) int gh,
                                                               @ForAll @IntRange(min = 1, max = 5) int gw) {
        float[] rollout = identity(layers, 1, 2, 0, gh, gw).rollout();
        for (float v : rollout) {
            assertEquals((float) (1.0 / (gh * gw)), v, 1e-7f);
        }
    }

    /**
     * For random row-stochastic attention the rollout is row 0 of R = B_L ... B_1 as full matrix products
     * (computed here in double, the naive way) without the prefix columns: a distribution over the tokens,
     * so its patch part is >= 0 and sums to at most 1.
     */
    @Property(tries = 200)
    void rolloutIsTheClassRowOfTheProductOfTheResidualAttention(@ForAll @IntRange(min = 1, max = 4) int layers,
                                                                @ForAll @IntRange(min = 1, max = 3) int heads,
                                                                @ForAll @IntRange(min = 0, max = 3) int prefix,
                                                                @ForAll @IntRange(min = 1, max = 4) int gh,
                                                                @ForAll @IntRange(min = 1, max = 4) int gw, @ForAll long seed) {
        int t = prefix + gh * gw;
        float[] p = new float[layers * heads * t * t];
        SplittableRandom random = new SplittableRandom(seed);
        for (int row = 0; row < layers * heads * t; row++) {
            double sum = 0;
            for (int k = 0; k < t; k++) {
                p[row * t + k] = (float) -Math.log(1 - random.nextDouble());
                sum += p[row * t + k];
            }
            for (int k = 0; k < t; k++) {
                p[row * t + k] = (float) (p[row * t + k] / sum);
            }
        }
        float[] rollout = new AttentionMaps(p, layers, 1, heads, prefix, gh, gw).rollout();
        double[][] r = null;
        for (int l = 0; l < layers; l++) {
            double[][] b = new double[t][t];
            for (int q = 0; q < t; q++) {
                for (int k = 0; k < t; k++) {
                    for (int h = 0; h < heads; h++) {
                        b[q][k] += p[((l * heads + h) * t + q) * t + k] / 2.0 / heads;
                    }
                }
                b[q][q] += 0.5;
            }
            r = r == null ? b : multiply(b, r);
        }
        double total = 0;
        for (int cell = 0; cell < gh * gw; cell++) {
            double want = 0;
            for (int q = 0; q < t; q++) {
                want += (prefix > 0 ? (q == 0 ? 1 : 0) : 1.0 / t) * r[q][prefix + cell];
            }
            assertEquals(want, rollout[cell], 1e-6 * want + 1e-12, "cell " + cell);
            assertTrue(rollout[cell] >= 0);
            total += rollout[cell];
        }
        assertTrue(total <= 1 + 1e-6, "sum " + total);
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    out[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return out;
    }

    private static AttentionMaps identity(int layers, int images, int heads, int prefix, int gh, int gw) {
        int t = prefix + gh * gw;
        float[] p = new float[layers * images * heads * t * t];
        for (int m = 0; m < layers * images * heads; m++) {
            for (int q = 0; q < t; q++) {
                p[(m * t + q) * t + q] = 1;
            }
        }
        return new AttentionMaps(p, layers, images, heads, prefix, gh, gw);
    }
}
