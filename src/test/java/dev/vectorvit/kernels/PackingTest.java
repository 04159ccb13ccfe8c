package dev.vectorvit.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Packed A holds, bit for bit, alpha times A's element at each place of the layout this JVM's GEMM reads (k-major
 * panels on 8 lanes or fewer: the narrow-vectors execution) and zeros past the last row; the floats around the
 * pack stay untouched.
 */
final class PackingTest {

    /** Rows across several panels and an edge one, k steps across whole vectors and a tail, k0 and lda past 0. */
    @ParameterizedTest
    @CsvSource({
        "13, 37, 3, 45, 1", "10, 64, 0, 64, 1", "5, 8, 2, 11, 0.5", "1, 1, 0, 1, 1", "4, 19, 1, 23, -3",
        "197, 197, 0, 197, 1", "30, 16, 5, 40, 0.125"})
    void packedAIsAlphaTimesAInTheKernelsLayout(int rows, int kc, int k0, int lda, float alpha) {
        int mr = GemmContext.CURRENT.mr(), row0 = 2, panels = (rows + mr - 1) / mr, guard = 7;
        SplittableRandom r = new SplittableRandom(rows * 131L + kc);
        float[] a = new float[(row0 + rows) * lda];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        a[(row0 * lda + k0) % a.length] = Float.NaN;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate((long) (2 * guard + panels * mr * kc) * Float.BYTES, 64);
            for (long i = 0; i < dst.byteSize() / Float.BYTES; i++) {
                dst.setAtIndex(ValueLayout.JAVA_FLOAT, i, -7f);
            }
            Packing.packA(false, Memory.copyOf(arena, a), 0, lda, row0, rows, k0, kc, alpha, dst, guard, mr);
            float[] got = Memory.toArray(dst, 0, (int) (dst.byteSize() / Float.BYTES));
            boolean kMajor = GemmContext.CURRENT.aKMajor();
            for (int i = 0; i < panels * mr; i++) {
                for (int p = 0; p < kc; p++) {
                    int at = guard + (i / mr) * mr * kc + (kMajor ? p * mr + i % mr : (i % mr) * kc + p);
                    float want = i < rows ? alpha * a[(row0 + i) * lda + k0 + p] : 0f;
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[at]),
                            "row " + i + ", k step " + p + (kMajor ? " (k-major)" : " (row strips)"));
                }
            }
            for (int i = 0; i < guard; i++) {
                assertEquals(-7f, got[i], "before the pack");
                assertEquals(-7f, got[got.length - 1 - i], "after the pack");
            }
        }
    }
}
