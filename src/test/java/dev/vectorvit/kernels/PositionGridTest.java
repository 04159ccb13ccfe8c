package dev.vectorvit.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.Npy;
import dev.vectorvit.io.NpyArray;
import dev.vectorvit.io.TestResources;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PositionGrid} against PyTorch's own {@code F.interpolate(mode="bicubic", align_corners=False)} in
 * float32: {@code src/test/resources/bicubic/make.py} (PyTorch 1.13) wrote each case's grid {@code NAME_in.npy}
 * [gh, gw, D] and PyTorch's result {@code NAME_out.npy} [oh, ow, D].
 */
class PositionGridTest {
    /** PositionGrid's documented bound, relative to the grid's largest magnitude. */
    private static final double BOUND = 1e-6;

    @ParameterizedTest
    @ValueSource(strings = {"up", "mixed", "dinov2", "vit"})
    void matchesPyTorch(String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            NpyArray in = Npy.read(TestResources.path("bicubic/" + name + "_in.npy"));
            NpyArray want = Npy.read(TestResources.path("bicubic/" + name + "_out.npy"));
            long[] is = in.shape();
            long[] os = want.shape();
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, want.elementCount());
            PositionGrid.interpolate(in.float32(arena), 0, (int) is[0], (int) is[1], (int) is[2],
                    out, 0, (int) os[0], (int) os[1]);
            double max = 0;
            for (double v : in.toDoubles()) {
                max = Math.max(max, Math.abs(v));
            }
            double[] expected = want.toDoubles();
            double worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(out.getAtIndex(ValueLayout.JAVA_FLOAT, i) - expected[i]));
            }
            assertTrue(worst <= BOUND * max, name + ": max |difference| " + worst + " > " + BOUND * max);
        }
    }

    /** 2x2 -> 1x1 reads source position 0.5 in both axes: weights -0.09375, 0.59375, 0.59375, -0.09375 (by hand). */
    @Test
    void shrinkingToOneTakesTheCenter() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f, 2f, 3f, 5f);
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, 1);
            PositionGrid.interpolate(in, 0, 2, 2, 1, out, 0, 1, 1);
            // Border taps fold onto the borders: each axis weighs index 0 by 0.5 and index 1 by 0.5.
            assertEquals((1 + 2 + 3 + 5) / 4f, out.getAtIndex(ValueLayout.JAVA_FLOAT, 0), 1e-7);
        }
    }

    @Test
    void rejectsBadSizesAndOverlap() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(ValueLayout.JAVA_FLOAT, 16);
            assertThrows(IllegalArgumentException.class, () -> PositionGrid.interpolate(s, 0, 0, 2, 1, s, 8, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> PositionGrid.interpolate(s, 0, 2, 2, 1, s, 14, 2, 2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PositionGrid.interpolate(s, 0, 2, 2, 1, s, 2, 2, 2));
            assertEquals("out must not overlap in", e.getMessage());
            PositionGrid.interpolate(s, 0, 2, 2, 1, s, 4, 2, 2);
            assertArrayEquals(s.asSlice(0, 16).toArray(ValueLayout.JAVA_FLOAT),
                    s.asSlice(16, 16).toArray(ValueLayout.JAVA_FLOAT));
        }
    }
}
