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
        boolean loadC = !first || beta != 0;
        float scale = first ? beta : 1f;
        VectorMask<Float> m0 = S.indexInRange(0, nr);
        VectorMask<Float> m1 = S.indexInRange(V, nr);
        FloatVector bias0 = FloatVector.zero(S);
        FloatVector bias1 = bias0;
        if (first && bias != null) {
            bias0 = FloatVector.fromMemorySegment(S, bias, biasOff, NATIVE, m0);
            bias1 = FloatVector.fromMemorySegment(S, bias, biasOff + VB, NATIVE, m1);
        }
        FloatVector c00 = start(c, cOff, mr > 0 && loadC, scale, bias0, m0);
        FloatVector c01 = start(c, cOff + VB, mr > 0 && loadC, scale, bias1, m1);
        FloatVector c10 = start(c, cOff + ldc, mr > 1 && loadC, scale, bias0, m0);
        FloatVector c11 = start(c, cOff + ldc + VB, mr > 1 && loadC, scale, bias1, m1);
        FloatVector c20 = start(c, cOff + 2 * ldc, mr > 2 && loadC, scale, bias0, m0);
        FloatVector c21 = start(c, cOff + 2 * ldc + VB, mr > 2 && loadC, scale, bias1, m1);
        FloatVector c30 = start(c, cOff + 3 * ldc, mr > 3 && loadC, scale, bias0, m0);
        FloatVector c31 = start(c, cOff + 3 * ldc + VB, mr > 3 && loadC, scale, bias1, m1);
        FloatVector c40 = start(c, cOff + 4 * ldc, mr > 4 && loadC, scale, bias0, m0);
        FloatVector c41 = start(c, cOff + 4 * ldc + VB, mr > 4 && loadC, scale, bias1, m1);
        FloatVector c50 = start(c, cOff + 5 * ldc, mr > 5 && loadC, scale, bias0, m0);
        FloatVector c51 = start(c, cOff + 5 * ldc + VB, mr > 5 && loadC, scale, bias1, m1);

        long rs = (long) kc * Float.BYTES;
        long bEnd = bOff + rs * NR;
        for (; bOff < bEnd; bOff += NR * Float.BYTES, aOff += Float.BYTES) {
            FloatVector b0 = FloatVector.fromMemorySegment(S, bp, bOff, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, bp, bOff + VB, NATIVE);
            FloatVector a = FloatVector.broadcast(S, ap.get(F, aOff));
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap.get(F, aOff + rs));
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap.get(F, aOff + 2 * rs));
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap.get(F, aOff + 3 * rs));
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap.get(F, aOff + 4 * rs));
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap.get(F, aOff + 5 * rs));
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }

        Activation out = last ? act : Activation.NONE;
        store(c, cOff, 0 < mr, c00, c01, m0, m1, nr, out);
        store(c, cOff + ldc, 1 < mr, c10, c11, m0, m1, nr, out);
        store(c, cOff + 2 * ldc, 2 < mr, c20, c21, m0, m1, nr, out);
        store(c, cOff + 3 * ldc, 3 < mr, c30, c31, m0, m1, nr, out);
        store(c, cOff + 4 * ldc, 4 < mr, c40, c41, m0, m1, nr, out);
        store(c, cOff + 5 * ldc, 5 < mr, c50, c51, m0, m1, nr, out);
    }

    private static FloatVector start(MemorySegment c, long off, boolean load, float scale,
                                     FloatVector bias, VectorMask<Float> m) {
        if (!load) {
            return bias;
        }
        FloatVector v = FloatVector.fromMemorySegment(S, c, off, NATIVE, m);
        return (scale == 1f ? v : v.mul(scale)).add(bias);
    }

    private static void store(MemorySegment c, long off, boolean valid, FloatVector v0, FloatVector v1,
                              VectorMask<Float> m0, VectorMask<Float> m1, int nr, Activation act) {
        if (!valid) {
            return;
        }
        v0 = apply(v0, act);
        v1 = apply(v1, act);
        if (nr == NR) {
            v0.intoMemorySegment(c, off, NATIVE);
            v1.intoMemorySegment(c, off + VB, NATIVE);
        } else {
            v0.intoMemorySegment(c, off, NATIVE, m0);
            v1.intoMemorySegment(c, off + VB, NATIVE, m1);
        }
    }

    static FloatVector apply(FloatVector v, Activation act) {
        return switch (act) {
            case NONE -> v;
            case GELU_ERF -> VMath.geluErf(v);
            case GELU_TANH -> VMath.geluTanh(v);
        };
    }
}
