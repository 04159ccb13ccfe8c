package dev.vectorvit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The heat maps of vit explain: colours, range scaling and upsampling on values worked out by hand. */
final class HeatMapTest {
    @Test
    void colorsAreViridisSamplesAndLinearBetween() {
        assertEquals(0x440154, HeatMap.color(0));
        assertEquals(0x21908D, HeatMap.color(0.5));
        assertEquals(0xFDE725, HeatMap.color(1));
        // Halfway between the first two samples, 0x440154 and 0x472C7A, rounded half up.
        assertEquals(0x461767, HeatMap.color(1 / 16.0));
        assertEquals(0x440154, HeatMap.color(-2));
        assertEquals(0xFDE725, HeatMap.color(7));
        assertEquals(0x440154, HeatMap.color(Double.NaN));
    }

    @Test
    void normalizeScalesToTheRangeAndFlatMapsToZero() {
        assertArrayEquals(new double[] {0, 1, 0.5}, HeatMap.normalize(new float[] {9, 2, 4, 3}, 1, 3));
        assertArrayEquals(new double[] {0, 0}, HeatMap.normalize(new float[] {5, 5}, 0, 2));
        assertArrayEquals(new double[] {0, 0}, HeatMap.normalize(new float[] {0, Float.NaN}, 0, 2));
    }

    /** 2 x 2 to 4 x 4: pixel centres at grid coordinates -0.25, 0.25, 0.75, 1.25 (edges clamped). */
    @Test
    void upsampleIsBilinearOnPixelCentres() {
        double[] grid = {0, 4, 8, 12};
        double[] row0 = {0, 1, 3, 4}, row1 = {2, 3, 5, 6}, row2 = {6, 7, 9, 10}, row3 = {8, 9, 11, 12};
        double[] want = new double[16];
        for (int x = 0; x < 4; x++) {
            want[x] = row0[x];
            want[4 + x] = row1[x];
            want[8 + x] = row2[x];
            want[12 + x] = row3[x];
        }
        assertArrayEquals(want, HeatMap.upsample(grid, 2, 2, 4, 4), 1e-12);
    }
}
