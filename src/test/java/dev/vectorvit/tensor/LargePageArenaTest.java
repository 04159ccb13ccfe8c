package dev.vectorvit.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LargePageArenaTest {
    private static final long MIB = 1L << 20;

    private static boolean linuxWithNativeAccess() {
        return Boolean.parseBoolean(System.getProperty("vectorvit.largePages", "true"))
                && System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                && LargePageArena.class.getModule().isNativeAccessEnabled();
    }

    @Test
    void largePagesExactlyWhereLinuxNativeAccessAndTheSwitchAllowThem() {
        // The default test JVM has native access; the scalar-fallback execution runs this class without it.
        assertEquals(linuxWithNativeAccess(), LargePageArena.available());
        try (LargePageArena arena = LargePageArena.ofShared()) {
            assertEquals(LargePageArena.available(), arena.largePages());
            assertEquals(0f, Memory.floats(arena, 1000).getAtIndex(ValueLayout.JAVA_FLOAT, 999));
        }
    }

    @Test
    void segmentsAreZeroAlignedDisjointAndSpanChunks() {
        assumeTrue(LargePageArena.available());
        try (LargePageArena arena = LargePageArena.ofShared()) {
            List<MemorySegment> segments = new ArrayList<>();
            // Odd sizes and alignments, two past a chunk's tail, one larger than a chunk.
            long[][] requests = {{13, 1}, {4096, 64}, {40 * MIB + 4, 64}, {40 * MIB, 4096}, {3, 8},
                    {LargePageArena.CHUNK + 5 * MIB, 64}, {0, 64}, {100, 2 * MIB}};
            for (long[] r : requests) {
                MemorySegment s = arena.allocate(r[0], r[1]);
                assertEquals(r[0], s.byteSize());
                assertEquals(0, s.address() % r[1], "alignment " + r[1]);
                assertTrue(s.address() != 0);
                for (long at = 0; at < s.byteSize(); at += 4093) {
                    assertEquals(0, s.get(ValueLayout.JAVA_BYTE, at), "zero at " + at);
                }
                s.fill((byte) segments.size());
                segments.add(s);
            }
            for (int i = 0; i < segments.size(); i++) {
                MemorySegment s = segments.get(i);
                if (s.byteSize() > 0) { // nothing later overwrote it
                    assertEquals((byte) i, s.get(ValueLayout.JAVA_BYTE, 0));
                    assertEquals((byte) i, s.get(ValueLayout.JAVA_BYTE, s.byteSize() - 1));
                }
                for (int j = 0; j < i; j++) {
                    MemorySegment t = segments.get(j);
                    boolean apart = s.address() + s.byteSize() <= t.address() || t.address() + t.byteSize() <= s.address();
                    assertTrue(apart || s.byteSize() == 0 || t.byteSize() == 0, "segments " + j + " and " + i + " overlap");
                }
            }
        }
    }

    @Test
    void sharedAcrossThreadsAndInvalidAfterClose() throws Exception {
        LargePageArena arena = LargePageArena.ofShared();
        MemorySegment s = Memory.floats(arena, 1 << 20);
        CompletableFuture.runAsync(() -> s.setAtIndex(ValueLayout.JAVA_FLOAT, 12345, 2.5f)).get();
        assertEquals(2.5f, s.getAtIndex(ValueLayout.JAVA_FLOAT, 12345));
        arena.close();
        assertFalse(arena.scope().isAlive());
        assertThrows(IllegalStateException.class, () -> s.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
        assertThrows(IllegalStateException.class, () -> arena.allocate(64, 64));
        assertThrows(IllegalStateException.class, arena::close);
    }

    @Test
    void badRequestsAreRefused() {
        try (LargePageArena arena = LargePageArena.ofShared()) {
            assertThrows(IllegalArgumentException.class, () -> arena.allocate(-1, 64));
            assertThrows(IllegalArgumentException.class, () -> arena.allocate(64, 3));
        }
    }

    /** The kernel took the advice: the mapping holding the memory is advised and eligible for huge pages. */
    @Test
    void theMappingIsEligibleForHugePages() throws IOException {
        assumeTrue(LargePageArena.available());
        Path enabled = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        assumeTrue(Files.isReadable(enabled) && !Files.readString(enabled).contains("[never]"),
                "transparent huge pages are off on this kernel");
        try (LargePageArena arena = LargePageArena.ofShared()) {
            MemorySegment s = arena.allocate(8 * MIB, 64);
            s.fill((byte) 1);
            String vma = Smaps.mappingOf(s.address());
            // "hg": the mapping was advised MADV_HUGEPAGE; THPeligible 1: the kernel may back it with huge pages.
            assertTrue(Pattern.compile("(?m)^VmFlags:.* hg( |$)").matcher(vma).find(), vma);
            assertTrue(Pattern.compile("(?m)^THPeligible:\\s+1$").matcher(vma).find(), vma);
        }
    }
}
