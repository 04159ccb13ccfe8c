package dev.vectorvit.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class GemmBlockingTest {

    @Test
    void blockingMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GemmBlocking(6, 0, 32));
        assertTrue(e.getMessage().contains("kc=0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GemmBlocking(0, 64, 32));
        assertThrows(IllegalArgumentException.class, () -> new GemmBlocking(6, 64, -32));
    }

    @Test
    void thisMachinesBlockingIsWholeTiles() {
        GemmBlocking b = GemmBlocking.forThisMachine();
        assertTrue(b.kc() >= 64 && b.kc() <= 1024 && b.kc() % 8 == 0, b.toString());
        assertEquals(0, b.mc() % GemmContext.CURRENT.mr(), b.toString());
        assertEquals(0, b.nc() % GemmContext.CURRENT.nr(), b.toString());
        assertTrue(b.describe().endsWith("(caches from " + b.caches() + ")"), b.describe());
        assertTrue(b.json().endsWith(",\"caches\":\"" + b.caches() + "\"}"), b.json());
    }

    /** The registry: 2 vectors; A k-major in 5 rows up to 8 lanes (16 registers), row strips in 6 above. */
    @ParameterizedTest
    @CsvSource({"16, 32, false, 6", "8, 16, true, 5", "4, 8, true, 5"})
    void eachVectorWidthHasItsTileAndALayout(int lanes, int nr, boolean kMajor, int mr) {
        GemmContext c = GemmContext.forLanes(lanes);
        assertEquals(new GemmContext(mr, nr, true, kMajor), c);
        assertEquals("register tile " + mr + " x " + nr + " (" + mr + " rows x 2 vectors), A panels "
                + (kMajor ? "k-major" : "row strips"), c.describe());
    }

    @Test
    void scalarReferenceHasNoTile() {
        GemmContext c = GemmContext.forLanes(0);
        assertEquals("scalar reference (no register tile)", c.describe());
        assertEquals("\"tile_rows\":0,\"tile_cols\":0,\"a_panels\":\"none\"", c.json());
    }

    /** KC = 2 L1 / (NR x 4 bytes), MC = L2 / 2 / (KC x 4) in whole tiles, NC = L3 / 2 / (KC x 4) in whole panels. */
    @Test
    void blockingRuleFromCacheSizes() {
        GemmContext avx512 = GemmContext.forLanes(16);
        assertEquals(new GemmBlocking(126, 512, 2048, "defaults"), avx512.blocking(CacheSizes.DEFAULTS));
        // Zen 5: 48 KiB L1d, 1 MiB L2, 32 MiB L3.
        CacheSizes zen5 = new CacheSizes(48 << 10, 1 << 20, 32 << 20, "sysfs");
        assertEquals(new GemmBlocking(168, 768, 5440, "sysfs"), avx512.blocking(zen5));
        // AVX2: NR 16 doubles KC for the same L1 (capped at 1024); MC in whole 5-row tiles.
        assertEquals(new GemmBlocking(125, 1024, 1024, "sysfs"),
                GemmContext.forLanes(8).blocking(new CacheSizes(32 << 10, 1 << 20, 8 << 20, "sysfs")));
    }

    /** K / KC blocks of equal depth (at least one): no thin last block. */
    @ParameterizedTest
    @CsvSource({"768, 768", "3072, 512", "512, 512", "1023, 1023", "1024, 512", "1500, 750", "3000, 600", "64, 64",
            "197, 197", "1, 1"})
    void depthCutsKIntoEqualBlocks(int k, int depth) {
        GemmBlocking b = new GemmBlocking(252, 512, 2048);
        assertEquals(depth, b.depth(k));
        int blocks = (k + depth - 1) / depth;
        assertTrue(k - (blocks - 1) * depth > depth - blocks, "last block of " + k + " too thin");
    }

    @Test
    void systemPropertiesOverrideTheBlocking() {
        System.setProperty("vectorvit.gemm.kc", "100");
        System.setProperty("vectorvit.gemm.mc", "7");
        try {
            GemmBlocking b = GemmBlocking.forThisMachine();
            assertEquals(100, b.kc());
            assertEquals(7, b.mc());
        } finally {
            System.clearProperty("vectorvit.gemm.kc");
            System.clearProperty("vectorvit.gemm.mc");
        }
    }
}
