package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM micro-kernels: an MR x NR tile of C held in vector registers while it walks the packed
 * panels along k. Each k step loads the B panel's NR floats, broadcasts one scalar for each of the MR
 * rows of the A panel and issues MR x NR / V independent FMAs: an outer product, no lane reductions.
 * The tile suits the register file, which Java does not expose; the vector width stands in for it:
 * <ul>
 *   <li>16 lanes or more (AVX-512's 32 registers): 4 rows x 4 vectors, 16 accumulators, A in row
 *       strips. Measured here in the library against the 6 x 2 tile it replaced: 3-7% faster on the four
 *       197-row ViT products (README, "Register tile").
 *   <li>8 lanes or fewer (AVX2's 16 registers; NEON): 6 rows x 2 vectors, 12 accumulators + 2 B + 1 A,
 *       A packed k-major ({@link #A_K_MAJOR}).
 * </ul>
 * The kernels always start from the C tile in memory; {@link #tile} and {@link #narrowTile} zero it first
 * when the product starts from zero. That keeps each kernel one straight path, small enough for C1:
 * with 16 accumulators and a second (zero) start path, C1 gave up on the method ("out of virtual
 * registers"), it ran interpreted until C2 took it, and in the test suite a run then never finished.
 * Edge tiles (fewer than MR rows or NR columns) run through a zero-padded scratch tile, or, for a panel
 * with at most one vector of live columns, through {@link #narrowTile}.
 * Every C element is one FMA chain in k order, whatever the tile, thread or block it falls in, which
 * is what makes results bitwise independent of thread count and blocking.
 */
final class MicroKernel {
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /** Lanes of a vector. */
    static final int V = S.length();
    private static final long VB = (long) V * Float.BYTES;

    /**
     * The packed A panel's layout: k-major (the MR floats of one k step together, one address for all
     * broadcasts) for vectors of 8 floats or fewer, row strips (kc floats per row) for wider ones. With
     * 16 vector registers (AVX2) six strip addresses cost the tile a spilled accumulator, half its
     * speed; on AVX-512 the strips were faster in the library and pack by bulk copies, which stream a
     * cold weight from DRAM faster than the element-wise interleave (README, "A panel layouts,
     * measured"). Arm's NEON (4 floats, 32 registers) gets k-major too, unmeasured there.
     */
    static final boolean A_K_MAJOR = V <= 8;
    /** Rows of the register tile. */
    static final int MR = A_K_MAJOR ? 6 : 4;
    /** Columns of the register tile, in floats. */
    static final int NR = (A_K_MAJOR ? 2 : 4) * V;
    /** Rows of {@link #narrowTile}: two 4-row strips where A is in row strips, for 8 FMA chains. */
    static final int NARROW_ROWS = A_K_MAJOR ? MR : 2 * MR;

    private MicroKernel() {}

    /**
     * C tile += A panel x B panel over one k block, for a full MR x NR tile; with {@code loadC} false the
     * tile starts from zero instead of C. Everything else (the start value beta C + bias, edge tiles, the
     * activation) is arranged by {@link Gemm} around this loop, which keeps it free of masks and of
     * calls that return vectors (a vector crossing a call that C2 does not inline is boxed on the heap,
     * and then every FMA of the loop falls back to Java code).
     *
     * @param kc    depth of this k block
     * @param ap    packed A panel (MR rows, see {@link #A_K_MAJOR}) from byte {@code aOff}
     * @param bp    packed B panel, kc steps of NR floats, from byte {@code bOff}
     * @param cOff  byte offset of the tile's top-left element in {@code c}; {@code ldc} in bytes
     */
    static void tile(int kc, MemorySegment ap, long aOff, MemorySegment bp, long bOff,
                     MemorySegment c, long cOff, long ldc, boolean loadC) {
        if (!loadC) {
            zero(MR, NR, c, cOff, ldc);
        }
        if (A_K_MAJOR) {
            tile6x2(kc, ap, aOff, bp, bOff, c, cOff, ldc);
        } else {
            tile4x4(kc, ap, aOff, bp, bOff, c, cOff, ldc);
        }
    }

    /**
     * The edge kernel for a panel whose live columns fit one vector: {@link #NARROW_ROWS} x 1 vector,
     * reading the first vector of each k step of the (NR-wide, zero-padded) B panel. In
     * {@link Gemm#blockTransposed} the columns are the rows of op(A), 197 for one image: the last panel
     * holds 5 of them, and a full tile would spend most of its FMAs there on padding. Same chains as
     * {@link #tile}, so the same bits.
     */
    static void narrowTile(int kc, MemorySegment ap, long aOff, MemorySegment bp, long bOff,
                           MemorySegment c, long cOff, long ldc, boolean loadC) {
        if (!loadC) {
            zero(NARROW_ROWS, V, c, cOff, ldc);
        }
        if (A_K_MAJOR) {
            narrow6(kc, ap, aOff, bp, bOff, c, cOff, ldc);
        } else {
            narrow8(kc, ap, aOff, bp, bOff, c, cOff, ldc);
        }
    }

    private static void zero(int rows, int cols, MemorySegment c, long cOff, long ldc) {
        for (int r = 0; r < rows; r++) {
            for (int v = 0; v < cols; v += V) {
                FloatVector.zero(S).intoMemorySegment(c, cOff + r * ldc + (long) v * Float.BYTES, NATIVE);
            }
        }
    }

    /**
     * 4 x 4 vectors, A in row strips. An int-counted loop: C2 keeps the 16 accumulators in registers and
     * hoists the segment bounds checks out of it. 16 is the most C1 compiles: at 18 (6 x 3) and 24
     * (8 x 3, faster still stand-alone) it gives up, and the kernel then depends on C2 alone.
     */
    private static void tile4x4(int kc, MemorySegment ap, long aOff, MemorySegment bp, long bOff,
                                MemorySegment c, long cOff, long ldc) {
        FloatVector c00 = FloatVector.fromMemorySegment(S, c, cOff, NATIVE);
        FloatVector c01 = FloatVector.fromMemorySegment(S, c, cOff + VB, NATIVE);
        FloatVector c02 = FloatVector.fromMemorySegment(S, c, cOff + 2 * VB, NATIVE);
        FloatVector c03 = FloatVector.fromMemorySegment(S, c, cOff + 3 * VB, NATIVE);
        FloatVector c10 = FloatVector.fromMemorySegment(S, c, cOff + ldc, NATIVE);
        FloatVector c11 = FloatVector.fromMemorySegment(S, c, cOff + ldc + VB, NATIVE);
        FloatVector c12 = FloatVector.fromMemorySegment(S, c, cOff + ldc + 2 * VB, NATIVE);
        FloatVector c13 = FloatVector.fromMemorySegment(S, c, cOff + ldc + 3 * VB, NATIVE);
        FloatVector c20 = FloatVector.fromMemorySegment(S, c, cOff + 2 * ldc, NATIVE);
        FloatVector c21 = FloatVector.fromMemorySegment(S, c, cOff + 2 * ldc + VB, NATIVE);
        FloatVector c22 = FloatVector.fromMemorySegment(S, c, cOff + 2 * ldc + 2 * VB, NATIVE);
        FloatVector c23 = FloatVector.fromMemorySegment(S, c, cOff + 2 * ldc + 3 * VB, NATIVE);
        FloatVector c30 = FloatVector.fromMemorySegment(S, c, cOff + 3 * ldc, NATIVE);
        FloatVector c31 = FloatVector.fromMemorySegment(S, c, cOff + 3 * ldc + VB, NATIVE);
        FloatVector c32 = FloatVector.fromMemorySegment(S, c, cOff + 3 * ldc + 2 * VB, NATIVE);
        FloatVector c33 = FloatVector.fromMemorySegment(S, c, cOff + 3 * ldc + 3 * VB, NATIVE);
        long rs = (long) kc * Float.BYTES;
        for (int p = 0; p < kc; p++) {
            long bo = bOff + (long) p * (NR * Float.BYTES);
            long ao = aOff + (long) p * Float.BYTES;
            FloatVector b0 = FloatVector.fromMemorySegment(S, bp, bo, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, bp, bo + VB, NATIVE);
            FloatVector b2 = FloatVector.fromMemorySegment(S, bp, bo + 2 * VB, NATIVE);
            FloatVector b3 = FloatVector.fromMemorySegment(S, bp, bo + 3 * VB, NATIVE);
            FloatVector a;
            a = FloatVector.broadcast(S, ap.get(F, ao));
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            c02 = a.fma(b2, c02);
            c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, ap.get(F, ao + rs));
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            c12 = a.fma(b2, c12);
            c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(S, ap.get(F, ao + 2 * rs));
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            c22 = a.fma(b2, c22);
            c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(S, ap.get(F, ao + 3 * rs));
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            c32 = a.fma(b2, c32);
            c33 = a.fma(b3, c33);
        }
        c00.intoMemorySegment(c, cOff, NATIVE);
        c01.intoMemorySegment(c, cOff + VB, NATIVE);
        c02.intoMemorySegment(c, cOff + 2 * VB, NATIVE);
        c03.intoMemorySegment(c, cOff + 3 * VB, NATIVE);
        c10.intoMemorySegment(c, cOff + ldc, NATIVE);
        c11.intoMemorySegment(c, cOff + ldc + VB, NATIVE);
        c12.intoMemorySegment(c, cOff + ldc + 2 * VB, NATIVE);
        c13.intoMemorySegment(c, cOff + ldc + 3 * VB, NATIVE);
        c20.intoMemorySegment(c, cOff + 2 * ldc, NATIVE);
        c21.intoMemorySegment(c, cOff + 2 * ldc + VB, NATIVE);
        c22.intoMemorySegment(c, cOff + 2 * ldc + 2 * VB, NATIVE);
        c23.intoMemorySegment(c, cOff + 2 * ldc + 3 * VB, NATIVE);
        c30.intoMemorySegment(c, cOff + 3 * ldc, NATIVE);
        c31.intoMemorySegment(c, cOff + 3 * ldc + VB, NATIVE);
        c32.intoMemorySegment(c, cOff + 3 * ldc + 2 * VB, NATIVE);
        c33.intoMemorySegment(c, cOff + 3 * ldc + 3 * VB, NATIVE);
    }

    /**
     * 6 x 2 vectors, A k-major: the six floats of a k step are adjacent, so all broadcasts address from
     * one register and AVX2 keeps its 16th register for the broadcast value.
     */
    private static void tile6x2(int kc, MemorySegment ap, long aOff, MemorySegment bp, long bOff,
                                MemorySegment c, long cOff, long ldc) {
        FloatVector c00 = FloatVector.fromMemorySegment(S, c, cOff, NATIVE);
        FloatVector c01 = FloatVector.fromMemorySegment(S, c, cOff + VB, NATIVE);
        FloatVector c10 = FloatVector.fromMemorySegment(S, c, cOff + ldc, NATIVE);
        FloatVector c11 = FloatVector.fromMemorySegment(S, c, cOff + ldc + VB, NATIVE);
        FloatVector c20 = FloatVector.fromMemorySegment(S, c, cOff + 2 * ldc, NATIVE);
        FloatVector c21 = FloatVector.fromMemorySegment(S, c, cOff + 2 * ldc + VB, NATIVE);
        FloatVector c30 = FloatVector.fromMemorySegment(S, c, cOff + 3 * ldc, NATIVE);
        FloatVector c31 = FloatVector.fromMemorySegment(S, c, cOff + 3 * ldc + VB, NATIVE);
        FloatVector c40 = FloatVector.fromMemorySegment(S, c, cOff + 4 * ldc, NATIVE);
        FloatVector c41 = FloatVector.fromMemorySegment(S, c, cOff + 4 * ldc + VB, NATIVE);
        FloatVector c50 = FloatVector.fromMemorySegment(S, c, cOff + 5 * ldc, NATIVE);
        FloatVector c51 = FloatVector.fromMemorySegment(S, c, cOff + 5 * ldc + VB, NATIVE);
        for (int p = 0; p < kc; p++) {
            long bo = bOff + (long) p * (NR * Float.BYTES);
            long ao = aOff + (long) p * (MR * Float.BYTES);
            FloatVector b0 = FloatVector.fromMemorySegment(S, bp, bo, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, bp, bo + VB, NATIVE);
            FloatVector a;
            a = FloatVector.broadcast(S, ap.get(F, ao));
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap.get(F, ao + Float.BYTES));
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap.get(F, ao + 2 * Float.BYTES));
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap.get(F, ao + 3 * Float.BYTES));
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap.get(F, ao + 4 * Float.BYTES));
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap.get(F, ao + 5 * Float.BYTES));
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
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

    /** narrowTile on two 4-row strips: 8 FMA chains, enough to cover the FMA latency (4 cycles x 2 pipes). */
    private static void narrow8(int kc, MemorySegment ap, long aOff, MemorySegment bp, long bOff,
                                MemorySegment c, long cOff, long ldc) {
        FloatVector c00 = FloatVector.fromMemorySegment(S, c, cOff, NATIVE);
        FloatVector c10 = FloatVector.fromMemorySegment(S, c, cOff + ldc, NATIVE);
        FloatVector c20 = FloatVector.fromMemorySegment(S, c, cOff + 2 * ldc, NATIVE);
        FloatVector c30 = FloatVector.fromMemorySegment(S, c, cOff + 3 * ldc, NATIVE);
        FloatVector c40 = FloatVector.fromMemorySegment(S, c, cOff + 4 * ldc, NATIVE);
        FloatVector c50 = FloatVector.fromMemorySegment(S, c, cOff + 5 * ldc, NATIVE);
        FloatVector c60 = FloatVector.fromMemorySegment(S, c, cOff + 6 * ldc, NATIVE);
        FloatVector c70 = FloatVector.fromMemorySegment(S, c, cOff + 7 * ldc, NATIVE);
        long rs = (long) kc * Float.BYTES;
        for (int p = 0; p < kc; p++) {
            long bo = bOff + (long) p * (NR * Float.BYTES);
            long ao = aOff + (long) p * Float.BYTES;
            FloatVector b0 = FloatVector.fromMemorySegment(S, bp, bo, NATIVE);
            FloatVector a;
            a = FloatVector.broadcast(S, ap.get(F, ao));
            c00 = a.fma(b0, c00);
            a = FloatVector.broadcast(S, ap.get(F, ao + rs));
            c10 = a.fma(b0, c10);
            a = FloatVector.broadcast(S, ap.get(F, ao + 2 * rs));
            c20 = a.fma(b0, c20);
            a = FloatVector.broadcast(S, ap.get(F, ao + 3 * rs));
            c30 = a.fma(b0, c30);
            a = FloatVector.broadcast(S, ap.get(F, ao + 4 * rs));
            c40 = a.fma(b0, c40);
            a = FloatVector.broadcast(S, ap.get(F, ao + 5 * rs));
            c50 = a.fma(b0, c50);
            a = FloatVector.broadcast(S, ap.get(F, ao + 6 * rs));
            c60 = a.fma(b0, c60);
            a = FloatVector.broadcast(S, ap.get(F, ao + 7 * rs));
            c70 = a.fma(b0, c70);
        }
        c00.intoMemorySegment(c, cOff, NATIVE);
        c10.intoMemorySegment(c, cOff + ldc, NATIVE);
        c20.intoMemorySegment(c, cOff + 2 * ldc, NATIVE);
        c30.intoMemorySegment(c, cOff + 3 * ldc, NATIVE);
        c40.intoMemorySegment(c, cOff + 4 * ldc, NATIVE);
        c50.intoMemorySegment(c, cOff + 5 * ldc, NATIVE);
        c60.intoMemorySegment(c, cOff + 6 * ldc, NATIVE);
        c70.intoMemorySegment(c, cOff + 7 * ldc, NATIVE);
    }

    /** narrowTile on one k-major 6-row panel. */
    private static void narrow6(int kc, MemorySegment ap, long aOff, MemorySegment bp, long bOff,
                                MemorySegment c, long cOff, long ldc) {
        FloatVector c00 = FloatVector.fromMemorySegment(S, c, cOff, NATIVE);
        FloatVector c10 = FloatVector.fromMemorySegment(S, c, cOff + ldc, NATIVE);
        FloatVector c20 = FloatVector.fromMemorySegment(S, c, cOff + 2 * ldc, NATIVE);
        FloatVector c30 = FloatVector.fromMemorySegment(S, c, cOff + 3 * ldc, NATIVE);
        FloatVector c40 = FloatVector.fromMemorySegment(S, c, cOff + 4 * ldc, NATIVE);
        FloatVector c50 = FloatVector.fromMemorySegment(S, c, cOff + 5 * ldc, NATIVE);
        for (int p = 0; p < kc; p++) {
            long bo = bOff + (long) p * (NR * Float.BYTES);
            long ao = aOff + (long) p * (MR * Float.BYTES);
            FloatVector b0 = FloatVector.fromMemorySegment(S, bp, bo, NATIVE);
            FloatVector a;
            a = FloatVector.broadcast(S, ap.get(F, ao));
            c00 = a.fma(b0, c00);
            a = FloatVector.broadcast(S, ap.get(F, ao + Float.BYTES));
            c10 = a.fma(b0, c10);
            a = FloatVector.broadcast(S, ap.get(F, ao + 2 * Float.BYTES));
            c20 = a.fma(b0, c20);
            a = FloatVector.broadcast(S, ap.get(F, ao + 3 * Float.BYTES));
            c30 = a.fma(b0, c30);
            a = FloatVector.broadcast(S, ap.get(F, ao + 4 * Float.BYTES));
            c40 = a.fma(b0, c40);
            a = FloatVector.broadcast(S, ap.get(F, ao + 5 * Float.BYTES));
            c50 = a.fma(b0, c50);
        }
        c00.intoMemorySegment(c, cOff, NATIVE);
        c10.intoMemorySegment(c, cOff + ldc, NATIVE);
        c20.intoMemorySegment(c, cOff + 2 * ldc, NATIVE);
        c30.intoMemorySegment(c, cOff + 3 * ldc, NATIVE);
        c40.intoMemorySegment(c, cOff + 4 * ldc, NATIVE);
        c50.intoMemorySegment(c, cOff + 5 * ldc, NATIVE);
    }
}
