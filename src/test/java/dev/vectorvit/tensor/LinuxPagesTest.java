package dev.vectorvit.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxPagesTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void availableExactlyOnLinuxWithNativeAccess() {
        // The default test JVM has native access; the scalar-fallback execution runs this class without it.
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
        assertEquals(linux && LinuxPages.class.getModule().isNativeAccessEnabled(), LinuxPages.available());
    }

    /** The slice's pages, and not the rest of the file's, are mapped after the call, before any read. */
    @Test
    void populateMapsTheSlicesPagesOnly() throws IOException {
        assumeTrue(LinuxPages.available() && kernelAtLeast(5, 14), "MADV_POPULATE_READ needs Linux 5.14");
        byte[] bytes = new byte[8 * MIB];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 12));
        }
        Path file = Files.write(dir.resolve("weights.bin"), bytes);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, bytes.length, arena);
            assertEquals(0, Smaps.kilobytes(Smaps.mappingOf(mapped.address()), "Rss"), "nothing read yet");
            // A slice that starts and ends inside pages, as a tensor after a safetensors header does.
            long from = 3 * MIB + 100, length = 2 * MIB + 5;
            assertTrue(LinuxPages.populate(mapped.asSlice(from, length)));
            long rss = Smaps.kilobytes(Smaps.mappingOf(mapped.address()), "Rss");
            long sliceKb = ((from + length + 4095) / 4096 - from / 4096) * 4;
            // At least the slice's pages; fault-around may map a few neighbours, never the whole file.
            assertTrue(rss >= sliceKb && rss <= sliceKb + 1024, rss + " kB mapped for a slice of " + sliceKb);
            byte[] read = mapped.asSlice(from, length).toArray(ValueLayout.JAVA_BYTE);
            byte[] expected = new byte[(int) length];
            System.arraycopy(bytes, (int) from, expected, 0, expected.length);
            assertArrayEquals(expected, read);
        }
    }

    @Test
    void nothingToPopulate() {
        assertFalse(LinuxPages.populate(MemorySegment.NULL));
        try (Arena arena = Arena.ofConfined()) {
            assertFalse(LinuxPages.populate(arena.allocate(64).asSlice(0, 0)));
        }
    }

    private static boolean kernelAtLeast(int major, int minor) {
        String[] v = System.getProperty("os.version", "0.0").split("[.-]");
        int ma = Integer.parseInt(v[0]), mi = v.length > 1 ? Integer.parseInt(v[1]) : 0;
        return ma > major || (ma == major && mi >= minor);
    }
}
