package dev.vectorvit.kernels;

import static dev.vectorvit.kernels.Gen.U;
import static dev.vectorvit.kernels.Gen.check;

import dev.vectorvit.kernels.Gen.Mat;
import dev.vectorvit.kernels.Gen.Place;
import dev.vectorvit.kernels.Gen.Values;
import java.lang.foreign.Arena;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The vector LayerNorm against {@link ScalarKernels#layerNorm} (two passes in double).
 *
 * <p><b>Error bound.</b> With n columns, m = {@link Gen#sumDepth}(n) (additions per term in a lane-parallel
 * sum), exact row mean mu, r = 1 / sqrt(var + eps) and z_j = (x_j - mu) r, all in double:
 * <pre>
 *   |y_j - ref_j| <= 2 (m + 4) U (|gamma_j| (1 + |z_j|) (1 + w)^2 + |beta_j|),   w = (m + 2) U mean|x| r
 * </pre>
 * Derivation, to first order in U: the float mean mu_f errs by e, |e| <= (m + 2) U mean|x| (w is that
 * error in units of the normalised output). d = x - mu_f errs by U |d|; corr = sum(d) / n by (m + 2) U
 * mean|d| <= (m + 2) U (sigma + |e|); (d - corr) adds U. The variance (sum d^2 - sum(d) corr) / n errs by
 * (3m + 5) U (var + e^2), so r by 1.5 (m + 2) U (z^2-weighted (1 + w^2)) + U; gamma r, the FMA with beta and
 * the reference's own rounding add 3 U. Each term is at most half of the bound (the factor 2 absorbs the
 * second-order terms). The bound does not grow with the mean, only with its rounding error relative to
 * the spread (w), which for 1e4 + noise of 1e-2 is about 2.
 */
final class LayerNormProperties {

    @Provide
    Arbitrary<Float> epsilons() {
        return Arbitraries.of(1e-12f, 1e-6f, 1e-5f, 1e-3f, 0.5f);
    }

    @Property(tries = 300)
    void matchesReferenceWithinBound(@ForAll(supplier = Gen.Rows.class) int rows,
                                     @ForAll(supplier = Gen.Dim.class) int cols, @ForAll Values values,
                                     @ForAll("epsilons") float eps, @ForAll boolean inPlace,
                                     @ForAll(supplier = Place.Any.class) Place placeX,
                                     @ForAll(supplier = Place.Any.class) Place placeY, @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Case c = Case.random(arena, rows, cols, values, eps, inPlace, placeX, placeY, seed);
            c.run();
            c.checkAgainstReference(arena);
        }
    }

    /**
     * Rows far from zero with a small spread (1e4 + noise of 1e-2): a single float mean is rounded by up to
     * 5e-4, half an ulp of 1e4, which is 5% of the spread; the kernel must carry the mean's correction.
     */
    @Property(tries = 200)
    void largeMeanSmallSpreadRowsMatchReference(@ForAll(supplier = Gen.Rows.class) int rows,
                                                @ForAll(supplier = Gen.Dim.class) int cols,
                                                @ForAll("epsilons") float eps,
                                                @ForAll(supplier = Place.Any.class) Place placeX,
                                                @ForAll(supplier = Place.Any.class) Place placeY, @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Case c = Case.random(arena, rows, cols, Values.LARGE_MEAN, eps, false, placeX, placeY, seed);
            c.run();
            c.checkAgainstReference(arena);
        }
    }

    /**
     * With gamma = 1 and beta = 0 every row of y has mean 0 and population variance q = var / (var + eps)
     * (about 1 when eps is small next to the row's variance), up to the bound above: with B = max_j of the
     * bound, |mean(y)| <= B and |var(y) - q| <= 2 B sqrt(q) + 2 B^2.
     */
    @Property(tries = 150)
    void normalisedRowsHaveZeroMeanAndVarianceNearOne(@ForAll(supplier = Gen.Rows.class) int rows,
                                                      @ForAll(supplier = Gen.Dim.class) int cols,
                                                      @ForAll Values values, @ForAll("epsilons") float eps,
                                                      @ForAll(supplier = Place.Any.class) Place placeX,
                                                      @ForAll(supplier = Place.Any.class) Place placeY,
                                                      @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Case c = Case.random(arena, rows, cols, values, eps, false, placeX, placeY, seed);
            c.gamma.fill(1f);
            c.beta.fill(0f);
            c.run();
            for (int i = 0; i < rows; i++) {
                RowStats s = new RowStats(c.x.row(i), eps);
                double bmax = 0;
                for (int j = 0; j < cols; j++) {
                    bmax = Math.max(bmax, s.bound(j, 1, 0, cols));
                }
                float[] y = c.y.row(i);
                double mean = 0;
                for (float v : y) {
                    mean += v;
                }
                mean /= cols;
                double var = 0;
                for (float v : y) {
                    var += (v - mean) * (v - mean);
                }
                var /= cols;
                double q = s.var / (s.var + eps), b = bmax, mu = mean, v2 = var;
                int row = i;
                check(Math.abs(mean) <= b, () -> "row " + row + ": mean of y " + mu + " exceeds " + b);
                check(Math.abs(var - q) <= 2 * b * Math.sqrt(q) + 2 * b * b, () -> "row " + row
                        + ": variance of y " + v2 + ", expected var/(var+eps) = " + q + " within "
                        + (2 * b * Math.sqrt(q) + 2 * b * b));
            }
        }
    }

    /**
     * A row's output is the same bits whether the call covers it alone or with other rows (the kernel takes
     * rows two at a time, and a team's members split the rows anywhere).
     */
    @Property(tries = 100)
    void eachRowIsTheSameBitsAloneOrWithOthers(@ForAll(supplier = Gen.Rows.class) int rows,
                                              @ForAll(supplier = Gen.Dim.class) int cols, @ForAll Values values,
                                              @ForAll(supplier = Place.Any.class) Place placeX,
                                              @ForAll(supplier = Place.Any.class) Place placeY, @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Case c = Case.random(arena, rows, cols, values, 1e-5f, false, placeX, placeY, seed);
            c.run();
            Mat alone = Mat.allocate(arena, 1, cols, new Place(0, 0));
            for (int i = 0; i < rows; i++) {
                LayerNorm.apply(1, cols, c.x.seg, c.x.off + (long) i * c.x.ld, c.x.ld, c.gamma.seg, c.gamma.off,
                        c.beta.seg, c.beta.off, c.eps, alone.seg, alone.off, alone.ld);
                for (int j = 0; j < cols; j++) {
                    int bits = Float.floatToRawIntBits(alone.get(0, j)), ii = i, jj = j;
                    check(bits == Float.floatToRawIntBits(c.y.get(i, j)), () -> "y[" + ii + "][" + jj + "] = "
                            + c.y.get(ii, jj) + " in a call of " + rows + " rows, " + alone.get(0, jj) + " alone");
                }
            }
        }
    }

    /** Exact statistics of one row, in double, and the error bound of its outputs. */
    private static final class RowStats {
        final double mean, var, r, meanAbs;
        final float[] x;

        RowStats(float[] x, float eps) {
            this.x = x;
            double sum = 0, abs = 0;
            for (float v : x) {
                sum += v;
                abs += Math.abs(v);
            }
            mean = sum / x.length;
            meanAbs = abs / x.length;
            double ss = 0;
            for (float v : x) {
                ss += (v - mean) * (v - mean);
            }
            var = ss / x.length;
            r = 1 / Math.sqrt(var + eps);
        }

        /** The class comment's bound for output j with the given gamma_j and beta_j. */
        double bound(int j, double gamma, double beta, int n) {
            int m = Gen.sumDepth(n);
            double w = (m + 2) * U * meanAbs * r;
            double z = (x[j] - mean) * r;
            return 2 * (m + 4) * U * (Math.abs(gamma) * (1 + Math.abs(z)) * (1 + w) * (1 + w) + Math.abs(beta));
        }
    }

    /** One call: x, gamma in [-2, 2], beta in [-1, 1], and y (x itself when in place). */
    private record Case(int rows, int cols, Mat x, Mat gamma, Mat beta, float eps, Mat y, Mat xBefore) {
        static Case random(Arena arena, int rows, int cols, Values values, float eps, boolean inPlace, Place placeX,
                           Place placeY, long seed) {
            Random r = new Random(seed);
            Mat x = Mat.allocate(arena, rows, cols, placeX).fill(values, r);
            Mat gamma = Mat.allocate(arena, 1, cols, new Place(0, placeY.offset())).fill(Values.UNIFORM, r);
            Mat beta = Mat.allocate(arena, 1, cols, new Place(0, placeX.offset())).fill(Values.UNIFORM, r);
            for (int j = 0; j < cols; j++) {
                gamma.set(0, j, 2 * gamma.get(0, j));
            }
            Mat y = inPlace ? x : Mat.allocate(arena, rows, cols, placeY);
            return new Case(rows, cols, x, gamma, beta, eps, y, x.copy(arena));
        }

        void run() {
            int[] before = y.bits();
            LayerNorm.apply(rows, cols, x.seg, x.off, x.ld, gamma.seg, gamma.off, beta.seg, beta.off, eps,
                    y.seg, y.off, y.ld);
            y.assertOutsideUnchanged(before, "y");
        }

        void checkAgainstReference(Arena arena) {
            Mat ref = Mat.allocate(arena, rows, cols, new Place(0, 0));
            ScalarKernels.layerNorm(rows, cols, xBefore.seg, xBefore.off, xBefore.ld, gamma.seg, gamma.off,
                    beta.seg, beta.off, eps, ref.seg, ref.off, ref.ld);
            for (int i = 0; i < rows; i++) {
                RowStats s = new RowStats(xBefore.row(i), eps);
                for (int j = 0; j < cols; j++) {
                    double bound = s.bound(j, gamma.get(0, j), beta.get(0, j), cols);
                    float got = y.get(i, j), want = ref.get(i, j);
                    int ii = i, jj = j;
                    check(Math.abs(got - want) <= bound, () -> "y[" + ii + "][" + jj + "] = " + got + ", reference "
                            + want + ": |difference| " + Math.abs(got - want) + " > bound " + bound + " (row mean "
                            + s.mean + ", variance " + s.var + ")");
                }
            }
        }
    }
}
