package dev.vectorvit.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class CacheSizesTest {
    /** The head of /proc/cpuinfo on a Firecracker VM of a Zen 5 (no sysfs cache description there). */
    private static final String AMD = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            cpu family\t: 26
            model name\t: AMD EPYC
            cache size\t: 1024 KB
            physical id\t: 0

            processor\t: 1
            vendor_id\t: AuthenticAMD
            cache size\t: 1024 KB
            """;

    @ParameterizedTest
    @CsvSource({"32K, 32768", "48k, 49152", "2M, 2097152", "1m, 1048576", "512, 512", "0K, 0"})
    void parseSizeReadsSysfsSizes(String text, long bytes) {
        assertEquals(bytes, CacheSizes.parseSize(text));
    }

    @Test
    void parseSizeRejectsWhatIsNotASize() {
        assertThrows(NumberFormatException.class, () -> CacheSizes.parseSize("abc"));
        assertThrows(NumberFormatException.class, () -> CacheSizes.parseSize("K"));
        assertThrows(NumberFormatException.class, () -> CacheSizes.parseSize("1.5M"));
    }

    @Test
    void cpuinfoGivesAmdsL2() {
        assertEquals(new CacheSizes(32 << 10, 1 << 20, 8 << 20, "/proc/cpuinfo"), CacheSizes.fromCpuinfo(AMD));
    }

    @Test
    void cpuinfoGivesIntelsL3() {
        String intel = "vendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)\ncache size\t: 107520 KB\n";
        assertEquals(new CacheSizes(32 << 10, 512 << 10, 107520L << 10, "/proc/cpuinfo"), CacheSizes.fromCpuinfo(intel));
    }

    @Test
    void cpuinfoWithoutCacheSizeOrOfAnotherVendorGivesTheDefaults() {
        assertEquals(CacheSizes.DEFAULTS, CacheSizes.fromCpuinfo("vendor_id\t: AuthenticAMD\nflags\t: fpu\n"));
        assertEquals(CacheSizes.DEFAULTS, CacheSizes.fromCpuinfo("vendor_id\t: CentaurHauls\ncache size\t: 512 KB\n"));
        assertEquals(CacheSizes.DEFAULTS, CacheSizes.fromCpuinfo(""));
    }
}
