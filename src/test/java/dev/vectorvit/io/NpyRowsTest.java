package dev.vectorvit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyRowsTest {
    @TempDir
    Path dir;

    @Test
    void theFileIsAValidArrayAfterEachFlush() throws IOException {
        Path file = dir.resolve("rows.npy");
        try (NpyRows rows = NpyRows.create(file, 3)) {
            assertArrayEquals(new long[] {0, 3}, Npy.read(file).shape());
            rows.write(new float[] {1, 2, 3});
            rows.write(new float[] {4, 5, 6.5f});
            rows.flush();
            // Not closed yet: what an interrupted run leaves behind.
            NpyArray two = Npy.read(file);
            assertArrayEquals(new long[] {2, 3}, two.shape());
            assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6.5}, two.toDoubles());
            for (int i = 0; i < 1000; i++) { // N from 1 digit to 4: the header keeps its length
                rows.write(new float[] {i, -i, 0.25f});
            }
            assertThrows(IllegalArgumentException.class, () -> rows.write(new float[2]));
        }
        NpyArray all = Npy.read(file);
        assertArrayEquals(new long[] {1002, 3}, all.shape());
        double[] v = all.toDoubles();
        assertArrayEquals(new double[] {999, -999, 0.25}, java.util.Arrays.copyOfRange(v, v.length - 3, v.length));
        assertArrayEquals(new double[] {0, 0, 0.25}, java.util.Arrays.copyOfRange(v, 6, 9));
    }

    @Test
    void rowsOfTwoDimensionsMakeAThreeDimensionalArray() throws IOException {
        Path file = dir.resolve("tokens.npy");
        try (NpyRows rows = NpyRows.create(file, 2, 3)) {
            rows.write(new float[] {1, 2, 3, 4, 5, 6});
            rows.flush();
            assertArrayEquals(new long[] {1, 2, 3}, Npy.read(file).shape());
            rows.write(new float[] {7, 8, 9, 10, 11, 12});
            assertThrows(IllegalArgumentException.class, () -> rows.write(new float[3]));
        }
        NpyArray all = Npy.read(file);
        assertArrayEquals(new long[] {2, 2, 3}, all.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, all.toDoubles());
        assertThrows(IllegalArgumentException.class, () -> NpyRows.create(dir.resolve("bad.npy"), 4, 0));
    }
}
