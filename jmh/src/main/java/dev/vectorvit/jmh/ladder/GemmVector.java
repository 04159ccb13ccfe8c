package dev.vectorvit.jmh.ladder;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rung 2: the same i-k-j loop with the Vector API. A[i][k] is broadcast into all V lanes and one FMA
 * updates V columns of the C row from V columns of the B row: 16 multiply-adds per instruction with
 * AVX-512 instead of one. What still limits it is memory traffic, not arithmetic: every FMA loads a
 * vector of C and one of B and stores C back (two loads and a store per FMA, and L1 sustains about two
 * loads and one store per cycle), and the whole C row is re-read for every k. The FMA units idle most
 * of the time. n must be a multiple of V (all the ladder's shapes are; tails are an experiment of
 * their own, see TailBench).
 */
final class GemmVector implements GemmRung {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int V = S.length();
    static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private final int m, n, k;

    GemmVector(int m, int n, int k) {
        if (n % V != 0) {
            throw new IllegalArgumentException("n = " + n + " must be a multiple of " + V);
        }
        this.m = m;
        this.n = n;
        this.k = k;
    }

    @Override
    public void multiply(MemorySegment a, MemorySegment b, MemorySegment c) {
        rows(0, m, n, k, a, b, c);
    }

    /** Rows [i0, i1) of C = A B (rung 3 reuses this for the rows that do not fill a register tile). */
    static void rows(int i0, int i1, int n, int k, MemorySegment a, MemorySegment b, MemorySegment c) {
        long rowBytes = (long) n * Float.BYTES;
        for (int i = i0; i < i1; i++) {
            for (int j = 0; j < n; j += V) {
                FloatVector.zero(S).intoMemorySegment(c, i * rowBytes + (long) j * Float.BYTES, NATIVE);
            }
            for (int p = 0; p < k; p++) {
                addRow(n, a.getAtIndex(F, (long) i * k + p), b, p * rowBytes, c, i * rowBytes);
            }
        }
    }

    /** C row += aip x B row, n floats from the given byte offsets: rung 1's row update, V lanes at a time. */
    private static void addRow(int n, float aip, MemorySegment b, long bRow, MemorySegment c, long cRow) {
        FloatVector av = FloatVector.broadcast(S, aip);
        for (int j = 0; j < n; j += V) {
            long o = (long) j * Float.BYTES;
            FloatVector cv = FloatVector.fromMemorySegment(S, c, cRow + o, NATIVE);
            av.fma(FloatVector.fromMemorySegment(S, b, bRow + o, NATIVE), cv).intoMemorySegment(c, cRow + o, NATIVE);
        }
    }
}
