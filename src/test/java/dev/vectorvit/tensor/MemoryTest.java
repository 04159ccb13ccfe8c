package dev.vectorvit.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class MemoryTest {
    @Test
    void scratchMemoryHasNoOwnerThreadAndIsFreedOnClose() {
        MemorySegment s;
        try (Arena scratch = Memory.scratch()) {
            s = Memory.floats(scratch, 16);
            s.setAtIndex(ValueLayout.JAVA_FLOAT, 3, 2.5f);
            MemorySegment seen = s;
            // A confined segment would throw WrongThreadException here (see Memory.scratch for why that matters).
            assertEquals(2.5f, CompletableFuture.supplyAsync(() -> seen.getAtIndex(ValueLayout.JAVA_FLOAT, 3)).join());
        }
        MemorySegment closed = s;
        assertThrows(IllegalStateException.class, () -> closed.getAtIndex(ValueLayout.JAVA_FLOAT, 3));
    }
}
