package dev.vectorvit.jmh.ladder;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Rung 1: the textbook loop in i-k-j order, one float at a time. The i-k-j order (not i-j-k) already
 * makes the inner loop walk a row of B and a row of C with unit stride, so this is the fair scalar
 * baseline, not a strawman. C2 does not vectorize it (it runs at the speed of scalar code, about 8
 * GFLOPS): it cannot prove that the C row it stores and the B row it loads are different memory. So
 * each multiply-add is a scalar load of C, a load of B, a multiply, an add and a store, on a core whose
 * FMA units could do 273 GFLOPS.
 *
 * <p>The row update is a method of its own, and not only for reading: written as one three-deep loop
 * nest, the same code ran at 0.9 GFLOPS in most JVM runs here and at 7.5 in others (C2 compiled the nest
 * differently from run to run); a small hot method is compiled the same way every time.
 */
final class GemmScalar implements GemmRung {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private final int m, n, k;

    GemmScalar(int m, int n, int k) {
        this.m = m;
        this.n = n;
        this.k = k;
    }

    @Override
    public void multiply(MemorySegment a, MemorySegment b, MemorySegment c) {
        c.fill((byte) 0);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                addRow(n, a.getAtIndex(F, (long) i * k + p), b, (long) p * n, c, (long) i * n);
            }
        }
    }

    /** C row += aip x B row, n floats from the given indices. */
    private static void addRow(int n, float aip, MemorySegment b, long bRow, MemorySegment c, long cRow) {
        for (int j = 0; j < n; j++) {
            c.setAtIndex(F, cRow + j, c.getAtIndex(F, cRow + j) + aip * b.getAtIndex(F, bRow + j));
        }
    }
}
