package dev.vectorvit.kernels;

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
 * The element-wise kernels: add, addBias and scale are one float operation per element, so they must
 * equal Java's float arithmetic bit for bit; the activations must stay within ElementWise's documented
 * bound |y - ref| <= 2e-6 max(1, |x|) of the double references {@link ScalarKernels#geluErf},
 * {@link ScalarKernels#geluTanh} and {@link ScalarKernels#quickGelu} (NONE copies the bits). Outputs may be their input (in place); padding
 * around every output stays untouched.
 */
final class ElementWiseProperties {
    /** ElementWise's documented activation bound, relative to max(1, |x|). */
    private static final double GELU_ERROR = 2e-6;

    @Provide
    Arbitrary<Float> alphas() {
        return Arbitraries.of(1f, -1f, 0f, -0f, 0.5f, 3.3f, 1e-30f, 3e35f);
    }

    @Property(tries = 150)
    void addIsFloatAddition(@ForAll(supplier = Gen.Rows.class) int rows, @ForAll(supplier = Gen.Dim.class) int cols,
                            @ForAll Values values, @ForAll boolean inPlace,
                            @ForAll(supplier = Place.Any.class) Place placeX,
                            @ForAll(supplier = Place.Any.class) Place placeY, @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            Mat y = Mat.allocate(arena, rows, cols, placeY).fill(values, r);
            Mat x = inPlace ? y : Mat.allocate(arena, rows, cols, placeX).fill(values, r);
            Mat x0 = x.copy(arena), y0 = y.copy(arena);
            ElementWise.add(rows, cols, x.seg, x.off, x.ld, y.seg, y.off, y.ld);
            y.assertOutsideUnchanged(y0.bits(), "y");
            expect(y, (i, j) -> y0.get(i, j) + x0.get(i, j), "y + x");
        }
    }

    @Property(tries = 150)
    void addBiasIsFloatAddition(@ForAll(supplier = Gen.Rows.class) int rows, @ForAll(supplier = Gen.Dim.class) int cols,
                                @ForAll Values values, @ForAll(supplier = Place.Any.class) Place placeY,
                                @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            Mat y = Mat.allocate(arena, rows, cols, placeY).fill(values, r);
            Mat bias = Mat.allocate(arena, 1, cols, new Place(0, placeY.pad())).fill(values, r);
            Mat y0 = y.copy(arena);
            ElementWise.addBias(rows, cols, bias.seg, bias.off, y.seg, y.off, y.ld);
            y.assertOutsideUnchanged(y0.bits(), "y");
            expect(y, (i, j) -> y0.get(i, j) + bias.get(0, j), "y + bias");
        }
    }

    @Property(tries = 150)
    void scaleIsFloatMultiplication(@ForAll(supplier = Gen.Rows.class) int rows,
                                    @ForAll(supplier = Gen.Dim.class) int cols, @ForAll("alphas") float alpha,
                                    @ForAll Values values, @ForAll(supplier = Place.Any.class) Place placeY,
                                    @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Mat y = Mat.allocate(arena, rows, cols, placeY).fill(values, new Random(seed));
            Mat y0 = y.copy(arena);
            ElementWise.scale(rows, cols, alpha, y.seg, y.off, y.ld);
            y.assertOutsideUnchanged(y0.bits(), "y");
            expect(y, (i, j) -> alpha * y0.get(i, j), "alpha y");
        }
    }

    @Property(tries = 200)
    void activationWithinDocumentedBound(@ForAll Activation act, @ForAll(supplier = Gen.Rows.class) int rows,
                                         @ForAll(supplier = Gen.Dim.class) int cols, @ForAll Values values,
                                         @ForAll boolean inPlace, @ForAll(supplier = Place.Any.class) Place placeX,
                                         @ForAll(supplier = Place.Any.class) Place placeY, @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Mat x = Mat.allocate(arena, rows, cols, placeX).fill(values, new Random(seed));
            Mat y = inPlace ? x : Mat.allocate(arena, rows, cols, placeY);
            Mat x0 = x.copy(arena);
            int[] before = y.bits();
            ElementWise.activate(act, rows, cols, x.seg, x.off, x.ld, y.seg, y.off, y.ld);
            y.assertOutsideUnchanged(before, "y");
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    float in = x0.get(i, j), got = y.get(i, j);
                    double want = ScalarKernels.activate(act, in);
                    double bound = act == Activation.NONE ? 0 : GELU_ERROR * Math.max(1, Math.abs(in));
                    check(act == Activation.NONE ? Gen.sameBits(got, in) : Math.abs(got - want) <= bound,
                            () -> act + "(" + in + ") = " + got + ", reference " + want + ": |difference| "
                                    + Math.abs(got - want) + " > " + bound);
                }
            }
        }
    }

    @FunctionalInterface
    private interface Expected {
        float at(int i, int j);
    }

    private static void expect(Mat y, Expected expected, String what) {
        for (int i = 0; i < y.rows; i++) {
            for (int j = 0; j < y.cols; j++) {
                float got = y.get(i, j), want = expected.at(i, j);
                int ii = i, jj = j;
                check(Gen.sameBits(got, want), () -> "[" + ii + "][" + jj + "] = " + got + ", float " + what + " = " + want);
            }
        }
    }
}
