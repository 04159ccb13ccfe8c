package dev.vectorvit.kernels;

import java.util.Locale;

/**
 * The GEMM's choices for the instruction set this JVM runs, in one place, after BLIS's context (cntx):
 * the register tile MR x NR, the packed A panel's layout, and the rule that turns cache sizes into KC, MC
 * and NC. Chosen once ({@link #CURRENT}) from what the JVM reports: whether the Vector API is enabled and
 * the lanes of its float vector. A new micro-kernel is registered in {@link #forLanes}.
 *
 * @param mr      rows of the register tile
 * @param nr      columns of the register tile, in floats (the scalar reference has no tile: its NR only
 *                sizes the blocking, and the work is split by single columns)
 * @param vector  whether {@link MicroKernel} runs (false: the scalar reference)
 * @param aKMajor the packed A panel's layout: k-major (the MR floats of one k step together, one address
 *                for all broadcasts) or row strips (kc floats per row, row-major A packs by bulk copies)
 */
record GemmContext(int mr, int nr, boolean vector, boolean aKMajor) {
    /** Rows of a k-major A panel (MR where {@link #aKMajor}). */
    static final int K_MAJOR_ROWS = 5;
    /** This JVM's context. Must not load a vector class without the Vector API: lanes are read only with it. */
    static final GemmContext CURRENT = forLanes(Simd.enabled() ? Lanes.N : 0);

    /**
     * The context for float vectors of {@code lanes} lanes (0: the scalar reference).
     * {@link MicroKernel} is MR rows x 2 vectors. A is k-major for vectors of 8 floats or fewer: with 16
     * registers the six strip addresses cost the tile a spilled accumulator, half its speed; on AVX-512 the
     * strips were faster (docs/gemm.md, "The micro-kernel"). Row strips take 6 rows (12 accumulators, larger
     * tiles were unsafe with this JIT, docs/experiments.md); k-major panels 5: read at constant displacements
     * from one base, C2 loads each k step's broadcasts ahead of the FMAs, and 10 accumulators leave it the
     * registers for that within AVX2's 16, where 12 spilled two (on an Intel Xeon the ViT-B/16 pass 7% faster
     * under AVX2, 12% with 128-bit vectors; RESULTS.md). The vector width stands in for the register count,
     * which Java does not expose: Arm's NEON (4 floats, 32 registers) gets k-major too, unmeasured there.
     * {@code -Dvectorvit.gemm.aKMajor=true|false} overrides the layout, to time both from one jar.
     */
    static GemmContext forLanes(int lanes) {
        if (lanes == 0) {
            return new GemmContext(6, 16, false, false);
        }
        String property = System.getProperty("vectorvit.gemm.aKMajor");
        boolean kMajor = property == null ? lanes <= 8 : Boolean.parseBoolean(property);
        return new GemmContext(kMajor ? K_MAJOR_ROWS : 6, 2 * lanes, true, kMajor);
    }

    /**
     * The blocking for these caches, after BLIS: KC is two L1s of B panel (on Zen 5 KC 768 beat the
     * textbook half-L1 KC 192 by 30%: each k block reloads and restores the C tile, and the panel streams
     * well from L2); an MC x KC block of A takes half of L2, a KC x NC block of packed B half of L3.
     * {@code -Dvectorvit.gemm.mc/kc/nc} override them.
     */
    GemmBlocking blocking(CacheSizes caches) {
        int kc = clamp((int) (2 * caches.l1() / ((long) nr * Float.BYTES)) / 8 * 8, 64, 1024);
        kc = Integer.getInteger("vectorvit.gemm.kc", kc);
        int mc = clamp((int) (caches.l2() / 2 / ((long) kc * Float.BYTES)) / mr * mr, mr, 1 << 14);
        int nc = clamp((int) (caches.l3() / 2 / ((long) kc * Float.BYTES)) / nr * nr, nr, 1 << 14);
        return new GemmBlocking(Integer.getInteger("vectorvit.gemm.mc", mc), kc,
                Integer.getInteger("vectorvit.gemm.nc", nc), caches.source());
    }

    /** The tile and A layout, e.g. "register tile 6 x 32 (6 rows x 2 vectors), A panels row strips". */
    String describe() {
        return vector ? String.format(Locale.ROOT, "register tile %d x %d (%d rows x 2 vectors), A panels %s",
                mr, nr, mr, aLayout()) : "scalar reference (no register tile)";
    }

    /** {@link #describe} as JSON members (tile_rows and tile_cols 0 for the scalar reference). */
    String json() {
        return String.format(Locale.ROOT, "\"tile_rows\":%d,\"tile_cols\":%d,\"a_panels\":\"%s\"",
                vector ? mr : 0, vector ? nr : 0, vector ? aLayout() : "none");
    }

    /**
     * Whether the micro-kernel reads A's rows where they are instead of a packed copy: with row strips, a
     * strip is a row's own k range, so the copy bought nothing (MLAS does not pack A either) and cost the
     * packed product a pass over A and a wait for the team's share of it.
     */
    boolean aInPlace() {
        return vector && !aKMajor;
    }

    private String aLayout() {
        return aKMajor ? "k-major" : "row strips";
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
