package dev.vectorvit.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class GemmBlockingTest {

    @ParameterizedTest
    @CsvSource({"32K, 32768", "48k, 49152", "2M, 2097152", "1m, 1048576", "512, 512", "0K, 0"})
    void parseSizeReadsSysfsSizes(String text, long bytes) {
        assertEquals(bytes, GemmBlocking.parseSize(text));
    }

    @Test
    void parseSizeRejectsWhatIsNotASize() {
        assertThrows(NumberFormatException.class, () -> GemmBlocking.parseSize("abc"));
        assertThrows(NumberFormatException.class, () -> GemmBlocking.parseSize("K"));
        assertThrows(NumberFormatException.class, () -> GemmBlocking.parseSize("1.5M"));
    }

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
        assertEquals(0, b.mc() % MicroKernel.MR, b.toString());
        assertEquals(0, b.nc() % MicroKernel.NR, b.toString());
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
