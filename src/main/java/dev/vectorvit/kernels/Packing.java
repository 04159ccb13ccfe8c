package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packing copies a block of A or B into the order the micro-kernel reads it, so that its loads are
 * unit-stride, aligned and hit L1/L2 regardless of the caller's strides or transposes:
 * A, where it is not read in place ({@link GemmContext#aInPlace}), as panels of MR row strips (kc contiguous
 * floats per row, so packing row-major A is a copy) or,
 * for narrow vectors, k-major panels (see {@link GemmContext#aKMajor}),
 * B as panels of NR columns stored k-major (NR contiguous floats per k step, two vector loads).
 * Rows and columns past the matrix edge are packed as zeros; alpha is folded into A here.
 */
final class Packing {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int V = S.length();
    private static final long VB = (long) V * Float.BYTES;

    private Packing() {}

    /**
     * Packs rows [row0, row0 + rows) x k range [k0, k0 + kc) of op(A), scaled by alpha, into dst from float
     * {@code dstOff}, in the
     * layout {@link GemmContext#aKMajor} selects: row strips (row-major A is then a bulk copy per row) or
     * k-major panels (the mr floats of one k step together).
     */
    static void packA(boolean transA, MemorySegment a, long aOff, int lda, int row0, int rows, int k0, int kc,
                      float alpha, MemorySegment dst, long dstOff, int mr) {
        boolean kMajor = GemmContext.CURRENT.aKMajor();
        long strip = (long) kc * Float.BYTES, step = kMajor ? mr : 1;
        for (int panel = 0; panel < rows; panel += mr) {
            for (int i = 0; i < mr; i++) {
                long d = dstOff + (long) panel * kc + (kMajor ? i : (long) i * kc);
                int row = row0 + panel + i;
                if (panel + i >= rows) {
                    for (int p = 0; p < kc; p++) {
                        dst.setAtIndex(F, d + p * step, 0f);
                    }
                } else if (transA || kMajor) {
                    long src = transA ? aOff + (long) k0 * lda + row : aOff + (long) row * lda + k0;
                    long stride = transA ? lda : 1;
                    for (int p = 0; p < kc; p++) {
                        dst.setAtIndex(F, d + p * step, alpha * a.getAtIndex(F, src + p * stride));
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
     * Packs k range [k0, k0 + kc) x columns [col0, col0 + cols) of op(B) into dst from float dstOff; nr is
     * two vectors. B transposed (a weight stored [out, in], packed once at load, or attention's K) goes
     * through {@code work}, at least {@link #transposeWork} floats, in plain Java arrays (see
     * {@link #transposePanel}).
     */
    static void packB(boolean transB, MemorySegment b, long bOff, int ldb, int k0, int kc, int col0, int cols,
                      MemorySegment dst, long dstOff, int nr, float[] work) {
        for (int panel = 0; panel < cols; panel += nr) {
            long base = dstOff + (long) panel * kc;
            int live = Math.min(nr, cols - panel);
            if (transB) {
                if (live < nr) {
                    Arrays.fill(work, live * kc, nr * kc, 0f); // the padding columns' rows
                }
                transposePanel(b, bOff + (long) (col0 + panel) * ldb + k0, ldb, kc, live, dst, base, nr, work);
            } else {
                copyPanel(b, bOff + (long) k0 * ldb + col0 + panel, ldb, kc, live, dst, base, nr);
            }
        }
    }

    /** Floats of the work array {@link #packB} needs to transpose panels of depth kc. */
    static int transposeWork(int kc, int nr) {
        return 2 * kc * nr;
    }

    // One method per form, so that each has a profile of its own: the weights packed at load are all
    // transposed, and a packB holding both forms was recompiled when attention's V first came (5 C2
    // compiles of packB in the first pass).

    /**
     * One panel of B^T, whose live columns are rows of B starting ld floats apart from {@code src}: the rows
     * copied in bulk into {@code work} (the rows past live are zero there), transposed within the array,
     * and the panel copied out in one piece. Most of this runs at load, before C2 has compiled it, where a
     * segment access is a chain of calls and an array access one instruction (docs/gemm.md, "The packing").
     */
    private static void transposePanel(MemorySegment b, long src, int ld, int kc, int live, MemorySegment dst,
                                       long base, int nr, float[] work) {
        int out = kc * nr;
        for (int j = 0; j < live; j++) {
            MemorySegment.copy(b, F, (src + (long) j * ld) * Float.BYTES, work, j * kc, kc);
        }
        // Four rows at a time, four adjacent stores per step: 0.4 ns per float in C2's code against 0.7 one row
        // at a time (kc 64 and 768). nr is two vectors of at least 2 floats, so a multiple of 4.
        for (int j = 0; j < nr; j += 4) {
            int f0 = j * kc, f1 = f0 + kc, f2 = f1 + kc, f3 = f2 + kc;
            for (int p = 0; p < kc; p++) {
                int o = out + p * nr + j;
                work[o] = work[f0 + p];
                work[o + 1] = work[f1 + p];
                work[o + 2] = work[f2 + p];
                work[o + 3] = work[f3 + p];
            }
        }
        MemorySegment.copy(work, out, dst, F, base * Float.BYTES, out);
    }

    /** One panel of B: the live columns of k step p start at {@code src + p ld}. */
    private static void copyPanel(MemorySegment b, long src, int ld, int kc, int live, MemorySegment dst, long base,
                                  int nr) {
        VectorMask<Float> m0 = S.indexInRange(0, live);
        VectorMask<Float> m1 = S.indexInRange(V, live);
        for (int p = 0; p < kc; p++) {
            long from = (src + (long) p * ld) * Float.BYTES;
            long d = (base + (long) p * nr) * Float.BYTES;
            if (live == nr) {
                FloatVector.fromMemorySegment(S, b, from, NATIVE).intoMemorySegment(dst, d, NATIVE);
                FloatVector.fromMemorySegment(S, b, from + VB, NATIVE).intoMemorySegment(dst, d + VB, NATIVE);
            } else {
                FloatVector.fromMemorySegment(S, b, from, NATIVE, m0).intoMemorySegment(dst, d, NATIVE);
                FloatVector.fromMemorySegment(S, b, from + VB, NATIVE, m1).intoMemorySegment(dst, d + VB, NATIVE);
            }
        }
    }
}
