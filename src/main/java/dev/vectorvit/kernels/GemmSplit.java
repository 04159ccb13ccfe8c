package dev.vectorvit.kernels;

/**
 * How the members of a team share an m x n block of C: a grid of row parts x column parts, rectangles
 * of whole MR x NR tiles. Cutting only columns leaves members idle or doubled up when the column panels
 * are fewer than the members or do not divide among them (768 columns are 24 panels: 16 members get 1 or
 * 2); cutting rows too evens that out. Of the grids whose parts multiply to the team size, the one whose
 * largest rectangle is smallest wins; on a tie, the one that reads less (each row part reads all of W's
 * panels for its columns, each column part all of A's rows for its rows). Each column part is then cut
 * in up to {@value #CHUNKS_PER_PART} pieces ({@link #columnChunks}), and the members take the rectangles in
 * order, each the next one left as it comes free: a member on a slower core (a VM's vCPU in a slow phase, a hybrid
 * CPU's efficiency core, a core shared with other work) takes fewer, where with one rectangle each every
 * other member waited for it (ViT-B/16 on 2 threads of 2 cores 1-2% faster here, on 3 threads 13%;
 * RESULTS.md). Static, so that a call allocates nothing.
 */
final class GemmSplit {
    private GemmSplit() {}

    /** The number of row parts for an m x n block on {@code members} members (columns: members / that). */
    static int rowParts(int m, int n, int members, int mr, int nr) {
        int best = 1;
        long bestLoad = Long.MAX_VALUE, bestTraffic = Long.MAX_VALUE;
        for (int rows = 1; rows <= members; rows++) {
            if (members % rows != 0) {
                continue;
            }
            int cols = members / rows;
            long load = (long) largest(m, mr, rows) * largest(n, nr, cols);
            long traffic = (long) rows * n + (long) cols * m;
            if (load < bestLoad || load == bestLoad && traffic < bestTraffic) {
                best = rows;
                bestLoad = load;
                bestTraffic = traffic;
            }
        }
        return best;
    }

    /** Rectangles per column part that the members take one at a time. */
    static final int CHUNKS_PER_PART = 4;
    /**
     * The narrowest piece cut from a column part, in columns: a piece reads its rows of A once per k slice,
     * 4 / width bytes per FMA. With pieces one panel wide, ViT-B/16 on two or more members a core ran 2-3%
     * slower (fc2's A, 197 x 3072, read a dozen times over: the likely cost; RESULTS.md).
     */
    static final int MIN_CHUNK_COLUMNS = 96;

    /**
     * The column chunks of an n-column block on {@code members} members with {@code rowParts} row parts:
     * the same number of pieces per column part, up to {@value #CHUNKS_PER_PART} while they are at least
     * {@value #MIN_CHUNK_COLUMNS} columns wide, at least one (each member's rectangle); at most one per
     * panel; one for a team of one.
     */
    static int columnChunks(int n, int nr, int members, int rowParts) {
        if (members == 1) {
            return 1;
        }
        int panels = (n + nr - 1) / nr, colParts = members / rowParts;
        int pieces = panels / Math.max(1, MIN_CHUNK_COLUMNS / nr) / colParts;
        return Math.min(panels, colParts * Math.max(1, Math.min(CHUNKS_PER_PART, pieces)));
    }

    /**
     * Where part {@code part} of {@code parts} begins along a dimension of {@code size}: whole units
     * (tiles) shared out as evenly as they go, the parts with a unit more first (so that members taking
     * rectangles in order take the larger ones first, and the last ones taken are the smallest); part
     * {@code parts} gives the end.
     */
    static int start(int part, int size, int unit, int parts) {
        int tiles = (size + unit - 1) / unit, each = tiles / parts, more = tiles % parts;
        return Math.min(size, (part * each + Math.min(part, more)) * unit);
    }

    /** The most rows (or columns) any part gets. */
    private static int largest(int size, int unit, int parts) {
        int most = 0;
        for (int p = 0; p < parts; p++) {
            most = Math.max(most, start(p + 1, size, unit, parts) - start(p, size, unit, parts));
        }
        return most;
    }
}
