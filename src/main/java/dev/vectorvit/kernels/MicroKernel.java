package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM micro-kernel: one MR x NR tile of C (6 rows x 2 vectors) held in 12 vector registers while
 * it walks the packed panels along k. Each step loads two vectors of the B panel, broadcasts one
 * scalar for each of the six rows of the A panel and issues 12 independent FMAs: an outer product, no
 * lane reductions. 12 accumulators + 2 B + 1 A fit the 16 registers of AVX2 (with A packed k-major,
 * {@link #A_K_MAJOR}) and leave C2 room on AVX-512; a 6x3 tile (18 accumulators) ran 8 times slower
 * here, its FMAs no longer inlined (jmh ladder, TooManyAccumulatorsBench).
 * Edge tiles (fewer than MR rows or NR columns) run through a zero-padded scratch tile.
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

    /**
     * The packed A panel's layout: k-major (the MR floats of one k step together, one address for all
     * six broadcasts) for vectors of 8 floats or fewer, row strips (kc floats per row) for wider ones.
     * With 16 vector registers (AVX2) the six strip addresses cost the tile a spilled accumulator, half
     * its speed; on AVX-512 the strips were faster and pack by bulk copies (docs/gemm.md, "The
     * micro-kernel"; docs/experiments.md). The vector width stands in for the register count, which Java
     * does not expose: Arm's NEON (4 floats, 32 registers) gets k-major too, unmeasured there.
     * {@code -Dvectorvit.gemm.aKMajor=true|false} overrides the choice, to time both layouts from one jar.
     */
    static final boolean A_K_MAJOR = Boolean.parseBoolean(
            System.getProperty("vectorvit.gemm.aKMajor", String.valueOf(V <= 8)));
    /** Bytes between two k steps of a packed A panel. */
    private static final long A_STEP = A_K_MAJOR ? (long) MR * Float.BYTES : Float.BYTES;

    private MicroKernel() {}

    /** Bytes between two rows of a packed A panel of depth kc. */
    private static long aRowStride(int kc) {
        return A_K_MAJOR ? Float.BYTES : (long) kc * Float.BYTES;
    }

    /**
     * C tile += A panel x B panel over one k block, for a full MR x NR tile; with {@code loadC} false the
     * tile starts from zero instead of C. Everything else (the start value beta C + bias, edge tiles, the
     * activation) is arranged by {@link Gemm} around this loop, which keeps it free of masks and of
     * calls that return vectors (a vector crossing a call that C2 does not inline is boxed on the heap,
     * and then every FMA of the loop falls back to Java code).
     *
     * @param kc    depth of this k block
     * @param ap    packed A panel, MR row strips of kc floats each, from byte {@code aOff}
     * @param bp    packed B panel, kc steps of NR floats, from byte {@code bOff}
     * @param cOff  byte offset of the tile's top-left element in {@code c}; {@code ldc} in bytes
     */
    static void tile(int kc, MemorySegment ap, long aOff, MemorySegment bp, long bOff,
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

        // An int-counted loop: C2 keeps all 12 accumulators in registers and, for row strips, hoists the
        // segment bounds checks out of it (with the 24-byte k-major step it kept one per broadcast on
        // AVX-512). It does not unroll it; unrolling by hand ran 40% slower, the six strip pointers spill.
        long rs = aRowStride(kc);
        for (int p = 0; p < kc; p++) {
            long bo = bOff + (long) p * (NR * Float.BYTES);
            long ao = aOff + p * A_STEP;
            FloatVector b0 = FloatVector.fromMemorySegment(S, bp, bo, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, bp, bo + VB, NATIVE);
            FloatVector a = FloatVector.broadcast(S, ap.get(F, ao));
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap.get(F, ao + rs));
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap.get(F, ao + 2 * rs));
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap.get(F, ao + 3 * rs));
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap.get(F, ao + 4 * rs));
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap.get(F, ao + 5 * rs));
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
}
