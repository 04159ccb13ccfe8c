package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packing copies a block of A or B into the order the micro-kernel reads it, so that its loads are
 * unit-stride, aligned and hit L1/L2 regardless of the caller's strides or transposes:
 * A, where it is not read in place ({@link GemmContext#aInPlace}), as panels of MR row strips (kc contiguous
 * floats per row, so packing row-major A is a copy) or,
 * for narrow vectors, k-major panels (see {@link GemmContext#aKMajor}),
 * B as panels of NR columns stored k-major (NR contiguous floats per k step, two vector loads).
 * Rows and columns past the matrix edge are packed as zeros; alpha is folded into A here.
 * B^T has two transposes: one through Java arrays for the weights packed at load, which runs before C2 has
 * compiled anything, and one in vector registers for the products that pack B^T on every call (attention's K).
 */
final class Packing {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int V = S.length();
    private static final long VB = (long) V * Float.BYTES;
    /** Lane indexes of the two-vector zip: the low halves of x and y interleaved, then the high halves. */
    private static final FloatVector ZIP_LOW = zipIndexes(0), ZIP_HIGH = zipIndexes(V / 2);
    /** Rounds of zips that transpose a V x V block: each rotates the bits of (row, column) by one. */
    private static final int ROUNDS = Integer.numberOfTrailingZeros(V);
    /** Rows of a k-major A panel, which {@link #interleave} writes. */
    private static final int KR = GemmContext.K_MAJOR_ROWS;
    /**
     * For output vector o and row r of {@link #interleave}, at [o KR + r]: the lanes of row r that output lane l
     * takes, and the output lanes that come from row r.
     */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] K_LANES = new VectorShuffle[KR * KR];
    @SuppressWarnings("unchecked")
    private static final VectorMask<Float>[] K_ROWS = new VectorMask[KR * KR];

    static {
        for (int o = 0; o < KR; o++) {
            for (int r = 0; r < KR; r++) {
                int[] lanes = new int[V];
                boolean[] rows = new boolean[V];
                for (int l = 0; l < V; l++) {
                    int f = o * V + l;
                    rows[l] = f % KR == r;
                    lanes[l] = rows[l] ? f / KR : 0;
                }
                K_LANES[o * KR + r] = VectorShuffle.fromArray(S, lanes, 0);
                K_ROWS[o * KR + r] = VectorMask.fromArray(S, rows, 0);
            }
        }
    }

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
            // Whole k-major panels of row-major A go V k steps at a time through registers; the rest a float at a time.
            int done = kMajor && !transA && rows - panel >= mr ? kc / V * V : 0;
            if (done > 0) {
                interleave(a, (aOff + (long) (row0 + panel) * lda + k0) * Float.BYTES, (long) lda * Float.BYTES, alpha,
                        dst, (dstOff + (long) panel * kc) * Float.BYTES, done);
            }
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
                    for (int p = done; p < kc; p++) {
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
     * The first {@code steps} k steps (a multiple of V) of a k-major panel: the panel's five rows (from byte
     * {@code at}, {@code row} bytes apart), scaled by alpha, written k step by k step from byte {@code out}, V
     * steps (5 vectors) at a time: output lane l of vector o takes row (oV + l) mod 5 at lane (oV + l) / 5 of the
     * V steps, each row permuted into place and blended where it belongs ({@link #mix}). The permutations and
     * masks are the same every V steps: with the loop here and the outputs spelled out, C2 takes their array loads,
     * checks and conversions out of the loop (in a loop over the outputs it redid them for every use).
     */
    private static void interleave(MemorySegment a, long at, long row, float alpha, MemorySegment dst, long out,
                                   int steps) {
        for (int p = 0; p < steps; p += V) {
            long from = at + (long) p * Float.BYTES, to = out + (long) p * KR * Float.BYTES;
            FloatVector x0 = FloatVector.fromMemorySegment(S, a, from, NATIVE).mul(alpha);
            FloatVector x1 = FloatVector.fromMemorySegment(S, a, from + row, NATIVE).mul(alpha);
            FloatVector x2 = FloatVector.fromMemorySegment(S, a, from + 2 * row, NATIVE).mul(alpha);
            FloatVector x3 = FloatVector.fromMemorySegment(S, a, from + 3 * row, NATIVE).mul(alpha);
            FloatVector x4 = FloatVector.fromMemorySegment(S, a, from + 4 * row, NATIVE).mul(alpha);
            mix(0, x0, x1, x2, x3, x4).intoMemorySegment(dst, to, NATIVE);
            mix(1, x0, x1, x2, x3, x4).intoMemorySegment(dst, to + VB, NATIVE);
            mix(2, x0, x1, x2, x3, x4).intoMemorySegment(dst, to + 2 * VB, NATIVE);
            mix(3, x0, x1, x2, x3, x4).intoMemorySegment(dst, to + 3 * VB, NATIVE);
            mix(4, x0, x1, x2, x3, x4).intoMemorySegment(dst, to + 4 * VB, NATIVE);
        }
    }

    /** Output vector o of {@link #interleave} from its five rows. */
    private static FloatVector mix(int o, FloatVector x0, FloatVector x1, FloatVector x2, FloatVector x3,
                                   FloatVector x4) {
        int s = o * KR;
        return x0.rearrange(K_LANES[s])
                .blend(x1.rearrange(K_LANES[s + 1]), K_ROWS[s + 1])
                .blend(x2.rearrange(K_LANES[s + 2]), K_ROWS[s + 2])
                .blend(x3.rearrange(K_LANES[s + 3]), K_ROWS[s + 3])
                .blend(x4.rearrange(K_LANES[s + 4]), K_ROWS[s + 4]);
    }

    /**
     * Packs k range [k0, k0 + kc) x columns [col0, col0 + cols) of B (k x n, rows ldb apart) into dst from float
     * dstOff; nr is two vectors.
     */
    static void packB(MemorySegment b, long bOff, int ldb, int k0, int kc, int col0, int cols, MemorySegment dst,
                      long dstOff, int nr) {
        for (int panel = 0; panel < cols; panel += nr) {
            copyPanel(b, bOff + (long) k0 * ldb + col0 + panel, ldb, kc, Math.min(nr, cols - panel), dst,
                    dstOff + (long) panel * kc, nr);
        }
    }

    /**
     * {@link #packB} for B^T, a weight stored [out, in] packed once at load: through {@code work}, at least
     * {@link #transposeWork} floats, in plain Java arrays (see {@link #transposePanel}).
     */
    static void packWeight(MemorySegment b, long bOff, int ldb, int k0, int kc, int col0, int cols, MemorySegment dst,
                           long dstOff, int nr, float[] work) {
        for (int panel = 0; panel < cols; panel += nr) {
            int live = Math.min(nr, cols - panel);
            if (live < nr) {
                Arrays.fill(work, live * kc, nr * kc, 0f); // the padding columns' rows
            }
            transposePanel(b, bOff + (long) (col0 + panel) * ldb + k0, ldb, kc, live, dst, dstOff + (long) panel * kc,
                    nr, work);
        }
    }

    /** Floats of the work array {@link #packWeight} needs to transpose panels of depth kc. */
    static int transposeWork(int kc, int nr) {
        return 2 * kc * nr;
    }

    // One method per form, so that each has a profile of its own: a packB holding both forms was recompiled
    // when attention's V first came (5 C2 compiles of packB in the first pass).

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

    /** Floats of the scratch {@link #packTransposed} needs for panels of depth kc. */
    static int transposeScratch(int kc, int nr) {
        return 2 * V * V + nr * kc;
    }

    /**
     * Packs k range [k0, k0 + kc) x columns [col0, col0 + cols) of B^T (B's rows, ldb apart from float bOff)
     * into dst from float dstOff, as {@link #packB} does, but V x V blocks at a time in vector registers
     * ({@link #transposeBlock}); the k steps past the last whole vector one float at a time. Each panel's rows
     * are first copied together into {@code t} (scratch of {@link #transposeScratch} floats), zero rows past
     * the live ones: B's rows are far apart (attention's K, 9 KB) and cold, and bulk copies fetch them with
     * many misses in flight, where the blocks' loads waited on them (Q K^T in ViT-B/16 1.1 ms a pass faster
     * with K's rows touched first). For products that pack B^T per call (a scalar transpose took 7 of the 47
     * us of attention's Q K^T per head): {@link Warmup} runs attention's products during the load, so that C2
     * has compiled {@link #twoRounds} before the first pass, where C1's code would run the Vector API's fallbacks.
     */
    static void packTransposed(MemorySegment b, long bOff, int ldb, int k0, int kc, int col0, int cols,
                               MemorySegment dst, long dstOff, int nr, MemorySegment t) {
        long rows = 2L * V * V; // t: two V x V squares for the rounds, then the panel's rows
        int whole = kc / V * V;
        for (int panel = 0; panel < cols; panel += nr) {
            long src = bOff + (long) (col0 + panel) * ldb + k0, base = dstOff + (long) panel * kc;
            int live = Math.min(nr, cols - panel);
            for (int j = 0; j < live; j++) {
                MemorySegment.copy(b, (src + (long) j * ldb) * Float.BYTES, t, (rows + (long) j * kc) * Float.BYTES,
                        (long) kc * Float.BYTES);
            }
            ScalarKernels.fill(t, rows + (long) live * kc, (nr - live) * kc, 0f);
            for (int j0 = 0; j0 < nr; j0 += V) {
                for (int p0 = 0; p0 < whole; p0 += V) {
                    transposeBlock(t, rows + (long) j0 * kc + p0, kc, dst, base + (long) p0 * nr + j0, nr);
                }
            }
            for (int p = whole; p < kc; p++) {
                for (int j = 0; j < nr; j++) {
                    dst.setAtIndex(F, base + (long) p * nr + j, t.getAtIndex(F, rows + (long) j * kc + p));
                }
            }
        }
    }

    /**
     * Transposes the V x V block of {@code t} whose rows start ld floats apart from float {@code src} into V
     * rows nr floats apart from float {@code d}. One round zips row i with row i + V/2 into rows 2i and 2i + 1,
     * which moves element (r, c) to the (row, column) whose bits are those of (r, c) rotated left by one:
     * log2(V) rounds turn (r, c) into (c, r). Two rounds run in registers on four rows at a time
     * ({@link #twoRounds}), and only between pairs of rounds does the block pass through t's first two squares
     * (L1): one round at a time through memory ran at half the speed (4.4 against 1.7 us per head of K).
     */
    private static void transposeBlock(MemorySegment t, long src, int ld, MemorySegment dst, long d, int nr) {
        long square = (long) V * VB;
        long at = src * Float.BYTES, step = (long) ld * Float.BYTES;
        for (int r = 0, pass = 0; r < ROUNDS; pass++) {
            int n = ROUNDS - r >= 2 ? 2 : 1;
            r += n;
            boolean last = r == ROUNDS;
            MemorySegment to = last ? dst : t;
            long out = last ? d * Float.BYTES : (pass & 1) * square, outStep = last ? (long) nr * Float.BYTES : VB;
            if (n == 2) {
                for (int i = 0; i < V / 4; i++) {
                    twoRounds(t, at + i * step, (V / 4) * step, to, out + 4 * i * outStep, outStep);
                }
            } else {
                for (int i = 0; i < V / 2; i++) {
                    FloatVector x = FloatVector.fromMemorySegment(S, t, at + i * step, NATIVE);
                    FloatVector y = FloatVector.fromMemorySegment(S, t, at + (i + V / 2) * step, NATIVE);
                    ZIP_LOW.selectFrom(x, y).intoMemorySegment(to, out + 2 * i * outStep, NATIVE);
                    ZIP_HIGH.selectFrom(x, y).intoMemorySegment(to, out + (2 * i + 1) * outStep, NATIVE);
                }
            }
            at = (pass & 1) * square;
            step = VB;
        }
    }

    /**
     * Two zip rounds on rows i, i + V/4, i + V/2 and i + 3V/4 (from {@code at}, {@code quarter} bytes apart),
     * which give rows 4i to 4i + 3 (to {@code out}, {@code outStep} bytes apart): the first round makes rows 2i,
     * 2i + 1, 2i + V/2 and 2i + 1 + V/2 of them, and the second zips those two by two.
     */
    private static void twoRounds(MemorySegment from, long at, long quarter, MemorySegment to, long out, long outStep) {
        FloatVector x0 = FloatVector.fromMemorySegment(S, from, at, NATIVE);
        FloatVector x1 = FloatVector.fromMemorySegment(S, from, at + quarter, NATIVE);
        FloatVector x2 = FloatVector.fromMemorySegment(S, from, at + 2 * quarter, NATIVE);
        FloatVector x3 = FloatVector.fromMemorySegment(S, from, at + 3 * quarter, NATIVE);
        FloatVector r0 = ZIP_LOW.selectFrom(x0, x2), r1 = ZIP_HIGH.selectFrom(x0, x2);
        FloatVector r2 = ZIP_LOW.selectFrom(x1, x3), r3 = ZIP_HIGH.selectFrom(x1, x3);
        ZIP_LOW.selectFrom(r0, r2).intoMemorySegment(to, out, NATIVE);
        ZIP_HIGH.selectFrom(r0, r2).intoMemorySegment(to, out + outStep, NATIVE);
        ZIP_LOW.selectFrom(r1, r3).intoMemorySegment(to, out + 2 * outStep, NATIVE);
        ZIP_HIGH.selectFrom(r1, r3).intoMemorySegment(to, out + 3 * outStep, NATIVE);
    }

    private static FloatVector zipIndexes(int first) {
        float[] lanes = new float[V];
        for (int i = 0; i < V / 2; i++) {
            lanes[2 * i] = first + i;
            lanes[2 * i + 1] = V + first + i;
        }
        return FloatVector.fromArray(S, lanes, 0);
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
