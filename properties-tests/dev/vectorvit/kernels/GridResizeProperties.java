package dev.vectorvit.kernels;

import static dev.vectorvit.kernels.Gen.check;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * The properties both position-grid resizers ({@link PositionGrid}, {@link AntialiasedGrid}) hold, each
 * subclass giving its kernel, its reference weights and its bounds: out = Wy X Wx^T per channel in double
 * within the bound, a resize to the same size gives the bits back, a constant stays that constant. Heights
 * and widths are drawn apart, so most grids in and out are not square (a model run at height x width, or
 * trained so): the reference property requires it of most of its cases.
 */
abstract class GridResizeProperties {

    /** A grid of gh x gw positions with d channels, resized to oh x ow. */
    record Sizes(int gh, int gw, int d, int oh, int ow) {}

    /** A resizer as both kernels' interpolate. */
    @FunctionalInterface
    interface Resize {
        void apply(MemorySegment in, long inOff, int gh, int gw, int d, MemorySegment out, long outOff, int oh, int ow);
    }

    private final Resize kernel;

    GridResizeProperties(Resize kernel) {
        this.kernel = kernel;
    }

    /** W[o][s]: the reference weight of source index s in output index o, along an axis of in to out. */
    abstract double[][] weights(int in, int out);

    /** How far the kernel may lie from the reference {@code want}, for a grid whose largest magnitude is {@code max}. */
    abstract double bound(double want, double max, Sizes sizes);

    /** How far a constant may move, relative to its magnitude. */
    abstract double constantTolerance();

    @Provide
    Arbitrary<Sizes> sizes() {
        Arbitrary<Integer> side = Arbitraries.integers().between(1, 40);
        return Combinators.combine(side, side, Arbitraries.integers().between(1, 5), side, side).as(Sizes::new);
    }

    @Property(tries = 300)
    @StatisticsReport(onFailureOnly = true)
    void matchesDenseMatrixReference(@ForAll("sizes") Sizes s, @ForAll long seed) {
        Statistics.label("input grid").collect(s.gh() == s.gw() ? "square" : "not square");
        Statistics.label("output grid").collect(s.oh() == s.ow() ? "square" : "not square");
        Statistics.label("input grid").coverage(c -> c.check("not square").percentage(p -> p >= 70));
        Statistics.label("output grid").coverage(c -> c.check("not square").percentage(p -> p >= 70));
        Random r = new Random(seed);
        float[] grid = new float[s.gh() * s.gw() * s.d()];
        double max = 0;
        for (int i = 0; i < grid.length; i++) {
            grid[i] = (float) r.nextGaussian();
            max = Math.max(max, Math.abs(grid[i]));
        }
        float[] got = run(grid, s.gh(), s.gw(), s.d(), s.oh(), s.ow());
        double[][] wy = weights(s.gh(), s.oh());
        double[][] wx = weights(s.gw(), s.ow());
        for (int oy = 0; oy < s.oh(); oy++) {
            for (int ox = 0; ox < s.ow(); ox++) {
                for (int c = 0; c < s.d(); c++) {
                    double want = 0;
                    for (int y = 0; y < s.gh(); y++) {
                        for (int x = 0; x < s.gw(); x++) {
                            want += wy[oy][y] * wx[ox][x] * grid[(y * s.gw() + x) * s.d() + c];
                        }
                    }
                    int at = (oy * s.ow() + ox) * s.d() + c;
                    double w = want, limit = bound(want, max, s);
                    check(Math.abs(got[at] - want) <= limit, () -> s + " at " + at + ": " + got[at] + ", reference " + w
                            + ", bound " + limit);
                }
            }
        }
    }

    @Property(tries = 100)
    void sameSizeCopiesTheBits(@ForAll @IntRange(min = 1, max = 30) int gh, @ForAll @IntRange(min = 1, max = 30) int gw,
                               @ForAll @IntRange(min = 1, max = 4) int d, @ForAll long seed) {
        Random r = new Random(seed);
        float[] grid = new float[gh * gw * d];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = (float) Math.scalb(r.nextGaussian(), r.nextInt(41) - 20);
        }
        float[] got = run(grid, gh, gw, d, gh, gw);
        for (int i = 0; i < grid.length; i++) {
            int at = i;
            check(Gen.sameBits(got[at], grid[at]), () -> "[" + at + "] = " + got[at] + ", input " + grid[at]);
        }
    }

    @Property(tries = 100)
    void constantStaysConstant(@ForAll @IntRange(min = 1, max = 30) int gh, @ForAll @IntRange(min = 1, max = 30) int gw,
                               @ForAll @IntRange(min = 1, max = 30) int oh, @ForAll @IntRange(min = 1, max = 30) int ow,
                               @ForAll long seed) {
        float value = (float) Math.scalb(new Random(seed).nextGaussian(), 10);
        float[] grid = new float[gh * gw * 2];
        Arrays.fill(grid, value);
        float[] got = run(grid, gh, gw, 2, oh, ow);
        double tolerance = constantTolerance() * Math.abs(value);
        for (int i = 0; i < got.length; i++) {
            int at = i;
            check(Math.abs(got[at] - value) <= tolerance, () -> "[" + at + "] = " + got[at] + ", constant " + value);
        }
    }

    /** Keys' cubic convolution kernel at distance {@code x} >= 0, with parameter {@code a}: 0 from 2 on. */
    static double keys(double x, double a) {
        if (x >= 2) {
            return 0;
        }
        return x <= 1 ? ((a + 2) * x - (a + 3)) * x * x + 1 : ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    }

    private float[] run(float[] grid, int gh, int gw, int d, int oh, int ow) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocateFrom(ValueLayout.JAVA_FLOAT, grid);
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, (long) oh * ow * d);
            kernel.apply(in, 0, gh, gw, d, out, 0, oh, ow);
            return out.toArray(ValueLayout.JAVA_FLOAT);
        }
    }
}
