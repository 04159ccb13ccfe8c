package dev.vectorvit.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A packed weight's rows scaled in place hold the same bits as the scaled weight packed. */
final class PackedMatrixTest {

    /** n past a panel's edge and k over several slices (kc 32), and one panel of one slice. */
    @ParameterizedTest
    @CsvSource({"37, 70", "768, 64", "1, 1"})
    void scaledRowsAreTheScaledWeightPacked(int n, int k) {
        SplittableRandom r = new SplittableRandom(n * 31L + k);
        float[] w = new float[n * k], scale = new float[n], scaled = new float[n * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < n; i++) {
            scale[i] = (float) r.nextDouble();
        }
        scale[0] = Float.POSITIVE_INFINITY; // products as they come: inf, and NaN for a zero weight
        w[1 % w.length] = 0f;
        for (int i = 0; i < w.length; i++) {
            scaled[i] = w[i] * scale[i / k];
        }
        GemmBlocking blocking = new GemmBlocking(96, 32, 256);
        try (Arena arena = Arena.ofConfined()) {
            PackedMatrix want = PackedMatrix.pack(Memory.copyOf(arena, scaled), 0, k, n, k, blocking, arena);
            PackedMatrix got = PackedMatrix.pack(Memory.copyOf(arena, w), 0, k, n, k, blocking, arena);
            MemorySegment s = Memory.copyOf(arena, scale);
            got.scaleRows(s, 0);
            assertArrayEquals(Memory.toArray(want.data(), 0, (int) (want.byteSize() / Float.BYTES)),
                    Memory.toArray(got.data(), 0, (int) (got.byteSize() / Float.BYTES)));
            assertThrows(IllegalArgumentException.class, () -> got.scaleRows(s, 1), "a scale one float short");
        }
    }
}
