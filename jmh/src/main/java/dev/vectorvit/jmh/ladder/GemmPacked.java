package dev.vectorvit.jmh.ladder;

import static dev.vectorvit.jmh.ladder.GemmTiled.MR;
import static dev.vectorvit.jmh.ladder.GemmTiled.NR;
import static dev.vectorvit.jmh.ladder.GemmVector.NATIVE;
import static dev.vectorvit.jmh.ladder.GemmVector.S;
import static dev.vectorvit.jmh.ladder.GemmVector.V;

import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Rung 4: packing. Before multiplying, A and B are copied into the order the micro-kernel reads them:
 * A as panels of MR rows (each row's k values contiguous), B as panels of NR columns stored k-major
 * (the NR floats of one k step contiguous). The kernel is rung 3's, unchanged; only its strides shrink
 * to lda = k floats within a 6-row panel and ldb = NR floats. Every load now continues where the last
 * one ended: the B panel is one sequential stream the hardware prefetcher follows, each cache line
 * and page fetched is used completely, and nothing depends on the caller's leading dimensions.
 * The copies cost O(mk + kn) against the product's O(mnk).
 *
 * <p>Rows past m are packed as zeros so every panel is full; a tile with fewer than MR rows of C left
 * is computed into a zero-padded scratch tile and copied out, so the kernel has no masks or branches.
 * What still limits it: nothing is blocked for the caches. With a deep k the packed A (m x k) and one
 * B panel (k x NR) no longer fit in L2 together; rung 5 cuts k, m and n into cache-sized blocks.
 */
final class GemmPacked implements GemmRung {
    private final int m, n, k;
    private final MemorySegment aPack, bPack, edge;

    GemmPacked(int m, int n, int k, Arena arena) {
        if (n % NR != 0) {
            throw new IllegalArgumentException("n = " + n + " must be a multiple of " + NR);
        }
        this.m = m;
        this.n = n;
        this.k = k;
        aPack = Memory.floats(arena, (long) roundUp(m, MR) * k);
        bPack = Memory.floats(arena, (long) k * n);
        edge = Memory.floats(arena, MR * NR);
    }

    @Override
    public void multiply(MemorySegment a, MemorySegment b, MemorySegment c) {
        packA(a, k, 0, m, 0, k, aPack);
        packB(b, n, 0, k, 0, n, bPack, NR);
        long ldc = (long) n * Float.BYTES;
        for (int jr = 0; jr < n; jr += NR) {
            for (int ir = 0; ir < m; ir += MR) {
                tile(k, aPack, (long) ir * k * Float.BYTES, bPack, (long) jr * k * Float.BYTES,
                        c, ir * ldc + (long) jr * Float.BYTES, ldc, m - ir, false, edge);
            }
        }
    }

    /**
     * Packs rows [row0, row0 + rows) x k range [k0, k0 + kc) of row-major A (lda floats per row) into dst
     * as panels of MR rows, row r of the block at r kc floats; the rows up to the next multiple of MR are
     * zeros. Packing row-major A is a copy per row.
     */
    static void packA(MemorySegment a, int lda, int row0, int rows, int k0, int kc, MemorySegment dst) {
        long strip = (long) kc * Float.BYTES;
        for (int r = 0; r < roundUp(rows, MR); r++) {
            if (r < rows) {
                MemorySegment.copy(a, ((long) (row0 + r) * lda + k0) * Float.BYTES, dst, r * strip, strip);
            } else {
                dst.asSlice(r * strip, strip).fill((byte) 0);
            }
        }
    }

    /**
     * Packs k range [k0, k0 + kc) x columns [col0, col0 + cols) of row-major B (ldb floats per row) into
     * dst as panels of nr columns (a multiple of V; cols a multiple of nr): panel q holds kc steps of nr
     * floats at q kc nr. nr is a parameter only for TooManyAccumulatorsBench; the ladder uses NR.
     */
    static void packB(MemorySegment b, int ldb, int k0, int kc, int col0, int cols, MemorySegment dst, int nr) {
        for (int panel = 0; panel < cols; panel += nr) {
            long base = (long) panel * kc * Float.BYTES;
            for (int p = 0; p < kc; p++) {
                long src = ((long) (k0 + p) * ldb + col0 + panel) * Float.BYTES;
                long d = base + (long) p * nr * Float.BYTES;
                for (int q = 0; q < nr; q += V) {
                    long o = (long) q * Float.BYTES;
                    FloatVector.fromMemorySegment(S, b, src + o, NATIVE).intoMemorySegment(dst, d + o, NATIVE);
                }
            }
        }
    }

    /**
     * One MR x NR tile of C from packed panels (strides lda = kc floats, ldb = NR floats). With fewer than
     * MR rows of C left ({@code rowsLeft}) the tile goes through the scratch {@code edge}: the padded A
     * rows are zeros, so the extra rows compute zeros that are never copied out.
     */
    static void tile(int kc, MemorySegment aPack, long aOff, MemorySegment bPack, long bOff,
                     MemorySegment c, long cOff, long ldc, int rowsLeft, boolean loadC, MemorySegment edge) {
        long lda = (long) kc * Float.BYTES, ldb = (long) NR * Float.BYTES;
        if (rowsLeft >= MR) {
            GemmTiled.tile(kc, aPack, aOff, lda, bPack, bOff, ldb, c, cOff, ldc, loadC);
            return;
        }
        for (int r = 0; loadC && r < rowsLeft; r++) {
            MemorySegment.copy(c, cOff + r * ldc, edge, r * ldb, ldb);
        }
        GemmTiled.tile(kc, aPack, aOff, lda, bPack, bOff, ldb, edge, 0, ldb, loadC);
        for (int r = 0; r < rowsLeft; r++) {
            MemorySegment.copy(edge, r * ldb, c, cOff + r * ldc, ldb);
        }
    }

    static int roundUp(int v, int multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }
}
