package dev.vectorvit.jmh.ladder;

import static dev.vectorvit.jmh.ladder.GemmVector.F;
import static dev.vectorvit.jmh.ladder.GemmVector.NATIVE;
import static dev.vectorvit.jmh.ladder.GemmVector.S;
import static dev.vectorvit.jmh.ladder.GemmVector.V;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * An experiment that lost (TooManyAccumulatorsBench): {@link GemmTiled#tile} widened to 6 rows x 3
 * vectors, 18 accumulators + 3 B vectors + 1 broadcast = 22 live vectors. On paper it fits AVX-512's 32
 * registers and does 18 FMAs per 9 loads instead of 12 per 8; in practice it ran about 8 times slower
 * than the 6 x 2 one here, allocating next to nothing: not vectors boxed on the heap (the library's
 * experience on an earlier version) but the code C2 makes for 18 accumulators that enter the loop from
 * two paths (loaded from C or zero). Same contract as
 * {@link GemmTiled#tile}, with NR = 3 vectors.
 */
final class Tile6x3 {
    static final int NR = 3 * V;
    private static final long VB = (long) V * Float.BYTES;

    private Tile6x3() {}

    static void tile(int kc, MemorySegment a, long aOff, long lda, MemorySegment b, long bOff, long ldb,
                     MemorySegment c, long cOff, long ldc, boolean loadC) {
        FloatVector c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32, c40, c41, c42, c50, c51, c52;
        if (loadC) {
            c00 = FloatVector.fromMemorySegment(S, c, cOff, NATIVE);
            c01 = FloatVector.fromMemorySegment(S, c, cOff + VB, NATIVE);
            c02 = FloatVector.fromMemorySegment(S, c, cOff + 2 * VB, NATIVE);
            c10 = FloatVector.fromMemorySegment(S, c, cOff + ldc, NATIVE);
            c11 = FloatVector.fromMemorySegment(S, c, cOff + ldc + VB, NATIVE);
            c12 = FloatVector.fromMemorySegment(S, c, cOff + ldc + 2 * VB, NATIVE);
            c20 = FloatVector.fromMemorySegment(S, c, cOff + 2 * ldc, NATIVE);
            c21 = FloatVector.fromMemorySegment(S, c, cOff + 2 * ldc + VB, NATIVE);
            c22 = FloatVector.fromMemorySegment(S, c, cOff + 2 * ldc + 2 * VB, NATIVE);
            c30 = FloatVector.fromMemorySegment(S, c, cOff + 3 * ldc, NATIVE);
            c31 = FloatVector.fromMemorySegment(S, c, cOff + 3 * ldc + VB, NATIVE);
            c32 = FloatVector.fromMemorySegment(S, c, cOff + 3 * ldc + 2 * VB, NATIVE);
            c40 = FloatVector.fromMemorySegment(S, c, cOff + 4 * ldc, NATIVE);
            c41 = FloatVector.fromMemorySegment(S, c, cOff + 4 * ldc + VB, NATIVE);
            c42 = FloatVector.fromMemorySegment(S, c, cOff + 4 * ldc + 2 * VB, NATIVE);
            c50 = FloatVector.fromMemorySegment(S, c, cOff + 5 * ldc, NATIVE);
            c51 = FloatVector.fromMemorySegment(S, c, cOff + 5 * ldc + VB, NATIVE);
            c52 = FloatVector.fromMemorySegment(S, c, cOff + 5 * ldc + 2 * VB, NATIVE);
        } else {
            c00 = c01 = c02 = c10 = c11 = c12 = c20 = c21 = c22 = c30 = c31 = c32 = c40 = c41 = c42 = c50 = c51 = c52 = FloatVector.zero(S);
        }
        for (int p = 0; p < kc; p++) {
            long bo = bOff + p * ldb;
            long ao = aOff + (long) p * Float.BYTES;
            FloatVector b0 = FloatVector.fromMemorySegment(S, b, bo, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, b, bo + VB, NATIVE);
            FloatVector b2 = FloatVector.fromMemorySegment(S, b, bo + 2 * VB, NATIVE);
            FloatVector ai = FloatVector.broadcast(S, a.get(F, ao));
            c00 = ai.fma(b0, c00);
            c01 = ai.fma(b1, c01);
            c02 = ai.fma(b2, c02);
            ai = FloatVector.broadcast(S, a.get(F, ao + lda));
            c10 = ai.fma(b0, c10);
            c11 = ai.fma(b1, c11);
            c12 = ai.fma(b2, c12);
            ai = FloatVector.broadcast(S, a.get(F, ao + 2 * lda));
            c20 = ai.fma(b0, c20);
            c21 = ai.fma(b1, c21);
            c22 = ai.fma(b2, c22);
            ai = FloatVector.broadcast(S, a.get(F, ao + 3 * lda));
            c30 = ai.fma(b0, c30);
            c31 = ai.fma(b1, c31);
            c32 = ai.fma(b2, c32);
            ai = FloatVector.broadcast(S, a.get(F, ao + 4 * lda));
            c40 = ai.fma(b0, c40);
            c41 = ai.fma(b1, c41);
            c42 = ai.fma(b2, c42);
            ai = FloatVector.broadcast(S, a.get(F, ao + 5 * lda));
            c50 = ai.fma(b0, c50);
            c51 = ai.fma(b1, c51);
            c52 = ai.fma(b2, c52);
        }
        c00.intoMemorySegment(c, cOff, NATIVE);
        c01.intoMemorySegment(c, cOff + VB, NATIVE);
        c02.intoMemorySegment(c, cOff + 2 * VB, NATIVE);
        c10.intoMemorySegment(c, cOff + ldc, NATIVE);
        c11.intoMemorySegment(c, cOff + ldc + VB, NATIVE);
        c12.intoMemorySegment(c, cOff + ldc + 2 * VB, NATIVE);
        c20.intoMemorySegment(c, cOff + 2 * ldc, NATIVE);
        c21.intoMemorySegment(c, cOff + 2 * ldc + VB, NATIVE);
        c22.intoMemorySegment(c, cOff + 2 * ldc + 2 * VB, NATIVE);
        c30.intoMemorySegment(c, cOff + 3 * ldc, NATIVE);
        c31.intoMemorySegment(c, cOff + 3 * ldc + VB, NATIVE);
        c32.intoMemorySegment(c, cOff + 3 * ldc + 2 * VB, NATIVE);
        c40.intoMemorySegment(c, cOff + 4 * ldc, NATIVE);
        c41.intoMemorySegment(c, cOff + 4 * ldc + VB, NATIVE);
        c42.intoMemorySegment(c, cOff + 4 * ldc + 2 * VB, NATIVE);
        c50.intoMemorySegment(c, cOff + 5 * ldc, NATIVE);
        c51.intoMemorySegment(c, cOff + 5 * ldc + VB, NATIVE);
        c52.intoMemorySegment(c, cOff + 5 * ldc + 2 * VB, NATIVE);
    }
}
