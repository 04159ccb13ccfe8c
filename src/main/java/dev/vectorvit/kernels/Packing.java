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
                    dst.asSlice(d * Float.BYTES, strip).fill((byte) 0);
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
     * transpose: its NR source rows are copied into {@code rowsTmp} (on-heap, one bulk copy per row)
     * and then gathered one k step at a time with the precomputed lane offsets {@code gatherIndex}
     * (0, kc, 2 kc, ...): one vgatherdps per vector instead of sixteen scalar loads and stores.
     */
    static void packB(boolean transB, MemorySegment b, long bOff, int ldb, int k0, int kc, int col0, int cols,
                      MemorySegment dst, int nr, float[] rowsTmp, int[] gatherIndex) {
        for (int panel = 0; panel < cols; panel += nr) {
            long base = (long) panel * kc;
            int live = Math.min(nr, cols - panel);
            if (transB) {
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

    /** The gather offsets for {@link #packB}: lane i reads row i of a kc-wide row block. */
    static int[] gatherIndex(int kc) {
        int[] index = new int[V];
        for (int i = 0; i < V; i++) {
            index[i] = i * kc;
        }
        return index;
    }
}
