package dev.vectorvit.jmh.ladder;

import static dev.vectorvit.jmh.ladder.GemmPacked.roundUp;
import static dev.vectorvit.jmh.ladder.GemmTiled.MR;
import static dev.vectorvit.jmh.ladder.GemmTiled.NR;

import dev.vectorvit.kernels.GemmBlocking;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Rung 5: cache blocking, the five loops of BLIS/GotoBLAS around rung 4's packing and rung 3's kernel.
 * k is cut into blocks of KC, and per k block B into blocks of NC columns and A into blocks of MC rows,
 * sized so that what is reused stays in the cache that serves it fastest:
 * <pre>
 *   for jc in n step NC            B block KC x NC packed once, lives in L3
 *    for pc in k step KC           .
 *     for ic in m step MC          A block MC x KC packed, lives in L2
 *      for jr in NC step NR        one B panel KC x NR, streamed from L2 into L1, reused by every A panel
 *       for ir in MC step MR       kernel: MR x NR of C in registers, loaded and stored once per k block
 * </pre>
 * Rung 4 packs all of A and B at once and sweeps the whole packed A once per B panel: that working
 * set grows with the shape and, once it outgrows L3 (a 4096 x 4096 A alone is 64 MiB), every tile
 * waits on DRAM. Here the inner loops touch the same few hundred KiB whatever the shape. The price:
 * each k block loads and stores the C tile once more (loadC after the first block), which a deep KC
 * amortizes. On the ladder's shapes, whose packed operands all fit in this machine's 32 MiB L3, the
 * measured gain over rung 4 is small: blocking is insurance for the products that do not fit.
 * The sizes are the library's ({@link GemmBlocking#forThisMachine()}: KC = two L1s of B
 * panel, MC = half of L2, NC = half of L3, from sysfs); the loops are this class's own.
 */
final class GemmBlocked implements GemmRung {
    private final int m, n, k, mc, kc, nc;
    private final MemorySegment aPack, bPack, edge;

    GemmBlocked(int m, int n, int k, Arena arena) {
        if (n % NR != 0) {
            throw new IllegalArgumentException("n = " + n + " must be a multiple of " + NR);
        }
        this.m = m;
        this.n = n;
        this.k = k;
        GemmBlocking blocking = GemmBlocking.forThisMachine();
        mc = Math.max(MR, blocking.mc() / MR * MR);
        kc = blocking.kc();
        nc = Math.max(NR, blocking.nc() / NR * NR);
        aPack = Memory.floats(arena, (long) Math.min(mc, roundUp(m, MR)) * Math.min(kc, k));
        bPack = Memory.floats(arena, (long) Math.min(nc, n) * Math.min(kc, k));
        edge = Memory.floats(arena, MR * NR);
    }

    @Override
    public void multiply(MemorySegment a, MemorySegment b, MemorySegment c) {
        long ldc = (long) n * Float.BYTES;
        for (int jc = 0; jc < n; jc += nc) {
            int ncb = Math.min(nc, n - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kcb = Math.min(kc, k - pc);
                GemmPacked.packB(b, n, pc, kcb, jc, ncb, bPack, NR);
                for (int ic = 0; ic < m; ic += mc) {
                    int mcb = Math.min(mc, m - ic);
                    GemmPacked.packA(a, k, ic, mcb, pc, kcb, aPack);
                    for (int jr = 0; jr < ncb; jr += NR) {
                        for (int ir = 0; ir < mcb; ir += MR) {
                            GemmPacked.tile(kcb, aPack, (long) ir * kcb * Float.BYTES, bPack, (long) jr * kcb * Float.BYTES,
                                    c, (ic + ir) * ldc + (long) (jc + jr) * Float.BYTES, ldc, mcb - ir, pc > 0, edge);
                        }
                    }
                }
            }
        }
    }
}
