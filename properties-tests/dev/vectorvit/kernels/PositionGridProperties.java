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

/**
 * {@link PositionGrid} against a reference written the other way round: per axis a dense out x in matrix of
 * Keys weights (A = -0.75) at the exact source position (i + 0.5) in / out - 0.5 in double, taps beyond the
 * border added to the border, then out = Wy X Wx^T per channel in double.
 *
 * <p><b>Error bound.</b> PositionGrid takes the source position in float32 as PyTorch does: off by at most
 * 1e-7 in (measured for sizes up to 64, 9.97e-8 in); the four weights' derivatives sum to at most 3 and
 * their absolute values to 1.375, so each axis moves the result by at most 3e-7 in 1.375 max|x|. The float
 * weights of one axis are off by at most 1.4e-6 in all (measured over 2e6 fractions), 3.9e-6 max|x| for
 * both axes, and the final rounding adds 6e-8 max|x|:
 * <pre>  |out - ref| <= (4.2e-7 (gh + gw) + 4e-6) max|x|</pre>
 * Bicubic with A = -0.75 does not reproduce linear ramps (only A = -0.5 does), so no ramp identity here.
 */
final class PositionGridProperties {

    /** A grid of gh x gw positions with d channels, resized to oh x ow. */
    record Sizes(int gh, int gw, int d, int oh, int ow) {}

    @Provide
    Arbitrary<Sizes> sizes() {
        Arbitrary<Integer> side = Arbitraries.integers().between(1, 40);
        return Combinators.combine(side, side, Arbitraries.integers().between(1, 5), side, side).as(Sizes::new);
    }

    @Property(tries = 300)
    void matchesDenseMatrixReference(@ForAll("sizes") Sizes sizes, @ForAll long seed) {
        int gh = sizes.gh(), gw = sizes.gw(), d = sizes.d(), oh = sizes.oh(), ow = sizes.ow();
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            float[] grid = new float[gh * gw * d];
            double max = 0;
            for (int i = 0; i < grid.length; i++) {
                grid[i] = (float) r.nextGaussian();
                max = Math.max(max, Math.abs(grid[i]));
            }
            float[] got = run(arena, grid, gh, gw, d, oh, ow);
            double[][] wy = weights(gh, oh);
            double[][] wx = weights(gw, ow);
            double bound = (4.2e-7 * (gh + gw) + 4e-6) * max;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int c = 0; c < d; c++) {
                        double want = 0;
                        for (int y = 0; y < gh; y++) {
                            for (int x = 0; x < gw; x++) {
                                want += wy[oy][y] * wx[ox][x] * grid[(y * gw + x) * d + c];
                            }
                        }
                        int at = (oy * ow + ox) * d + c;
                        double w = want;
                        check(Math.abs(got[at] - want) <= bound, () -> gh + "x" + gw + " -> " + oh + "x" + ow + " at " + at
                                + ": " + got[at] + ", reference " + w + ", bound " + bound);
                    }
                }
            }
        }
    }

    @Property(tries = 100)
    void sameSizeCopiesTheBits(@ForAll @IntRange(min = 1, max = 30) int gh, @ForAll @IntRange(min = 1, max = 30) int gw,
                               @ForAll @IntRange(min = 1, max = 4) int d, @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            float[] grid = new float[gh * gw * d];
            for (int i = 0; i < grid.length; i++) {
                grid[i] = (float) Math.scalb(r.nextGaussian(), r.nextInt(41) - 20);
            }
            float[] got = run(arena, grid, gh, gw, d, gh, gw);
            for (int i = 0; i < grid.length; i++) {
                int at = i;
                check(Gen.sameBits(got[at], grid[at]), () -> "[" + at + "] = " + got[at] + ", input " + grid[at]);
            }
        }
    }

    /** One axis's float weights sum to 1 within 1.25e-6 (measured over 2e6 fractions): 3e-6 for both axes. */
    @Property(tries = 100)
    void constantStaysConstant(@ForAll @IntRange(min = 1, max = 30) int gh, @ForAll @IntRange(min = 1, max = 30) int gw,
                               @ForAll @IntRange(min = 1, max = 30) int oh, @ForAll @IntRange(min = 1, max = 30) int ow,
                               @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            float value = (float) Math.scalb(new Random(seed).nextGaussian(), 10);
            float[] grid = new float[gh * gw * 2];
            Arrays.fill(grid, value);
            float[] got = run(arena, grid, gh, gw, 2, oh, ow);
            for (int i = 0; i < got.length; i++) {
                int at = i;
                check(Math.abs(got[at] - value) <= 3e-6 * Math.abs(value), () -> "[" + at + "] = " + got[at]
                        + ", constant " + value);
            }
        }
    }

    private static float[] run(Arena arena, float[] grid, int gh, int gw, int d, int oh, int ow) {
        MemorySegment in = arena.allocateFrom(ValueLayout.JAVA_FLOAT, grid);
        MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, (long) oh * ow * d);
        PositionGrid.interpolate(in, 0, gh, gw, d, out, 0, oh, ow);
        return out.toArray(ValueLayout.JAVA_FLOAT);
    }

    /** W[o][s]: the weight of source index s in output index o, border taps folded onto the border. */
    private static double[][] weights(int in, int out) {
        double[][] w = new double[out][in];
        for (int o = 0; o < out; o++) {
            double src = (o + 0.5) * in / out - 0.5;
            int base = (int) Math.floor(src);
            for (int s = base - 1; s <= base + 2; s++) {
                w[o][Math.max(0, Math.min(in - 1, s))] += keys(Math.abs(src - s));
            }
        }
        return w;
    }

    /** Keys' cubic convolution kernel with A = -0.75, as PyTorch's bicubic uses it. */
    private static double keys(double x) {
        double a = -0.75;
        return x <= 1 ? ((a + 2) * x - (a + 3)) * x * x + 1 : ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    }
}
