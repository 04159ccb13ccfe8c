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
 * vectors (8). It counts the work each member is given (the same functions the GEMM calls); it times nothing.
 */
final class GemmSplitTest {
    private static final int MR = GemmContext.CURRENT.mr();

    /** M x N x K of each linear product of a ViT-B/16 pass over {@code batch} images (the patch embedding per image). */
    private static List<int[]> products(int batch) {
        int t = 197 * batch;
        return List.of(new int[] {196, 768, 768}, new int[] {t, 2304, 768}, new int[] {t, 768, 768},
                new int[] {t, 3072, 768}, new int[] {t, 768, 3072}, new int[] {batch, 1000, 768});
    }

    /** FMAs per member for an m x n x k product: the sum over the GEMM's row blocks of each member's rectangle. */
    static long[] fmas(int m, int n, int k, int members, int nr) {
        long[] work = new long[members];
        int block = Gemm.blockRows(m, k);
        for (int first = 0; first < m; first += block) {
            int rows = Math.min(block, m - first);
            int rowParts = GemmSplit.rowParts(rows, n, members, MR, nr), colParts = members / rowParts;
            for (int member = 0; member < members; member++) {
                int r = member / colParts, c = member % colParts;
                long height = GemmSplit.start(r + 1, rows, MR, rowParts) - GemmSplit.start(r, rows, MR, rowParts);
                long width = GemmSplit.start(c + 1, n, nr, colParts) - GemmSplit.start(c, n, nr, colParts);
                work[member] += height * width * k;
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
    void partsTileTheRangeWithoutGapsOrOverlap() {
        for (int size : new int[] {1, 5, 6, 7, 197, 3152}) {
            for (int parts = 1; parts <= 16; parts++) {
                int previous = 0;
                for (int p = 0; p < parts; p++) {
                    int from = GemmSplit.start(p, size, MR, parts), to = GemmSplit.start(p + 1, size, MR, parts);
                    assertEquals(previous, from, "part " + p + " of " + parts + " over " + size);
                    assertTrue(to >= from && from % MR == 0, "part " + p + " of " + parts + " over " + size);
                    previous = to;
                }
                assertEquals(size, previous, parts + " parts over " + size);
            }
        }
    }
}
