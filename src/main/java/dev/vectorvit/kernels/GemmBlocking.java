package dev.vectorvit.kernels;

/**
 * Cache blocking of the GEMM, after BLIS: a KC x NR panel of B is reused by every A panel of the
 * block, an MC x KC block of A stays in L2, a KC x NC block of packed B in L3. The rule that sizes
 * them is the ISA's ({@link GemmContext#blocking}). Results do not depend on them (see {@link MicroKernel}).
 *
 * @param mc     rows of A per L2 block (a multiple of MR)
 * @param kc     depth per block
 * @param nc     columns of B per L3 block (a multiple of NR)
 * @param caches where the cache sizes came from ({@link CacheSizes#source}), or "given"
 */
public record GemmBlocking(int mc, int kc, int nc, String caches) {

    public GemmBlocking {
        if (mc < 1 || kc < 1 || nc < 1) {
            throw new IllegalArgumentException("GEMM blocking must be positive: mc=" + mc + " kc=" + kc + " nc=" + nc);
        }
    }

    /** A blocking chosen by the caller, not from caches. */
    public GemmBlocking(int mc, int kc, int nc) {
        this(mc, kc, nc, "given");
    }

    /** The blocking for this machine's caches. */
    public static GemmBlocking forThisMachine() {
        return GemmContext.CURRENT.blocking(CacheSizes.ofThisMachine());
    }

    /**
     * The depth of each k block of a product of depth {@code k}: k cut into k / KC blocks (at least one) of
     * equal depth, the last one shorter by the remainder. A KC that does not divide k would leave a thin last
     * block, whose tiles load and store C as often for half the FMAs: 197x768x768 ran 3-4% slower as
     * 512 + 256 than as one block of 768 or two of 384, where depth itself mattered little (197x3072x768 at
     * KC 384 to 1024 within 1%; docs/gemm.md, "The blocking"). A block is thus less than twice KC deep.
     */
    public int depth(int k) {
        int blocks = Math.max(1, k / kc);
        return (k + blocks - 1) / blocks;
    }

    /**
     * The register tile, A panel layout and blocking, e.g. "register tile 6 x 32 (6 rows x 2 vectors), A
     * panels row strips, KC 768, MC 168, NC 2728 (caches from sysfs)".
     */
    public String describe() {
        return GemmContext.CURRENT.describe() + ", KC " + kc + ", MC " + mc + ", NC " + nc + " (caches from " + caches + ")";
    }

    /** {@link #describe} as a JSON object (tile_rows and tile_cols 0 for the scalar reference). */
    public String json() {
        return "{" + GemmContext.CURRENT.json() + ",\"kc\":" + kc + ",\"mc\":" + mc + ",\"nc\":" + nc
                + ",\"caches\":\"" + caches + "\"}";
    }
}
