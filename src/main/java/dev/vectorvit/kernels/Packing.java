package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packing copies a block of A or B into the order the micro-kernel reads it, so that its loads are
 * unit-stride, aligned and hit L1/L2 regardless of the caller's strides or transposes:
 * A as panels of MR row strips (kc contiguous floats per row, so packing row-major A is a copy) or,
 * for narrow vectors, k-major panels (see {@link MicroKernel#A_K_MAJOR}),
 * B as panels of NR columns stored k-major (NR contiguous floats per k step, two vector loads).
 * Rows and columns past the matrix edge are packed as zeros; alpha is folded into A here.
 */
final class Packing {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int V = S.length();
    private static final long VB = (long) V * Float.BYTES;

    // The transpose moves bits, not numbers: it runs on int lanes of the same shape, whose two-source
    // selectFrom takes its int indexes as they are (float indexes cost a conversion and a wrap per use).
    private static final VectorSpecies<Integer> I = S.withLanes(int.class);

    // Lane selectors of the transpose's butterfly stages, one pair per stage (b = V/2, V/4, ..., 1):
    // LO keeps row r's lanes with bit b clear and takes row r + b's lanes shifted up by b; HI takes
    // row r's lanes shifted down by b and keeps row r + b's.
    private static final int STAGES = Integer.numberOfTrailingZeros(V);
    private static final IntVector[] LO = new IntVector[STAGES];
    private static final IntVector[] HI = new IntVector[STAGES];

    static {
        for (int i = 0; i < STAGES; i++) {
            LO[i] = selector(V >> (i + 1), true);
            HI[i] = selector(V >> (i + 1), false);
        }
    }

    private static IntVector selector(int b, boolean low) {
        int[] index = new int[V];
        for (int c = 0; c < V; c++) {
            boolean clear = (c & b) == 0;
            index[c] = low ? (clear ? c : c - b + V) : (clear ? c + b : c + V);
        }
        return IntVector.fromArray(I, index, 0);
    }

    private Packing() {}

    /**
     * Packs rows [row0, row0 + rows) x k range [k0, k0 + kc) of op(A), scaled by alpha, into dst from float
     * {@code dstOff}, in the
     * layout {@link MicroKernel#A_K_MAJOR} selects: row strips (row-major A is then a bulk copy per row) or
     * k-major panels (the mr floats of one k step together).
     */
    static void packA(boolean transA, MemorySegment a, long aOff, int lda, int row0, int rows, int k0, int kc,
                      float alpha, MemorySegment dst, long dstOff, int mr) {
        boolean kMajor = MicroKernel.A_K_MAJOR;
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
     * two vectors. For B transposed (a weight stored [out, in], the common case in a transformer) each
     * panel is a transpose, done V x V blocks at a time by {@link #transpose} with the V x V floats of
     * {@code tmp}; the last kc % V steps and a partial last panel go one float at a time.
     */
    static void packB(boolean transB, MemorySegment b, long bOff, int ldb, int k0, int kc, int col0, int cols,
                      MemorySegment dst, long dstOff, int nr, MemorySegment tmp) {
        for (int panel = 0; panel < cols; panel += nr) {
            long base = dstOff + (long) panel * kc;
            int live = Math.min(nr, cols - panel);
            if (transB) {
                int full = live == nr ? kc / V * V : 0;
                for (int p0 = 0; p0 < full; p0 += V) {
                    for (int half = 0; half < nr; half += V) {
                        long src = (bOff + (long) (col0 + panel + half) * ldb + k0 + p0) * Float.BYTES;
                        long d = (base + (long) p0 * nr + half) * Float.BYTES;
                        transpose(b, src, (long) ldb * Float.BYTES, dst, d, (long) nr * Float.BYTES, tmp);
                    }
                }
                if (live < nr) {
                    dst.asSlice(base * Float.BYTES, (long) kc * nr * Float.BYTES).fill((byte) 0);
                }
                for (int j = 0; j < live; j++) {
                    long src = bOff + (long) (col0 + panel + j) * ldb + k0;
                    for (int p = full; p < kc; p++) {
                        dst.setAtIndex(F, base + (long) p * nr + j, b.getAtIndex(F, src + p));
                    }
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
     * Transposes a V x V block: source row j (stride {@code srcStride} bytes) holds V consecutive k values
     * of column j; afterwards destination row q (stride {@code dstStride}) holds k step q of the V
     * columns. log2(V) butterfly stages swap the off-diagonal blocks of V/2, V/4, ..., 1 lanes between
     * rows r and r + b with two-source permutes (vpermt2ps on AVX-512). The stages commute, and the last
     * three only mix rows within groups of 8, which {@link #transpose8} holds in registers. For V = 16
     * transpose8 also does the first stage, on loads of both halves, once per half of the output, so
     * nothing goes through memory: a round trip through {@code tmp} ran 2.4 times slower when
     * {@code tmp} and the source rows sat at equal addresses modulo 4 KiB (a load waits for a store it
     * only seems to alias). Other widths run the stages wider than 8 through {@code tmp} (V x V floats,
     * in L1). One method holding all 16 rows of AVX-512 in registers was too big for C1, which then
     * never handed it to C2 and left every vector boxed.
     */
    private static void transpose(MemorySegment src, long s, long srcStride, MemorySegment dst, long d, long dstStride,
                                  MemorySegment tmp) {
        if (V == 16) {
            transpose8(src, s, srcStride, 8 * srcStride, false, dst, d, dstStride);
            transpose8(src, s, srcStride, 8 * srcStride, true, dst, d + 8 * dstStride, dstStride);
            return;
        }
        int inMemory = V >= 8 ? STAGES - 3 : STAGES;
        for (int stage = 0; stage < inMemory; stage++) {
            boolean first = stage == 0, last = stage == STAGES - 1;
            butterfly(stage, first ? src : tmp, first ? s : 0, first ? srcStride : VB,
                    last ? dst : tmp, last ? d : 0, last ? dstStride : VB);
        }
        if (V >= 8) {
            boolean direct = inMemory == 0;
            for (int g = 0; g < V; g += 8) {
                transpose8(direct ? src : tmp, (direct ? s : 0) + g * (direct ? srcStride : VB), direct ? srcStride : VB,
                        0, false, dst, d + g * dstStride, dstStride);
            }
        }
    }

    /** One stage through memory: for each row pair (r, r + b), both rows are read before either is written. */
    private static void butterfly(int stage, MemorySegment in, long inOff, long inStride,
                                  MemorySegment out, long outOff, long outStride) {
        int b = V >> (stage + 1);
        IntVector lo = LO[stage], hi = HI[stage];
        for (int r = 0; r < V; r++) {
            if ((r & b) != 0) {
                continue;
            }
            IntVector x = IntVector.fromMemorySegment(I, in, inOff + r * inStride, NATIVE);
            IntVector y = IntVector.fromMemorySegment(I, in, inOff + (r + b) * inStride, NATIVE);
            lo.selectFrom(x, y).intoMemorySegment(out, outOff + r * outStride, NATIVE);
            hi.selectFrom(x, y).intoMemorySegment(out, outOff + (r + b) * outStride, NATIVE);
        }
    }

    /**
     * The last three stages (b = 4, 2, 1) on 8 rows held in registers. With {@code pair} > 0 (V = 16) the
     * 8 rows are first made by the b = 8 stage from rows r and r + 8 ({@code pair} bytes apart): its low
     * halves, or with {@code high} its high halves, the 8 output rows of either half of the block.
     */
    private static void transpose8(MemorySegment in, long i, long inStride, long pair, boolean high,
                                   MemorySegment out, long o, long outStride) {
        IntVector lo4 = LO[STAGES - 3], hi4 = HI[STAGES - 3], lo2 = LO[STAGES - 2], hi2 = HI[STAGES - 2];
        IntVector lo1 = LO[STAGES - 1], hi1 = HI[STAGES - 1];
        IntVector r0 = IntVector.fromMemorySegment(I, in, i, NATIVE);
        IntVector r1 = IntVector.fromMemorySegment(I, in, i + inStride, NATIVE);
        IntVector r2 = IntVector.fromMemorySegment(I, in, i + 2 * inStride, NATIVE);
        IntVector r3 = IntVector.fromMemorySegment(I, in, i + 3 * inStride, NATIVE);
        IntVector r4 = IntVector.fromMemorySegment(I, in, i + 4 * inStride, NATIVE);
        IntVector r5 = IntVector.fromMemorySegment(I, in, i + 5 * inStride, NATIVE);
        IntVector r6 = IntVector.fromMemorySegment(I, in, i + 6 * inStride, NATIVE);
        IntVector r7 = IntVector.fromMemorySegment(I, in, i + 7 * inStride, NATIVE);
        if (pair > 0) {
            IntVector sel = high ? HI[0] : LO[0];
            r0 = sel.selectFrom(r0, IntVector.fromMemorySegment(I, in, i + pair, NATIVE));
            r1 = sel.selectFrom(r1, IntVector.fromMemorySegment(I, in, i + pair + inStride, NATIVE));
            r2 = sel.selectFrom(r2, IntVector.fromMemorySegment(I, in, i + pair + 2 * inStride, NATIVE));
            r3 = sel.selectFrom(r3, IntVector.fromMemorySegment(I, in, i + pair + 3 * inStride, NATIVE));
            r4 = sel.selectFrom(r4, IntVector.fromMemorySegment(I, in, i + pair + 4 * inStride, NATIVE));
            r5 = sel.selectFrom(r5, IntVector.fromMemorySegment(I, in, i + pair + 5 * inStride, NATIVE));
            r6 = sel.selectFrom(r6, IntVector.fromMemorySegment(I, in, i + pair + 6 * inStride, NATIVE));
            r7 = sel.selectFrom(r7, IntVector.fromMemorySegment(I, in, i + pair + 7 * inStride, NATIVE));
        }
        IntVector t0 = lo4.selectFrom(r0, r4), t4 = hi4.selectFrom(r0, r4);
        IntVector t1 = lo4.selectFrom(r1, r5), t5 = hi4.selectFrom(r1, r5);
        IntVector t2 = lo4.selectFrom(r2, r6), t6 = hi4.selectFrom(r2, r6);
        IntVector t3 = lo4.selectFrom(r3, r7), t7 = hi4.selectFrom(r3, r7);
        r0 = lo2.selectFrom(t0, t2);
        r2 = hi2.selectFrom(t0, t2);
        r1 = lo2.selectFrom(t1, t3);
        r3 = hi2.selectFrom(t1, t3);
        r4 = lo2.selectFrom(t4, t6);
        r6 = hi2.selectFrom(t4, t6);
        r5 = lo2.selectFrom(t5, t7);
        r7 = hi2.selectFrom(t5, t7);
        lo1.selectFrom(r0, r1).intoMemorySegment(out, o, NATIVE);
        hi1.selectFrom(r0, r1).intoMemorySegment(out, o + outStride, NATIVE);
        lo1.selectFrom(r2, r3).intoMemorySegment(out, o + 2 * outStride, NATIVE);
        hi1.selectFrom(r2, r3).intoMemorySegment(out, o + 3 * outStride, NATIVE);
        lo1.selectFrom(r4, r5).intoMemorySegment(out, o + 4 * outStride, NATIVE);
        hi1.selectFrom(r4, r5).intoMemorySegment(out, o + 5 * outStride, NATIVE);
        lo1.selectFrom(r6, r7).intoMemorySegment(out, o + 6 * outStride, NATIVE);
        hi1.selectFrom(r6, r7).intoMemorySegment(out, o + 7 * outStride, NATIVE);
    }
}
