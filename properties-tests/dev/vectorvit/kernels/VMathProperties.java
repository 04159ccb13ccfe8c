package dev.vectorvit.kernels;

import static dev.vectorvit.kernels.Gen.check;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;

/**
 * The vector elementary functions against double precision, at the bounds VMath documents: exp relative
 * error below 4e-7 on [-87, 88] and exactly 0 below -87.34; erf and tanh absolute error below 1e-6
 * everywhere; and the two GELUs and quick_gelu within ElementWise's 2e-6 max(1, |x|). Each is checked at random points and
 * on a dense sweep of 2^20 evenly spaced floats. exp's scalar twin, {@code expLane}, gives a lane's bits.
 */
final class VMathProperties {
    private static final double EXP_ERROR = 4e-7;
    private static final double ERF_ERROR = 1e-6;
    private static final double TANH_ERROR = 1e-6;
    private static final double GELU_ERROR = 2e-6;
    private static final int SWEEP = 1 << 20;

    /** Everything else here tests the vector path: it must be the one in use. */
    @Example
    void vectorPathIsEnabled() {
        check(Simd.enabled(), () -> "jdk.incubator.vector is not enabled: the properties would test the scalar path");
        check(Simd.describe().startsWith("SIMD"), Simd::describe);
    }

    @Property(tries = 2000)
    void expRelativeError(@ForAll @FloatRange(min = -87f, max = 88f) float x) {
        checkRelative("exp", VMath::exp, Math::exp, x, EXP_ERROR);
    }

    @Example
    void expRelativeErrorSweep() {
        sweep(-87f, 88f, x -> checkRelative("exp", VMath::exp, Math::exp, x, EXP_ERROR));
    }

    @Property(tries = 500)
    void expIsZeroBelowCutoff(@ForAll @FloatRange(min = -1e30f, max = -87.34f) float x) {
        for (float v : new float[] {x, Float.NEGATIVE_INFINITY, -87.34f}) {
            float got = eval(VMath::exp, v);
            check(Gen.sameBits(got, 0f), () -> "exp(" + v + ") = " + got + ", expected 0");
        }
    }

    /** The scalar twin that finishes a row past its last whole vector gives a lane's bits, for every float. */
    @Property(tries = 3000)
    void expLaneIsALaneOfExp(@ForAll float x) {
        checkLane(x);
    }

    @Example
    void expLaneIsALaneOfExpSweepAndEdges() {
        sweep(-100f, 100f, VMathProperties::checkLane);
        for (float x : new float[] {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -0f, 0f,
                Float.MIN_VALUE, -Float.MIN_VALUE, -87.33654f, Math.nextDown(-87.33654f), 88f, Math.nextUp(88f),
                Float.MAX_VALUE, -Float.MAX_VALUE}) {
            checkLane(x);
        }
    }

    private static void checkLane(float x) {
        float lane = eval(VMath::exp, x), scalar = VMath.expLane(x);
        check(Gen.sameBits(lane, scalar), () -> "expLane(" + x + ") = " + scalar + ", a lane of exp gives " + lane);
    }

    @Property(tries = 2000)
    void erfAbsoluteError(@ForAll @FloatRange(min = -10f, max = 10f) float x) {
        checkAbsolute("erf", VMath::erf, ScalarKernels::erf, x, ERF_ERROR);
    }

    @Example
    void erfAbsoluteErrorSweep() {
        sweep(-8f, 8f, x -> checkAbsolute("erf", VMath::erf, ScalarKernels::erf, x, ERF_ERROR));
        for (float x : new float[] {Float.NEGATIVE_INFINITY, -1e30f, -4f, 4f, 1e30f, Float.POSITIVE_INFINITY}) {
            checkAbsolute("erf", VMath::erf, ScalarKernels::erf, x, ERF_ERROR);
        }
    }

    @Property(tries = 1000)
    void tanhAbsoluteError(@ForAll @FloatRange(min = -50f, max = 50f) float x) {
        checkAbsolute("tanh", VMath::tanh, Math::tanh, x, TANH_ERROR);
    }

    @Example
    void tanhAbsoluteErrorSweep() {
        sweep(-20f, 20f, x -> checkAbsolute("tanh", VMath::tanh, Math::tanh, x, TANH_ERROR));
    }

    @Example
    void geluSweepsWithinDocumentedBound() {
        sweep(-30f, 30f, VMathProperties::checkActivations);
    }

    /** Far out too: quick_gelu's exp saturates below x = -51.7, the GELUs' erf and tanh at a few units. */
    @Property(tries = 2000)
    void activationsWithinDocumentedBound(@ForAll @FloatRange(min = -1e30f, max = 1e30f) float x) {
        checkActivations(x);
    }

    private static void checkActivations(float x) {
        float scale = (float) Math.max(1, Math.abs(x));
        checkAbsolute("geluErf", VMath::geluErf, ScalarKernels::geluErf, x, GELU_ERROR * scale);
        checkAbsolute("geluTanh", VMath::geluTanh, ScalarKernels::geluTanh, x, GELU_ERROR * scale);
        checkAbsolute("quickGelu", VMath::quickGelu, ScalarKernels::quickGelu, x, GELU_ERROR * scale);
    }

    private interface FloatCheck {
        void at(float x);
    }

    /** Runs the check at SWEEP evenly spaced floats of [lo, hi]. */
    private static void sweep(float lo, float hi, FloatCheck c) {
        for (int i = 0; i <= SWEEP; i++) {
            c.at((float) (lo + (hi - lo) * ((double) i / SWEEP)));
        }
    }

    /** f at x, computed on a vector holding x in every lane. */
    private static float eval(UnaryOperator<FloatVector> f, float x) {
        return f.apply(FloatVector.broadcast(Lanes.F, x)).lane(0);
    }

    private static void checkRelative(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator ref, float x,
                                      double bound) {
        float got = eval(f, x);
        double want = ref.applyAsDouble(x);
        double rel = Math.abs(got - want) / want;
        check(rel < bound, () -> name + "(" + x + ") = " + got + ", reference " + want + ": relative error " + rel
                + " >= " + bound);
    }

    private static void checkAbsolute(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator ref, float x,
                                      double bound) {
        float got = eval(f, x);
        double want = ref.applyAsDouble(x);
        check(Math.abs(got - want) < bound, () -> name + "(" + x + ") = " + got + ", reference " + want
                + ": error " + Math.abs(got - want) + " >= " + bound);
    }
}
