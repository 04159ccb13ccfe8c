package dev.vectorvit.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * How the team shares ViT-B/16's linear layers: every member's FMA count within 10% of the average, at
 * batch 1 and 16, on 2 to 16 members, for the tiles and A layouts of AVX-512 (6 x 32, A read in place), AVX2
 * (5 x 16, A packed in blocks) and 128-bit vectors (5 x 8), as {@link GemmContext#forLanes} registers them,
 * where the members run at one speed and each takes the grid's next rectangle when it comes free. It counts
 * the work each member would take (the same functions the GEMM calls); it times nothing.
 */
final class GemmSplitTest {

    /** M x N x K of each linear product of a ViT-B/16 pass over {@code batch} images (the patch embedding per image). */
    private static List<int[]> products(int batch) {
        int t = 197 * batch;
        return List.of(new int[] {196, 768, 768}, new int[] {t, 2304, 768}, new int[] {t, 768, 768},
                new int[] {t, 3072, 768}, new int[] {t, 768, 3072}, new int[] {batch, 1000, 768});
    }

    /**
     * FMAs per member for an m x n x k product, over the GEMM's row blocks: each rectangle of a block's grid,
     * in the GEMM's order, goes to the member that has done the least so far (the first to come free), and
     * a block starts when the last one has ended (a job of the team).
     */
    static long[] fmas(int m, int n, int k, int members, GemmContext tile) {
        int mr = tile.mr(), nr = tile.nr();
        long[] work = new long[members];
        int block = Gemm.blockRows(m, k, mr, tile.aInPlace());
        for (int first = 0; first < m; first += block) {
            int rows = Math.min(block, m - first);
            int rowParts = GemmSplit.rowParts(rows, n, members, mr, nr);
            int colChunks = GemmSplit.columnChunks(n, nr, members, rowParts);
            long[] job = new long[members];
            for (int i = 0; i < rowParts * colChunks; i++) {
                int r = i / colChunks, c = i % colChunks, free = 0;
                for (int member = 1; member < members; member++) {
                    free = job[member] < job[free] ? member : free;
                }
                long height = GemmSplit.start(r + 1, rows, mr, rowParts) - GemmSplit.start(r, rows, mr, rowParts);
                long width = GemmSplit.start(c + 1, n, nr, colChunks) - GemmSplit.start(c, n, nr, colChunks);
                job[free] += height * width * k;
            }
            for (int member = 0; member < members; member++) {
                work[member] += job[member];
            }
        }
        return work;
    }

    @Test
    void everyMemberGetsWithinTenPercentOfTheAverageOnViTB16() {
        List<String> over = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        for (int lanes : new int[] {16, 8, 4}) {
            GemmContext tile = GemmContext.forLanes(lanes);
            for (int batch : new int[] {1, 16}) {
                for (int[] p : products(batch)) {
                    for (int members : new int[] {2, 4, 8, 16}) {
                        long[] work = fmas(p[0], p[1], p[2], members, tile);
                        long total = 0, most = 0;
                        for (long w : work) {
                            total += w;
                            most = Math.max(most, w);
                        }
                        assertEquals((long) p[0] * p[1] * p[2], total, "every FMA is given to exactly one member");
                        double ratio = most / ((double) total / members);
                        String line = String.format(Locale.ROOT, "tile %d x %d, %dx%dx%d, %d members: largest share %.3f x the average",
                                tile.mr(), tile.nr(), p[0], p[2], p[1], members, ratio);
                        table.append(line).append('\n');
                        if (ratio > 1.10) {
                            over.add(line);
                        }
                    }
                }
            }
        }
        System.out.print(table);
        assertTrue(over.isEmpty(), "over 10% above the average:\n" + String.join("\n", over));
    }

    @Test
    void partsTileTheRangeWithoutGapsOrOverlapTheLargerFirst() {
        for (int mr : new int[] {5, 6}) {
            for (int size : new int[] {1, 5, 6, 7, 197, 3152}) {
                for (int parts = 1; parts <= 16; parts++) {
                    String where = parts + " parts of " + mr + "-row tiles over " + size;
                    int previous = 0;
                    for (int p = 0; p < parts; p++) {
                        int from = GemmSplit.start(p, size, mr, parts), to = GemmSplit.start(p + 1, size, mr, parts);
                        assertEquals(previous, from, "part " + p + ", " + where);
                        // Whole tiles; the empty parts (more parts than tiles) at the end.
                        assertTrue(to >= from && (from % mr == 0 || from == size), "part " + p + ", " + where);
                        int tiles = (to - from + mr - 1) / mr, first = (GemmSplit.start(1, size, mr, parts) + mr - 1) / mr;
                        assertTrue(tiles == first || tiles == first - 1,
                                "part " + p + ", " + where + ": " + tiles + " tiles, the first part " + first);
                        assertTrue(p == 0 || tiles <= (from - GemmSplit.start(p - 1, size, mr, parts) + mr - 1) / mr,
                                "part " + p + ", " + where + ", is larger than the part before it");
                        previous = to;
                    }
                    assertEquals(size, previous, where);
                }
            }
        }
    }
}
