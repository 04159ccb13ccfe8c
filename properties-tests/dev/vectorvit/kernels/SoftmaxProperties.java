package dev.vectorvit.kernels;

import static dev.vectorvit.kernels.Gen.U;
import static dev.vectorvit.kernels.Gen.check;

import dev.vectorvit.kernels.Gen.Mat;
import dev.vectorvit.kernels.Gen.Place;
import dev.vectorvit.kernels.Gen.Values;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The vector softmax against {@link ScalarKernels#softmax} (exp and sums in double), and its invariants.
 *
 * <p><b>Error bound</b> (relative). For a row with t_j = s x_j - s max(x) (exact, in double), reference
 * p_j = exp(t_j) / sum_k exp(t_k), m = {@link Gen#sumDepth}(n) and E = 4e-7, the documented relative
 * error of {@link VMath#exp}:
 * <pre>
 *   |p_j - ref_j| <= (2E + U (|t_j| + W) + (m + 4) U) ref_j + 2 MIN_NORMAL,   W = sum_k ref_k |t_k|
 * </pre>
 * Derivation: the kernel computes e_j = exp(fl(s x_j + h)) with h = fl(-s max); the rounding of h is the
 * same for the whole row and cancels in e_j / sum e. The FMA rounds t_j by U |t_j|, which exp turns into a
 * relative error U |t_j|; exp adds E. The float sum of positive terms errs by gamma_m, and each e_k's error
 * reaches it weighted by ref_k (E + U W in all). 1 / sum, the product and the reference's rounding to float
 * add 3 U. Results below the normal range (exp of arguments below -87.3 is 0) are covered by the absolute
 * term. The row sums are independent of exp's error: |sum_j p_j - 1| <= gamma_{m+3} (one sum, one reciprocal,
 * one rounding per p_j).
 */
final class SoftmaxProperties {
    /** {@link VMath#exp}'s documented relative error. */
    private static final double EXP_ERROR = 4e-7;
    private static final double TINY = 2.0 * Float.MIN_NORMAL;

    @Provide
    Arbitrary<Float> scales() {
        // 1/sqrt(128) and 1/sqrt(8): attention's scales; powers of two: exact scaling.
        return Arbitraries.of(1f, 0.125f, 0.088388346f, 0.35355338f, 2f, 3f, 1e-3f);
    }

    @Property(tries = 300)
    void matchesReferenceWithinRelativeBound(@ForAll(supplier = Gen.Rows.class) int rows,
                                             @ForAll(supplier = Gen.Dim.class) int cols, @ForAll("scales") float scale,
                                             @ForAll Values values, @ForAll boolean masked,
                                             @ForAll(supplier = Place.Any.class) Place place, @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Mat x = random(arena, rows, cols, values, masked, place, seed);
            Mat before = x.copy(arena);
            Mat ref = x.copy(arena);
            apply(x, scale);
            x.assertOutsideUnchanged(before.bits(), "x");
            ScalarKernels.softmax(rows, cols, scale, ref.seg, ref.off, ref.ld);
            for (int i = 0; i < rows; i++) {
                double[] rel = relativeBounds(before.row(i), scale);
                for (int j = 0; j < cols; j++) {
                    float got = x.get(i, j), want = ref.get(i, j);
                    double bound = rel[j] * want + TINY;
                    int ii = i, jj = j;
                    check(Math.abs(got - want) <= bound, () -> "p[" + ii + "][" + jj + "] = " + got + ", reference "
                            + want + ": |difference| " + Math.abs(got - want) + " > bound " + bound);
                }
            }
        }
    }

    /** Every row sums to 1 within gamma_{m+3} (class comment); a fully masked row is all zeros. */
    @Property(tries = 200)
    void rowsSumToOne(@ForAll(supplier = Gen.Rows.class) int rows, @ForAll(supplier = Gen.Dim.class) int cols,
                      @ForAll("scales") float scale, @ForAll Values values, @ForAll boolean masked,
                      @ForAll(supplier = Place.Any.class) Place place, @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Mat x = random(arena, rows, cols, values, masked, place, seed);
            Mat before = x.copy(arena);
            apply(x, scale);
            double bound = Gen.gamma(Gen.sumDepth(cols) + 3) + cols * TINY;
            for (int i = 0; i < rows; i++) {
                boolean allMasked = true;
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    allMasked &= before.get(i, j) == Float.NEGATIVE_INFINITY;
                    sum += x.get(i, j);
                }
                double s = sum;
                int row = i;
                if (allMasked) {
                    for (int j = 0; j < cols; j++) {
                        int jj = j;
                        check(Gen.sameBits(x.get(i, j), 0f), () -> "fully masked row " + row + ": p[" + jj + "] = "
                                + x.get(row, jj) + ", expected 0");
                    }
                } else {
                    check(Math.abs(sum - 1) <= bound, () -> "row " + row + " sums to " + s + ", |sum - 1| > " + bound);
                }
            }
        }
    }

    enum Poison {
        /** One NaN in the row: the row becomes NaN. */
        NAN,
        /** One +inf in the row: the row becomes NaN. */
        POSITIVE_INFINITY,
        /** The whole row -inf (fully masked): the row becomes 0. */
        ALL_NEGATIVE_INFINITY
    }

    /** A non-finite row gets its documented result, and the other rows are bit for bit what they would be alone. */
    @Property(tries = 150)
    void nonFiniteRowsAreDefinedAndIsolated(@ForAll(supplier = Gen.Rows.class) int rows,
                                            @ForAll(supplier = Gen.Dim.class) int cols, @ForAll Poison poison,
                                            @ForAll @IntRange(max = 1000) int rowPick,
                                            @ForAll @IntRange(max = 1000) int colPick, @ForAll("scales") float scale,
                                            @ForAll Values values, @ForAll(supplier = Place.Any.class) Place place,
                                            @ForAll long seed) {
        int row = rowPick % rows, col = colPick % cols;
        try (Arena arena = Arena.ofConfined()) {
            Mat x = random(arena, rows, cols, values, false, place, seed);
            Mat clean = x.copy(arena);
            switch (poison) {
                case NAN -> x.set(row, col, Float.NaN);
                case POSITIVE_INFINITY -> x.set(row, col, Float.POSITIVE_INFINITY);
                case ALL_NEGATIVE_INFINITY -> {
                    for (int j = 0; j < cols; j++) {
                        x.set(row, j, Float.NEGATIVE_INFINITY);
                    }
                }
            }
            apply(x, scale);
            apply(clean, scale);
            float expected = poison == Poison.ALL_NEGATIVE_INFINITY ? 0f : Float.NaN;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    float got = x.get(i, j), want = i == row ? expected : clean.get(i, j);
                    int ii = i, jj = j;
                    check(i == row ? Float.compare(got, want) == 0 : Gen.sameBits(got, want), () -> "p[" + ii + "]["
                            + jj + "] = " + got + ", expected " + want + (ii == row ? " (the " + poison + " row)"
                            : " (as without the " + poison + " row " + row + ")"));
                }
            }
        }
    }

    /**
     * softmax(scale s, x) = softmax(1, s x). For s a power of two s x is exact and both compute the same
     * fl(s x - s max): bit for bit. Otherwise fl(s x) moves t_j by D_j = U (|s x_j| + |s max|), so the two
     * results differ by at most both kernels' bounds plus (D_j + sum_k ref_k D_k) ref_j.
     */
    @Property(tries = 150)
    void scaleFoldsIntoTheInput(@ForAll(supplier = Gen.Rows.class) int rows, @ForAll(supplier = Gen.Dim.class) int cols,
                                @ForAll("scales") float scale, @ForAll Values values, @ForAll boolean masked,
                                @ForAll(supplier = Place.Any.class) Place place, @ForAll long seed) {
        boolean exact = (Float.floatToRawIntBits(scale) & 0x7fffff) == 0; // a power of two
        try (Arena arena = Arena.ofConfined()) {
            Mat x = random(arena, rows, cols, values, masked, place, seed);
            Mat before = x.copy(arena);
            Mat folded = x.copy(arena);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    folded.set(i, j, scale * x.get(i, j));
                }
            }
            apply(x, scale);
            apply(folded, 1f);
            for (int i = 0; i < rows; i++) {
                float[] row = before.row(i);
                double[] rel = relativeBounds(row, scale);
                double[] ref = reference(row, scale);
                float max = max(row);
                double weighted = 0;
                for (int j = 0; j < cols; j++) {
                    if (ref[j] > 0) {
                        weighted += ref[j] * U * (Math.abs((double) scale * row[j]) + Math.abs((double) scale * max));
                    }
                }
                for (int j = 0; j < cols; j++) {
                    float got = folded.get(i, j), want = x.get(i, j);
                    double d = ref[j] > 0 ? U * (Math.abs((double) scale * row[j]) + Math.abs((double) scale * max)) : 0;
                    double bound = (2 * rel[j] + d + weighted) * ref[j] * 1.01 + 2 * TINY;
                    int ii = i, jj = j;
                    check(exact ? Gen.sameBits(got, want) : Math.abs(got - want) <= bound, () -> "softmax(1, s x)["
                            + ii + "][" + jj + "] = " + got + ", softmax(s, x) = " + want
                            + (exact ? " (s a power of two: expected the same bits)" : ", beyond " + bound));
                }
            }
        }
    }

    /**
     * {@link Softmax#applyPadded} gives {@link Softmax#apply}'s bits on the live columns, whatever the scratch
     * past them holds (NaN, infinities, any bits), and writes nothing past a row's scratch.
     */
    @Property(tries = 200)
    void paddedRowsGiveTheBitsOfApply(@ForAll(supplier = Gen.Rows.class) int rows,
                                      @ForAll(supplier = Gen.Dim.class) int cols, @ForAll("scales") float scale,
                                      @ForAll Values values, @ForAll boolean masked,
                                      @ForAll @IntRange(max = 5) int extraLd, @ForAll long seed) {
        int width = Softmax.paddedCols(cols), ld = width + extraLd;
        check(width >= cols && width < cols + Lanes.N, () -> "paddedCols(" + cols + ") = " + width);
        Random r = new Random(seed ^ 0x5eed);
        try (Arena arena = Arena.ofConfined()) {
            Mat x = random(arena, rows, cols, values, masked, new Place(0, 0), seed);
            MemorySegment padded = arena.allocate((long) rows * ld * Float.BYTES);
            for (int i = 0; i < rows * ld; i++) {
                int bits = switch (r.nextInt(4)) {
                    case 0 -> Float.floatToRawIntBits(Float.NaN);
                    case 1 -> Float.floatToRawIntBits(r.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY);
                    default -> r.nextInt();
                };
                padded.setAtIndex(ValueLayout.JAVA_INT, i, bits);
            }
            for (int i = 0; i < rows; i++) {
                MemorySegment.copy(x.row(i), 0, padded, ValueLayout.JAVA_FLOAT, (long) i * ld * Float.BYTES, cols);
            }
            MemorySegment before = arena.allocate(padded.byteSize()).copyFrom(padded);
            apply(x, scale);
            Softmax.applyPadded(rows, cols, scale, padded, 0, ld);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < ld; j++) {
                    long at = (long) i * ld + j;
                    int ii = i, jj = j;
                    if (j < cols) {
                        float got = padded.getAtIndex(ValueLayout.JAVA_FLOAT, at), want = x.get(i, j);
                        check(Gen.sameBits(got, want), () -> "padded p[" + ii + "][" + jj + "] = " + got
                                + ", apply gave " + want);
                    } else if (j >= width) {
                        check(padded.getAtIndex(ValueLayout.JAVA_INT, at) == before.getAtIndex(ValueLayout.JAVA_INT, at),
                                () -> "float " + jj + " of row " + ii + ", past the scratch (width " + width
                                        + "), was written");
                    }
                }
            }
        }
    }

    private static void apply(Mat x, float scale) {
        Softmax.apply(x.rows, x.cols, scale, x.seg, x.off, x.ld);
    }

    /** Random rows; masked: each entry -inf with probability 1/4 (attention masks). */
    private static Mat random(Arena arena, int rows, int cols, Values values, boolean masked, Place place, long seed) {
        Random r = new Random(seed);
        Mat x = Mat.allocate(arena, rows, cols, place).fill(values, r);
        if (masked) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    if (r.nextInt(4) == 0) {
                        x.set(i, j, Float.NEGATIVE_INFINITY);
                    }
                }
            }
        }
        return x;
    }

    private static float max(float[] row) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        return max;
    }

    /** The exact softmax of a finite-or-(-inf) row, in double. */
    private static double[] reference(float[] row, float scale) {
        float max = max(row);
        double[] p = new double[row.length];
        if (max == Float.NEGATIVE_INFINITY) {
            return p;
        }
        double sum = 0;
        for (int j = 0; j < row.length; j++) {
            p[j] = Math.exp((double) scale * row[j] - (double) scale * max);
            sum += p[j];
        }
        for (int j = 0; j < row.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    /** The relative bound of the class comment for each element of a row. */
    private static double[] relativeBounds(float[] row, float scale) {
        double[] p = reference(row, scale);
        float max = max(row);
        double[] t = new double[row.length];
        double w = 0;
        for (int j = 0; j < row.length; j++) {
            t[j] = (double) scale * row[j] - (double) scale * max;
            if (p[j] > 0) {
                w += p[j] * Math.abs(t[j]);
            }
        }
        double common = 2 * EXP_ERROR + U * w + (Gen.sumDepth(row.length) + 4) * U;
        double[] rel = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            rel[j] = p[j] > 0 ? common + U * Math.abs(t[j]) : 0;
        }
        return rel;
    }
}
