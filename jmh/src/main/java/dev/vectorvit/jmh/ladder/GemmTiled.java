package dev.vectorvit.jmh.ladder;

import static dev.vectorvit.jmh.ladder.GemmVector.F;
import static dev.vectorvit.jmh.ladder.GemmVector.NATIVE;
import static dev.vectorvit.jmh.ladder.GemmVector.S;
import static dev.vectorvit.jmh.ladder.GemmVector.V;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Rung 3: register tiling. Rung 2 kept its running sums in memory; here a tile of C of MR = 6 rows by
 * NR = 2 vectors (6 x 32 floats with AVX-512) stays in 12 vector registers for the whole k loop and is
 * stored once at the end. Each k step loads two vectors of B and six scalars of A and issues 12
 * independent FMAs: 12 FMAs for 8 loads instead of 1 FMA for 2 loads and a store, and 12 independent
 * chains, enough to hide the FMA latency (4 cycles x 2 pipes = 8 FMAs in flight).
 *
 * <p>Why 6 x 2 and not bigger: 12 accumulators + 2 B vectors + 1 broadcast fit AVX2's 16 registers and
 * leave C2 room in AVX-512's 32. A 6 x 3 tile (18 accumulators) should fit AVX-512 too, but C2 compiles
 * it into a kernel several times slower (TooManyAccumulatorsBench measures it).
 *
 * <p>What still limits it: A and B are read where they lie. The six A rows are six streams k floats
 * apart, and each k step of B jumps a whole row of B (n floats): the 2 vectors used per step sit on a
 * new pair of cache lines and, for a wide B, a new page. Rung 4 fixes the layout. Columns are walked in
 * the outer loop so that one column panel of B (k x NR) is reused by every row tile while it is in L2.
 * The m % MR rows left at the bottom go through rung 2's loop; n must be a multiple of NR.
 */
final class GemmTiled implements GemmRung {
    static final int MR = 6;
    static final int NR = 2 * V;
    private static final long VB = (long) V * Float.BYTES;
    private final int m, n, k;

    GemmTiled(int m, int n, int k) {
        if (n % NR != 0) {
            throw new IllegalArgumentException("n = " + n + " must be a multiple of " + NR);
        }
        this.m = m;
        this.n = n;
        this.k = k;
    }

    @Override
    public void multiply(MemorySegment a, MemorySegment b, MemorySegment c) {
        int fullRows = m / MR * MR;
        long lda = (long) k * Float.BYTES, ldb = (long) n * Float.BYTES, ldc = ldb;
        for (int j0 = 0; j0 < n; j0 += NR) {
            for (int i0 = 0; i0 < fullRows; i0 += MR) {
                tile(k, a, i0 * lda, lda, b, (long) j0 * Float.BYTES, ldb, c, i0 * ldc + (long) j0 * Float.BYTES, ldc, false);
            }
        }
        GemmVector.rows(fullRows, m, n, k, a, b, c);
    }

    /**
     * The micro-kernel: C[MR x NR] = (C if loadC, else 0) + A[MR x kc] B[kc x NR]. Offsets and strides are
     * in bytes: row r of the A block starts at aOff + r lda, row p of the B block at bOff + p ldb. Rungs 4
     * and 5 call it unchanged on packed copies (lda = kc floats, ldb = NR floats). It takes and returns no
     * vectors: a vector crossing a call that C2 does not inline is boxed, and then every FMA is Java code.
     */
    static void tile(int kc, MemorySegment a, long aOff, long lda, MemorySegment b, long bOff, long ldb,
                     MemorySegment c, long cOff, long ldc, boolean loadC) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (loadC) {
            c00 = FloatVector.fromMemorySegment(S, c, cOff, NATIVE);
            c01 = FloatVector.fromMemorySegment(S, c, cOff + VB, NATIVE);
            c10 = FloatVector.fromMemorySegment(S, c, cOff + ldc, NATIVE);
            c11 = FloatVector.fromMemorySegment(S, c, cOff + ldc + VB, NATIVE);
            c20 = FloatVector.fromMemorySegment(S, c, cOff + 2 * ldc, NATIVE);
            c21 = FloatVector.fromMemorySegment(S, c, cOff + 2 * ldc + VB, NATIVE);
            c30 = FloatVector.fromMemorySegment(S, c, cOff + 3 * ldc, NATIVE);
            c31 = FloatVector.fromMemorySegment(S, c, cOff + 3 * ldc + VB, NATIVE);
            c40 = FloatVector.fromMemorySegment(S, c, cOff + 4 * ldc, NATIVE);
            c41 = FloatVector.fromMemorySegment(S, c, cOff + 4 * ldc + VB, NATIVE);
            c50 = FloatVector.fromMemorySegment(S, c, cOff + 5 * ldc, NATIVE);
            c51 = FloatVector.fromMemorySegment(S, c, cOff + 5 * ldc + VB, NATIVE);
        } else {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        }
        for (int p = 0; p < kc; p++) {
            long bo = bOff + p * ldb;
            long ao = aOff + (long) p * Float.BYTES;
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bo, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bo + VB, NATIVE);
            FloatVector ai = FloatVector.broadcast(S, a.get(F, ao));
            c00 = ai.fma(b0, c00);
            c01 = ai.fma(b1, c01);
            ai = FloatVector.broadcast(S, a.get(F, ao + lda));
            c10 = ai.fma(b0, c10);
            c11 = ai.fma(b1, c11);
            ai = FloatVector.broadcast(S, a.get(F, ao + 2 * lda));
            c20 = ai.fma(b0, c20);
            c21 = ai.fma(b1, c21);
            ai = FloatVector.broadcast(S, a.get(F, ao + 3 * lda));
            c30 = ai.fma(b0, c30);
            c31 = ai.fma(b1, c31);
            ai = FloatVector.broadcast(S, a.get(F, ao + 4 * lda));
            c40 = ai.fma(b0, c40);
            c41 = ai.fma(b1, c41);
            ai = FloatVector.broadcast(S, a.get(F, ao + 5 * lda));
            c50 = ai.fma(b0, c50);
            c51 = ai.fma(b1, c51);
        }
        c00.intoMemorySegment(c, cOff, NATIVE);
        c01.intoMemorySegment(c, cOff + VB, NATIVE);
        c10.intoMemorySegment(c, cOff + ldc, NATIVE);
        c11.intoMemorySegment(c, cOff + ldc + VB, NATIVE);
        c20.intoMemorySegment(c, cOff + 2 * ldc, NATIVE);
        c21.intoMemorySegment(c, cOff + 2 * ldc + VB, NATIVE);
        c30.intoMemorySegment(c, cOff + 3 * ldc, NATIVE);
        c31.intoMemorySegment(c, cOff + 3 * ldc + VB, NATIVE);
        c40.intoMemorySegment(c, cOff + 4 * ldc, NATIVE);
        c41.intoMemorySegment(c, cOff + 4 * ldc + VB, NATIVE);
        c50.intoMemorySegment(c, cOff + 5 * ldc, NATIVE);
        c51.intoMemorySegment(c, cOff + 5 * ldc + VB, NATIVE);
    }
}
