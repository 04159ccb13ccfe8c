package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM micro-kernel: one MR x NR tile of C (6 rows x 2 vectors) held in 12 vector registers while
 * it walks the packed panels along k. Each step loads two vectors of the B panel, broadcasts one
 * scalar from each of the six row strips of the A panel and issues 12 independent FMAs: an outer
 * product, no lane reductions.
 * 12 accumulators + 2 B + 1 A fit the 16 registers of AVX2 and leave C2 room on AVX-512; a 6x3 tile
 * (18 accumulators) makes C2 spill vectors to the heap and runs ten times slower.
 * Every C element is one FMA chain in k order, whatever the tile, thread or block it falls in, which
 * is what makes results bitwise independent of thread count and blocking.
 */
final class MicroKernel {
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final int V = S.length();
    private static final long VB = (long) V * Float.BYTES;
    private static final VectorMask<Float> ALL = S.maskAll(true);

    /** Rows of the register tile. */
    static final int MR = 6;
    /** Columns of the register tile, in floats (two vectors). */
    static final int NR = 2 * V;

    private MicroKernel() {}

    /**
     * C tile = act(C tile + A panel x B panel), with the start value of the tile being beta C + bias on
     * the first k block and C itself on later ones. Only the {@code mr x nr} corner is read or written.
     *
     * @param kc    depth of this k block
     * @param ap    packed A panel, MR row strips of kc floats each, from byte {@code aOff}
     * @param bp    packed B panel, kc steps of NR floats, from byte {@code bOff}
     * @param cOff  byte offset of the tile's top-left element in {@code c}; {@code ldc} in bytes
     */
    static void tile(int kc, MemorySegment ap, long aOff, MemorySegment bp, long bOff,
                     MemorySegment c, long cOff, long ldc, int mr, int nr,
                     boolean first, float beta, MemorySegment bias, long biasOff, boolean last, Activation act) {
        VectorMask<Float> m0 = nr >= V ? ALL : VectorMask.fromLong(S, (1L << nr) - 1);
        VectorMask<Float> m1 = nr >= NR ? ALL : VectorMask.fromLong(S, nr <= V ? 0 : (1L << (nr - V)) - 1);
        // Start value: 0, C, beta C, plus the bias row on the first k block. Rows past mr stay 0.
        float scale = first ? beta : 1f;
        FloatVector bias0 = FloatVector.zero(S);
        FloatVector bias1 = bias0;
        if (first && bias != null) {
            bias0 = load(bias, biasOff, m0);
            bias1 = load(bias, biasOff + VB, m1);
        }
        FloatVector c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1;
        FloatVector c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1;
        if (scale != 0f) {
            // Later k blocks reload C as it is: adding a zero vector there would turn -0 into +0 and
            // make the sign of a zero result depend on KC.
            boolean addBias = first && bias != null;
            c00 = start(c, cOff, m0, scale, addBias, bias0);
            c01 = start(c, cOff + VB, m1, scale, addBias, bias1);
            if (mr > 1) {
                c10 = start(c, cOff + ldc, m0, scale, addBias, bias0);
                c11 = start(c, cOff + ldc + VB, m1, scale, addBias, bias1);
            }
            if (mr > 2) {
                c20 = start(c, cOff + 2 * ldc, m0, scale, addBias, bias0);
                c21 = start(c, cOff + 2 * ldc + VB, m1, scale, addBias, bias1);
            }
            if (mr > 3) {
                c30 = start(c, cOff + 3 * ldc, m0, scale, addBias, bias0);
                c31 = start(c, cOff + 3 * ldc + VB, m1, scale, addBias, bias1);
            }
            if (mr > 4) {
                c40 = start(c, cOff + 4 * ldc, m0, scale, addBias, bias0);
                c41 = start(c, cOff + 4 * ldc + VB, m1, scale, addBias, bias1);
            }
            if (mr > 5) {
                c50 = start(c, cOff + 5 * ldc, m0, scale, addBias, bias0);
                c51 = start(c, cOff + 5 * ldc + VB, m1, scale, addBias, bias1);
            }
        }

        // An int-counted loop: C2 unrolls it and keeps all 12 accumulators in registers.
        long rs = (long) kc * Float.BYTES;
        for (int p = 0; p < kc; p++) {
            long bo = bOff + (long) p * (NR * Float.BYTES);
            long ao = aOff + (long) p * Float.BYTES;
            FloatVector b0 = FloatVector.fromMemorySegment(S, bp, bo, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, bp, bo + VB, NATIVE);
            FloatVector a = FloatVector.broadcast(S, ap.get(F, ao));
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap.get(F, ao + rs));
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap.get(F, ao + 2 * rs));
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap.get(F, ao + 3 * rs));
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap.get(F, ao + 4 * rs));
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap.get(F, ao + 5 * rs));
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }

        put(c00, c, cOff, m0);
        put(c01, c, cOff + VB, m1);
        if (mr > 1) {
            put(c10, c, cOff + ldc, m0);
            put(c11, c, cOff + ldc + VB, m1);
        }
        if (mr > 2) {
            put(c20, c, cOff + 2 * ldc, m0);
            put(c21, c, cOff + 2 * ldc + VB, m1);
        }
        if (mr > 3) {
            put(c30, c, cOff + 3 * ldc, m0);
            put(c31, c, cOff + 3 * ldc + VB, m1);
        }
        if (mr > 4) {
            put(c40, c, cOff + 4 * ldc, m0);
            put(c41, c, cOff + 4 * ldc + VB, m1);
        }
        if (mr > 5) {
            put(c50, c, cOff + 5 * ldc, m0);
            put(c51, c, cOff + 5 * ldc + VB, m1);
        }
        if (last && act != Activation.NONE) {
            activate(c, cOff, ldc, mr, m0, m1, act);
        }
    }

    private static FloatVector load(MemorySegment s, long off, VectorMask<Float> m) {
        return m == ALL ? FloatVector.fromMemorySegment(S, s, off, NATIVE)
                : FloatVector.fromMemorySegment(S, s, off, NATIVE, m);
    }

    /** scale * C, plus the bias row if addBias. */
    private static FloatVector start(MemorySegment c, long off, VectorMask<Float> m, float scale, boolean addBias,
                                     FloatVector bias) {
        FloatVector v = load(c, off, m);
        if (scale != 1f) {
            v = v.mul(scale);
        }
        return addBias ? v.add(bias) : v;
    }

    private static void put(FloatVector v, MemorySegment c, long off, VectorMask<Float> m) {
        if (m == ALL) {
            v.intoMemorySegment(c, off, NATIVE);
        } else {
            v.intoMemorySegment(c, off, NATIVE, m);
        }
    }

    /** The epilogue's activation, on the finished tile while it is still in L1 (kept out of the FMA loop's method). */
    private static void activate(MemorySegment c, long cOff, long ldc, int mr, VectorMask<Float> m0,
                                 VectorMask<Float> m1, Activation act) {
        for (int i = 0; i < mr; i++) {
            long off = cOff + i * ldc;
            put(VMath.apply(load(c, off, m0), act), c, off, m0);
            put(VMath.apply(load(c, off + VB, m1), act), c, off + VB, m1);
        }
    }
}
