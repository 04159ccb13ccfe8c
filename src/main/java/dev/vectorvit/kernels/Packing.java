package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packing copies a block of A or B into the order the micro-kernel reads it, so that its loads are
 * unit-stride, aligned and hit L1/L2 regardless of the caller's strides or transposes:
 * A as panels of MR row strips (kc contiguous floats per row, so packing row-major A is a copy),
 * B as panels of NR columns stored k-major (NR contiguous floats per k step, two vector loads). Rows and columns past the matrix edge are packed as zeros, so the
 * micro-kernel always runs a full tile. alpha is folded into A here.
 */
final class Packing {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int V = S.length();
    private static final long VB = (long) V * Float.BYTES;

    // Lane selectors for transpose16's stages: LOb keeps row r's lanes with bit b clear and takes row
    // r + b's lanes shifted up by b; HIb takes row r's lanes shifted down by b and keeps row r + b's.
    private static final FloatVector LO8 = selector(8, true), HI8 = selector(8, false);
    private static final FloatVector LO4 = selector(4, true), HI4 = selector(4, false);
    private static final FloatVector LO2 = selector(2, true), HI2 = selector(2, false);
    private static final FloatVector LO1 = selector(1, true), HI1 = selector(1, false);

    private static FloatVector selector(int b, boolean low) {
        float[] index = new float[V];
        for (int c = 0; c < V; c++) {
            boolean clear = (c & b) == 0;
            index[c] = low ? (clear ? c : c - b + V) : (clear ? c + b : c + V);
        }
        return FloatVector.fromArray(S, index, 0);
    }

    private Packing() {}

    /** Packs rows [row0, row0 + rows) x k range [k0, k0 + kc) of op(A), scaled by alpha, into dst. */
    static void packA(boolean transA, MemorySegment a, long aOff, int lda, int row0, int rows, int k0, int kc,
                      float alpha, MemorySegment dst, int mr) {
        long strip = (long) kc * Float.BYTES;
        for (int panel = 0; panel < rows; panel += mr) {
            for (int i = 0; i < mr; i++) {
                long d = ((long) panel * kc + (long) i * kc);
                int row = row0 + panel + i;
                if (panel + i >= rows) {
                    ScalarKernels.fill(dst, d, kc, 0f);
                } else if (transA) {
                    for (int p = 0; p < kc; p++) {
                        dst.setAtIndex(F, d + p, alpha * a.getAtIndex(F, aOff + (long) (k0 + p) * lda + row));
                    }
                } else {
                    MemorySegment.copy(a, (aOff + (long) row * lda + k0) * Float.BYTES, dst, d * Float.BYTES, strip);
                    if (alpha != 1f) {
                        for (int p = 0; p < kc; p++) {
                            dst.setAtIndex(F, d + p, alpha * dst.getAtIndex(F, d + p));
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs k range [k0, k0 + kc) x columns [col0, col0 + cols) of op(B) into dst; nr is two vectors.
     * For B transposed (a weight stored [out, in], the common case in a transformer) each panel is a
     * transpose: with 16 lanes, 16 x 16 blocks transposed in registers ({@link #transpose16}); for a
     * partial panel or other widths, the panel's NR source rows are copied into {@code rowsTmp} (on-heap, one bulk copy
     * per row) and gathered one k step at a time with the lane offsets {@code gatherIndex}
     * (0, kc, 2 kc, ...).
     */
    static void packB(boolean transB, MemorySegment b, long bOff, int ldb, int k0, int kc, int col0, int cols,
                      MemorySegment dst, int nr, float[] rowsTmp, int[] gatherIndex) {
        for (int panel = 0; panel < cols; panel += nr) {
            long base = (long) panel * kc;
            int live = Math.min(nr, cols - panel);
            if (transB && V == 16 && live == nr) {
                long ldbBytes = (long) ldb * Float.BYTES;
                int full = kc / V * V;
                for (int p0 = 0; p0 < full; p0 += V) {
                    for (int half = 0; half < nr; half += V) {
                        long src = (bOff + (long) (col0 + panel + half) * ldb + k0 + p0) * Float.BYTES;
                        long d = (base + (long) p0 * nr + half) * Float.BYTES;
                        transpose16(b, src, ldbBytes, dst, d, (long) nr * Float.BYTES);
                    }
                }
                // The last kc % 16 steps one float at a time (masked loads here are not intrinsified by C2).
                for (int j = 0; j < nr; j++) {
                    long src = bOff + (long) (col0 + panel + j) * ldb + k0;
                    for (int p = full; p < kc; p++) {
                        dst.setAtIndex(F, base + (long) p * nr + j, b.getAtIndex(F, src + p));
                    }
                }
            } else if (transB) {
                for (int j = 0; j < nr; j++) {
                    if (j < live) {
                        MemorySegment.copy(b, F, (bOff + (long) (col0 + panel + j) * ldb + k0) * Float.BYTES, rowsTmp, j * kc, kc);
                    } else {
                        Arrays.fill(rowsTmp, j * kc, (j + 1) * kc, 0f);
                    }
                }
                for (int p = 0; p < kc; p++) {
                    long d = (base + (long) p * nr) * Float.BYTES;
                    FloatVector.fromArray(S, rowsTmp, p, gatherIndex, 0).intoMemorySegment(dst, d, NATIVE);
                    FloatVector.fromArray(S, rowsTmp, V * kc + p, gatherIndex, 0).intoMemorySegment(dst, d + VB, NATIVE);
                }
            } else {
                VectorMask<Float> m0 = S.indexInRange(0, live);
                VectorMask<Float> m1 = S.indexInRange(V, live);
                for (int p = 0; p < kc; p++) {
                    long src = (bOff + (long) (k0 + p) * ldb + col0 + panel) * Float.BYTES;
                    long d = (base + (long) p * nr) * Float.BYTES;
                    if (live == nr) {
                        FloatVector.fromMemorySegment(S, b, src, NATIVE).intoMemorySegment(dst, d, NATIVE);
                        FloatVector.fromMemorySegment(S, b, src + VB, NATIVE).intoMemorySegment(dst, d + VB, NATIVE);
                    } else {
                        FloatVector.fromMemorySegment(S, b, src, NATIVE, m0).intoMemorySegment(dst, d, NATIVE);
                        FloatVector.fromMemorySegment(S, b, src + VB, NATIVE, m1).intoMemorySegment(dst, d + VB, NATIVE);
                    }
                }
            }
        }
    }

    /**
     * Transposes a 16 x 16 block in registers: row j holds 16 consecutive k values of column (col + j)
     * of B (a row of the weight as stored); afterwards vector q holds k step q of the 16 columns. Four
     * butterfly stages swap the off-diagonal blocks of 8, 4, 2 and 1 lanes with two-source permutes
     * (one vpermt2ps each on AVX-512): 64 permutes per 256 floats instead of 256 scalar moves.
     * Every load is unconditional: a conditional zero row, or a masked load, made C2 box the vectors.
     */
    private static void transpose16(MemorySegment b, long src, long ldbBytes, MemorySegment dst, long d, long stepBytes) {
        FloatVector r0 = FloatVector.fromMemorySegment(S, b, src + 0 * ldbBytes, NATIVE);
        FloatVector r1 = FloatVector.fromMemorySegment(S, b, src + 1 * ldbBytes, NATIVE);
        FloatVector r2 = FloatVector.fromMemorySegment(S, b, src + 2 * ldbBytes, NATIVE);
        FloatVector r3 = FloatVector.fromMemorySegment(S, b, src + 3 * ldbBytes, NATIVE);
        FloatVector r4 = FloatVector.fromMemorySegment(S, b, src + 4 * ldbBytes, NATIVE);
        FloatVector r5 = FloatVector.fromMemorySegment(S, b, src + 5 * ldbBytes, NATIVE);
        FloatVector r6 = FloatVector.fromMemorySegment(S, b, src + 6 * ldbBytes, NATIVE);
        FloatVector r7 = FloatVector.fromMemorySegment(S, b, src + 7 * ldbBytes, NATIVE);
        FloatVector r8 = FloatVector.fromMemorySegment(S, b, src + 8 * ldbBytes, NATIVE);
        FloatVector r9 = FloatVector.fromMemorySegment(S, b, src + 9 * ldbBytes, NATIVE);
        FloatVector r10 = FloatVector.fromMemorySegment(S, b, src + 10 * ldbBytes, NATIVE);
        FloatVector r11 = FloatVector.fromMemorySegment(S, b, src + 11 * ldbBytes, NATIVE);
        FloatVector r12 = FloatVector.fromMemorySegment(S, b, src + 12 * ldbBytes, NATIVE);
        FloatVector r13 = FloatVector.fromMemorySegment(S, b, src + 13 * ldbBytes, NATIVE);
        FloatVector r14 = FloatVector.fromMemorySegment(S, b, src + 14 * ldbBytes, NATIVE);
        FloatVector r15 = FloatVector.fromMemorySegment(S, b, src + 15 * ldbBytes, NATIVE);
        FloatVector t;
        // Swap 8-lane blocks between rows r and r + 8.
        t = LO8.selectFrom(r0, r8); r8 = HI8.selectFrom(r0, r8); r0 = t;
        t = LO8.selectFrom(r1, r9); r9 = HI8.selectFrom(r1, r9); r1 = t;
        t = LO8.selectFrom(r2, r10); r10 = HI8.selectFrom(r2, r10); r2 = t;
        t = LO8.selectFrom(r3, r11); r11 = HI8.selectFrom(r3, r11); r3 = t;
        t = LO8.selectFrom(r4, r12); r12 = HI8.selectFrom(r4, r12); r4 = t;
        t = LO8.selectFrom(r5, r13); r13 = HI8.selectFrom(r5, r13); r5 = t;
        t = LO8.selectFrom(r6, r14); r14 = HI8.selectFrom(r6, r14); r6 = t;
        t = LO8.selectFrom(r7, r15); r15 = HI8.selectFrom(r7, r15); r7 = t;
        // Swap 4-lane blocks between rows r and r + 4.
        t = LO4.selectFrom(r0, r4); r4 = HI4.selectFrom(r0, r4); r0 = t;
        t = LO4.selectFrom(r1, r5); r5 = HI4.selectFrom(r1, r5); r1 = t;
        t = LO4.selectFrom(r2, r6); r6 = HI4.selectFrom(r2, r6); r2 = t;
        t = LO4.selectFrom(r3, r7); r7 = HI4.selectFrom(r3, r7); r3 = t;
        t = LO4.selectFrom(r8, r12); r12 = HI4.selectFrom(r8, r12); r8 = t;
        t = LO4.selectFrom(r9, r13); r13 = HI4.selectFrom(r9, r13); r9 = t;
        t = LO4.selectFrom(r10, r14); r14 = HI4.selectFrom(r10, r14); r10 = t;
        t = LO4.selectFrom(r11, r15); r15 = HI4.selectFrom(r11, r15); r11 = t;
        // Swap 2-lane blocks between rows r and r + 2.
        t = LO2.selectFrom(r0, r2); r2 = HI2.selectFrom(r0, r2); r0 = t;
        t = LO2.selectFrom(r1, r3); r3 = HI2.selectFrom(r1, r3); r1 = t;
        t = LO2.selectFrom(r4, r6); r6 = HI2.selectFrom(r4, r6); r4 = t;
        t = LO2.selectFrom(r5, r7); r7 = HI2.selectFrom(r5, r7); r5 = t;
        t = LO2.selectFrom(r8, r10); r10 = HI2.selectFrom(r8, r10); r8 = t;
        t = LO2.selectFrom(r9, r11); r11 = HI2.selectFrom(r9, r11); r9 = t;
        t = LO2.selectFrom(r12, r14); r14 = HI2.selectFrom(r12, r14); r12 = t;
        t = LO2.selectFrom(r13, r15); r15 = HI2.selectFrom(r13, r15); r13 = t;
        // Swap 1-lane blocks between rows r and r + 1.
        t = LO1.selectFrom(r0, r1); r1 = HI1.selectFrom(r0, r1); r0 = t;
        t = LO1.selectFrom(r2, r3); r3 = HI1.selectFrom(r2, r3); r2 = t;
        t = LO1.selectFrom(r4, r5); r5 = HI1.selectFrom(r4, r5); r4 = t;
        t = LO1.selectFrom(r6, r7); r7 = HI1.selectFrom(r6, r7); r6 = t;
        t = LO1.selectFrom(r8, r9); r9 = HI1.selectFrom(r8, r9); r8 = t;
        t = LO1.selectFrom(r10, r11); r11 = HI1.selectFrom(r10, r11); r10 = t;
        t = LO1.selectFrom(r12, r13); r13 = HI1.selectFrom(r12, r13); r12 = t;
        t = LO1.selectFrom(r14, r15); r15 = HI1.selectFrom(r14, r15); r14 = t;
        r0.intoMemorySegment(dst, d + 0 * stepBytes, NATIVE);
        r1.intoMemorySegment(dst, d + 1 * stepBytes, NATIVE);
        r2.intoMemorySegment(dst, d + 2 * stepBytes, NATIVE);
        r3.intoMemorySegment(dst, d + 3 * stepBytes, NATIVE);
        r4.intoMemorySegment(dst, d + 4 * stepBytes, NATIVE);
        r5.intoMemorySegment(dst, d + 5 * stepBytes, NATIVE);
        r6.intoMemorySegment(dst, d + 6 * stepBytes, NATIVE);
        r7.intoMemorySegment(dst, d + 7 * stepBytes, NATIVE);
        r8.intoMemorySegment(dst, d + 8 * stepBytes, NATIVE);
        r9.intoMemorySegment(dst, d + 9 * stepBytes, NATIVE);
        r10.intoMemorySegment(dst, d + 10 * stepBytes, NATIVE);
        r11.intoMemorySegment(dst, d + 11 * stepBytes, NATIVE);
        r12.intoMemorySegment(dst, d + 12 * stepBytes, NATIVE);
        r13.intoMemorySegment(dst, d + 13 * stepBytes, NATIVE);
        r14.intoMemorySegment(dst, d + 14 * stepBytes, NATIVE);
        r15.intoMemorySegment(dst, d + 15 * stepBytes, NATIVE);
    }

    /** The gather offsets for {@link #packB}: lane i reads row i of a kc-wide row block. */
    static int[] gatherIndex(int kc) {
        int[] index = new int[V];
        for (int i = 0; i < V; i++) {
            index[i] = i * kc;
        }
        return index;
    }
}
