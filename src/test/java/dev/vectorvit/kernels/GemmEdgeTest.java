package dev.vectorvit.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Products whose C edge cuts the last column panel and the last row tile, every operand in a segment of
 * exactly its size (the properties' matrices have slack after them, where an over-read goes unnoticed): a
 * tile cut by the edge reads no float of A, W, C or the bias past its end, and C = A W^T + beta C + bias.
 */
final class GemmEdgeTest {

    @ParameterizedTest
    @CsvSource({"197, 64, 197, 0", "197, 64, 197, 1", "11, 40, 37, 0", "11, 40, 37, 1", "5, 3, 1, 0", "5, 3, 1, 1"})
    void readsNothingPastAnOperand(int m, int k, int n, float beta) {
        float[] a = random(m * k, 1), w = random(n * k, 2), bias = random(n, 3), c0 = random(m * n, 4);
        try (Arena arena = Arena.ofShared(); ThreadTeam team = ThreadTeam.of(2)) {
            MemorySegment as = Memory.copyOf(arena, a), ws = Memory.copyOf(arena, w), bs = Memory.copyOf(arena, bias);
            PackedMatrix packed = PackedMatrix.pack(ws, 0, k, n, k, arena);
            Gemm gemm = new Gemm(team);
            Epilogue e = Epilogue.of(beta, bs, Activation.NONE);
            for (boolean pack : new boolean[] {true, false}) {
                MemorySegment cs = Memory.copyOf(arena, c0);
                if (pack) {
                    gemm.multiply(m, MatrixView.of(as, 0, k), packed, MatrixView.of(cs, 0, n), e);
                } else {
                    gemm.multiply(m, n, k, 1f, MatrixView.of(as, 0, k), MatrixView.of(ws, 0, k).t(), MatrixView.of(cs, 0, n), e);
                }
                float[] c = Memory.toArray(cs, 0, m * n);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double want = beta * c0[i * n + j] + bias[j], size = Math.abs(want);
                        for (int p = 0; p < k; p++) {
                            want += (double) a[i * k + p] * w[j * k + p];
                            size += Math.abs((double) a[i * k + p] * w[j * k + p]);
                        }
                        assertEquals(want, c[i * n + j], 1e-6 * (k + 2) * size,
                                (pack ? "packed" : "as stored") + " C[" + i + "][" + j + "]");
                    }
                }
            }
        }
    }

    private static float[] random(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }
}
