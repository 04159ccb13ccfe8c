package dev.vectorvit.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * How the team shares ViT-B/16's linear layers: every member's FMA count within 10% of the average, at
 * batch 1 and 16, on 2 to 16 members, for the register tiles of AVX-512 (NR 32), AVX2 (16) and 128-bit
 * vectors (8), where the members run at one speed and each takes the grid's next rectangle when it comes
 * free. It counts the work each member would take (the same functions the GEMM calls); it times nothing.
 */
final class GemmSplitTest {
    private static final int MR = GemmContext.CURRENT.mr();

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
    static long[] fmas(int m, int n, int k, int members, int nr) {
        long[] work = new long[members];
        int block = Gemm.blockRows(m, k);
        for (int first = 0; first < m; first += block) {
            int rows = Math.min(block, m - first);
            int rowParts = GemmSplit.rowParts(rows, n, members, MR, nr);
            int colChunks = GemmSplit.columnChunks(n, nr, members, rowParts);
            long[] job = new long[members];
            for (int i = 0; i < rowParts * colChunks; i++) {
                int r = i / colChunks, c = i % colChunks, free = 0;
                for (int member = 1; member < members; member++) {
                    free = job[member] < job[free] ? member : free;
                }
                long height = GemmSplit.start(r + 1, rows, MR, rowParts) - GemmSplit.start(r, rows, MR, rowParts);
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
        for (int nr : new int[] {32, 16, 8}) {
            for (int batch : new int[] {1, 16}) {
                for (int[] p : products(batch)) {
                    for (int members : new int[] {2, 4, 8, 16}) {
                        long[] work = fmas(p[0], p[1], p[2], members, nr);
                        long total = 0, most = 0;
                        for (long w : work) {
                            total += w;
                            most = Math.max(most, w);
                        }
                        assertEquals((long) p[0] * p[1] * p[2], total, "every FMA is given to exactly one member");
                        double ratio = most / ((double) total / members);
                        String line = String.format(Locale.ROOT, "NR %d, %dx%dx%d, %d members: largest share %.3f x the average",
                                nr, p[0], p[2], p[1], members, ratio);
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
        for (int size : new int[] {1, 5, 6, 7, 197, 3152}) {
            for (int parts = 1; parts <= 16; parts++) {
                int previous = 0;
                for (int p = 0; p < parts; p++) {
                    int from = GemmSplit.start(p, size, MR, parts), to = GemmSplit.start(p + 1, size, MR, parts);
                    assertEquals(previous, from, "part " + p + " of " + parts + " over " + size);
                    // Whole tiles; the empty parts (more parts than tiles) at the end.
                    assertTrue(to >= from && (from % MR == 0 || from == size), "part " + p + " of " + parts + " over " + size);
                    int tiles = (to - from + MR - 1) / MR, first = (GemmSplit.start(1, size, MR, parts) + MR - 1) / MR;
                    assertTrue(tiles == first || tiles == first - 1, "part " + p + " of " + parts + " over " + size
                            + ": " + tiles + " tiles, the first part " + first);
                    assertTrue(p == 0 || tiles <= (from - GemmSplit.start(p - 1, size, MR, parts) + MR - 1) / MR,
                            "part " + p + " of " + parts + " over " + size + " is larger than the part before it");
                    previous = to;
                }
                assertEquals(size, previous, parts + " parts over " + size);
            }
        }
    }
}
