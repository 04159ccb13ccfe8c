package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax of scale * x along each row, in place: the row max (so exp never overflows), e = exp(scale x -
 * scale max) stored back and summed, then e / sum; where a row ends mid-vector with no scratch after it,
 * the sum is a pass of its own. The exponential is {@link VMath#exp}, a polynomial of FMAs. Scale must be
 * positive, so max(scale x) = scale max(x).
 */
final class VecSoftmax {
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int V = S.length();

    private VecSoftmax() {}

    /** Rows of {@code cols} floats, each with scratch up to {@code width} ({@link Softmax#applyPadded}; else cols). */
    static void apply(int rows, int cols, int width, float scale, MemorySegment x, long xOff, int ldx) {
        // The exponential in whole vectors up to here (into the scratch when it holds the last partial vector);
        // the scalar twin takes the rest.
        int bound = S.loopBound(cols), whole = width - bound >= V ? bound + V : bound;
        // Where the whole vectors cover the row (scratch past it, or cols a multiple of V), the scratch lanes
        // are set to -inf first: their exponential is +0, so the sum accumulates in the exponential's loop
        // with no mask, the same lanes and order and so the same bits as a pass over the live lanes alone.
        boolean inLoop = whole >= cols;
        VectorMask<Float> scratch = S.indexInRange(bound, cols).not();
        long xb = xOff * Float.BYTES, step = (long) ldx * Float.BYTES, last = (long) bound * Float.BYTES;
        float max = rows > 0 ? max(cols, x, xb) : 0f;
        for (int r = 0; r < rows; r++, xb += step) {
            if (Float.isNaN(max) || max == Float.POSITIVE_INFINITY || max == Float.NEGATIVE_INFINITY) {
                ScalarKernels.fill(x, xb / Float.BYTES, cols, max == Float.NEGATIVE_INFINITY ? 0f : Float.NaN);
                max = r + 1 < rows ? max(cols, x, xb + step) : 0f;
                continue;
            }
            float sum;
            if (inLoop) {
                if (whole > cols) {
                    FloatVector.broadcast(S, Float.NEGATIVE_INFINITY).intoMemorySegment(x, xb + last, NATIVE, scratch);
                }
                sum = expSum(whole, x, xb, scale, -scale * max);
            } else {
                exp(whole, cols, x, xb, scale, -scale * max);
                sum = VecElementWise.sum(cols, x, xb, 0f, false);
            }
            // The next row's max between this row's sum and its scaling: independent work while the sum's
            // lane reduction completes (each pass is short, so a row's passes otherwise wait on each other).
            max = r + 1 < rows ? max(cols, x, xb + step) : 0f;
            VecElementWise.scale(1, inLoop ? whole : cols, 1f / sum, x, xb / Float.BYTES, cols);
        }
    }

    /**
     * x = exp(scale x + shift) in place on {@code whole} floats (whole vectors), returning their sum in V lanes
     * reduced as {@link VecElementWise#sum} reduces them. Without the sum's own pass, 12 heads of 197 x 197
     * took 0.96x the time (one JVM, the two taking turns).
     */
    private static float expSum(int whole, MemorySegment x, long xb, float scale, float shift) {
        FloatVector vScale = FloatVector.broadcast(S, scale);
        FloatVector vShift = FloatVector.broadcast(S, shift);
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < whole; j += V) {
            long o = xb + (long) j * Float.BYTES;
            FloatVector e = VMath.exp(FloatVector.fromMemorySegment(S, x, o, NATIVE).fma(vScale, vShift));
            e.intoMemorySegment(x, o, NATIVE);
            acc = acc.add(e);
        }
        return Lanes.sum(acc);
    }

    /**
     * The row max, NaN if the row holds one. The max is a compare and blend per step, and NaN is tracked
     * in a mask: FloatVector.max follows Math.max's NaN and -0 rules, which C2 emulates slowly on x86.
     * Two accumulators, because one is a chain of compare and blend whose latency bounds the loop (1.1x
     * on rows of 577). The max is the same whichever order finds it.
     */
    private static float max(int n, MemorySegment x, long xb) {
        FloatVector mx0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), mx1 = mx0;
        VectorMask<Float> nan0 = S.maskAll(false), nan1 = nan0;
        int j = 0;
        for (; j + 2 * V <= n; j += 2 * V) {
            FloatVector v0 = FloatVector.fromMemorySegment(S, x, xb + (long) j * Float.BYTES, NATIVE);
            FloatVector v1 = FloatVector.fromMemorySegment(S, x, xb + (long) (j + V) * Float.BYTES, NATIVE);
            mx0 = mx0.blend(v0, v0.compare(VectorOperators.GT, mx0));
            mx1 = mx1.blend(v1, v1.compare(VectorOperators.GT, mx1));
            nan0 = nan0.or(v0.test(VectorOperators.IS_NAN));
            nan1 = nan1.or(v1.test(VectorOperators.IS_NAN));
        }
        if (j < n) { // one more vector, whole or masked
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromMemorySegment(S, x, xb + (long) j * Float.BYTES, NATIVE, m);
            mx0 = mx0.blend(v, v.compare(VectorOperators.GT, mx0).and(m));
            nan0 = nan0.or(v.test(VectorOperators.IS_NAN).and(m));
            j += V;
        }
        if (j < n) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector v = FloatVector.fromMemorySegment(S, x, xb + (long) j * Float.BYTES, NATIVE, m);
            mx1 = mx1.blend(v, v.compare(VectorOperators.GT, mx1).and(m));
            nan1 = nan1.or(v.test(VectorOperators.IS_NAN).and(m));
        }
        mx0 = mx0.blend(mx1, mx1.compare(VectorOperators.GT, mx0));
        return nan0.or(nan1).anyTrue() ? Float.NaN : mx0.reduceLanes(VectorOperators.MAX);
    }

    /**
     * x = exp(scale x + shift) in place: whole vectors up to {@code whole} (a multiple of V, past n where the
     * row has scratch there), then the elements from there to n through {@link VMath#expLane}, the same
     * bits as a vector lane. Not a masked step: masked loads and stores in
     * every step made the loop 1.5x slower, and a second vector call site of exp for the tail was not
     * inlined by C2 and boxed its vectors. The caller sums in a pass of its own ({@link #expSum} where
     * whole vectors cover the row).
     */
    private static void exp(int whole, int n, MemorySegment x, long xb, float scale, float shift) {
        FloatVector vScale = FloatVector.broadcast(S, scale);
        FloatVector vShift = FloatVector.broadcast(S, shift);
        for (int j = 0; j < whole; j += V) {
            long o = xb + (long) j * Float.BYTES;
            VMath.exp(FloatVector.fromMemorySegment(S, x, o, NATIVE).fma(vScale, vShift)).intoMemorySegment(x, o, NATIVE);
        }
        for (int j = whole; j < n; j++) {
            long o = xb + (long) j * Float.BYTES;
            x.set(ValueLayout.JAVA_FLOAT, o, VMath.expLane(Math.fma(x.get(ValueLayout.JAVA_FLOAT, o), scale, shift)));
        }
    }
}
