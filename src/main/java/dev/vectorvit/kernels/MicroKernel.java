package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM micro-kernel: one MR x NR tile of C (MR rows x 2 vectors: 6 with row strips, 5 with k-major A,
 * {@link GemmContext#forLanes}) held in 2 MR vector registers while it walks the packed panels along k. Each
 * step loads two vectors of the B panel, broadcasts one scalar for each row of the A panel and issues
 * 2 MR independent FMAs: an outer product, no lane reductions. A 6x3 tile (18 accumulators) ran 8 times
 * slower here, its FMAs no longer inlined (jmh ladder, TooManyAccumulatorsBench).
 * Edge tiles (fewer than MR rows or NR columns) run through a scratch tile whose dead rows and columns are
 * computed and dropped.
 * Every C element is one FMA chain in k order, whatever the tile, thread or block it falls in, which
 * is what makes results bitwise independent of thread count and blocking.
 */
final class MicroKernel {
    private static final VectorSpecies<Float> S = Lanes.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int V = S.length();
    private static final long VB = (long) V * Float.BYTES;

    /** The register tile and A layout this kernel is registered with ({@link GemmContext#forLanes}). */
    static final int MR = GemmContext.CURRENT.mr();
    static final int NR = GemmContext.CURRENT.nr();
    private static final boolean A_K_MAJOR = GemmContext.CURRENT.aKMajor();
    /** Bytes between two k steps of a packed A panel. */
    private static final long A_STEP = A_K_MAJOR ? (long) MR * Float.BYTES : Float.BYTES;

    private MicroKernel() {}

    /**
     * C = start + A panel x B panel over one k block, for a column of register tiles: {@code rows} rows of C
     * (ceil(rows / MR) tiles, MR rows apart) against one NR-column B panel. The start is read from {@code from}
     * (C itself, or a bias or zeros with fromLd 0: one row for all), so that a product with no C to read
     * stores its tiles once instead of zeroing them first. Everything else (beta C + bias; edge columns; the
     * activation) is arranged by {@link Gemm} around this loop, which keeps it free of masks, of branches and
     * of calls that return vectors (a vector crossing a call that C2 does not inline is boxed on the heap,
     * and then every FMA of the loop falls back to Java code). A branch to start from zero instead of C was
     * profiled one way in the first pass and trapped when attention's products took the other: C2's code was
     * dropped and the kernel ran in C1's for most of a second of the first pass.
     * The tiles of a column run in one call because each entry into the k loop costs C2's setup of the
     * segments' range checks (about 260 instructions: the loop nest for long indices and a peeled first step)
     * on top of the call's own: at depth 64 (attention's Q K^T) that is a sixth of a tile; a call per tile
     * paid about 6 ns a tile more (docs/experiments.md, 2026-12-07).
     *
     * @param kc    depth of this k block
     * @param rows  rows of C (at least 1); a last tile with fewer than MR rows repeats the last row's A strip
     *              (k-major: reads the panel's zero rows) and stores all MR rows, so C must have MR rows there
     *              (the edge scratch)
     * @param ap    A: MR row strips of kc floats per tile, {@code aStride} bytes apart from byte {@code aOff}
     *              (A's own rows where it is read in place), or packed k-major panels (aStride the bytes of
     *              one row of the panel, kc floats: tiles start MR x aStride apart either way)
     * @param bp    packed B panel, kc steps of NR floats, from byte {@code bOff}
     * @param fromOff byte offset of the first start row in {@code from}; {@code fromLd} bytes between its rows
     * @param cOff  byte offset of the column's top-left element in {@code c}; {@code ldc} in bytes
     */
    static void tiles(int kc, int rows, MemorySegment ap, long aOff, long aStride, MemorySegment bp, long bOff,
                      MemorySegment from, long fromOff, long fromLd, MemorySegment c, long cOff, long ldc) {
        for (int t = 0; t < rows; t += MR) {
            int aRows = Math.min(MR, rows - t);
            long fromT = fromOff + t * fromLd, aT = aOff + t * aStride, cT = cOff + t * ldc;
            FloatVector c00 = FloatVector.fromMemorySegment(S, from, fromT, NATIVE);
            FloatVector c01 = FloatVector.fromMemorySegment(S, from, fromT + VB, NATIVE);
            FloatVector c10 = FloatVector.fromMemorySegment(S, from, fromT + fromLd, NATIVE);
            FloatVector c11 = FloatVector.fromMemorySegment(S, from, fromT + fromLd + VB, NATIVE);
            FloatVector c20 = FloatVector.fromMemorySegment(S, from, fromT + 2 * fromLd, NATIVE);
            FloatVector c21 = FloatVector.fromMemorySegment(S, from, fromT + 2 * fromLd + VB, NATIVE);
            FloatVector c30 = FloatVector.fromMemorySegment(S, from, fromT + 3 * fromLd, NATIVE);
            FloatVector c31 = FloatVector.fromMemorySegment(S, from, fromT + 3 * fromLd + VB, NATIVE);
            FloatVector c40 = FloatVector.fromMemorySegment(S, from, fromT + 4 * fromLd, NATIVE);
            FloatVector c41 = FloatVector.fromMemorySegment(S, from, fromT + 4 * fromLd + VB, NATIVE);
            FloatVector c50 = c00, c51 = c01; // a sixth row only in a 6-row tile (MR is a constant to the JIT)
            if (MR > 5) {
                c50 = FloatVector.fromMemorySegment(S, from, fromT + 5 * fromLd, NATIVE);
                c51 = FloatVector.fromMemorySegment(S, from, fromT + 5 * fromLd + VB, NATIVE);
            }

            // An int-counted loop. On AVX-512 C2 (JDK 25) compiles a k step of row strips to 2 loads, 6 broadcasts,
            // 12 FMAs and 8 integer instructions, all 12 accumulators and the six strip bases in registers, the segment
            // checks hoisted. That takes the strips read at base + 4p with the bases computed once: written as
            // aOff + 4p + i x stride, C2 reloaded three bases from the stack and bounced three through XMM registers
            // every step (6 GPR<->XMM moves, which on Intel issue on the ports of the 512-bit FMAs; docs/gemm.md).
            // Strip rows past aRows (an edge tile's) read the last live row again: their sums are dropped with the
            // edge scratch. A k-major panel holds MR rows (zeros past an edge), so its rows are read at constant
            // displacements from one base: under AVX2 33 instructions a step, no branch but the loop's, where a base
            // per row had C2 reload five from the stack every step (46). A is read through the unaligned layout,
            // whose accesses check no alignment: with the aligned one C2 kept an alignment test per broadcast in the
            // k-major loop. C2 does not unroll the loop; unrolling by hand ran 40% slower, the strip bases spill.
            int last = A_K_MAJOR ? MR - 1 : aRows - 1;
            long aRow = A_K_MAJOR ? Float.BYTES : aStride;
            long r0 = aT, r1 = aT + Math.min(1, last) * aRow, r2 = aT + Math.min(2, last) * aRow;
            long r3 = aT + Math.min(3, last) * aRow, r4 = aT + Math.min(4, last) * aRow, r5 = aT + Math.min(5, last) * aRow;
            for (int p = 0; p < kc; p++) {
                long bo = bOff + (long) p * (NR * Float.BYTES);
                long ao = p * A_STEP;
                FloatVector b0 = FloatVector.fromMemorySegment(S, bp, bo, NATIVE);
                FloatVector b1 = FloatVector.fromMemorySegment(S, bp, bo + VB, NATIVE);
                FloatVector a = FloatVector.broadcast(S, ap.get(F, r0 + ao));
                c00 = a.fma(b0, c00);
                c01 = a.fma(b1, c01);
                a = FloatVector.broadcast(S, ap.get(F, r1 + ao));
                c10 = a.fma(b0, c10);
                c11 = a.fma(b1, c11);
                a = FloatVector.broadcast(S, ap.get(F, r2 + ao));
                c20 = a.fma(b0, c20);
                c21 = a.fma(b1, c21);
                a = FloatVector.broadcast(S, ap.get(F, r3 + ao));
                c30 = a.fma(b0, c30);
                c31 = a.fma(b1, c31);
                a = FloatVector.broadcast(S, ap.get(F, r4 + ao));
                c40 = a.fma(b0, c40);
                c41 = a.fma(b1, c41);
                if (MR > 5) {
                    a = FloatVector.broadcast(S, ap.get(F, r5 + ao));
                    c50 = a.fma(b0, c50);
                    c51 = a.fma(b1, c51);
                }
            }

            c00.intoMemorySegment(c, cT, NATIVE);
            c01.intoMemorySegment(c, cT + VB, NATIVE);
            c10.intoMemorySegment(c, cT + ldc, NATIVE);
            c11.intoMemorySegment(c, cT + ldc + VB, NATIVE);
            c20.intoMemorySegment(c, cT + 2 * ldc, NATIVE);
            c21.intoMemorySegment(c, cT + 2 * ldc + VB, NATIVE);
            c30.intoMemorySegment(c, cT + 3 * ldc, NATIVE);
            c31.intoMemorySegment(c, cT + 3 * ldc + VB, NATIVE);
            c40.intoMemorySegment(c, cT + 4 * ldc, NATIVE);
            c41.intoMemorySegment(c, cT + 4 * ldc + VB, NATIVE);
            if (MR > 5) {
                c50.intoMemorySegment(c, cT + 5 * ldc, NATIVE);
                c51.intoMemorySegment(c, cT + 5 * ldc + VB, NATIVE);
            }
        }
    }
}
