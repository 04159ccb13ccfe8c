package dev.vectorvit.kernels;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;

/** The warm-up's kernel calls are valid ones: on its own thread an exception would only be printed. */
class WarmupTest {
    @Test
    void runsEveryKernelOnValidShapes() {
        assertDoesNotThrow(Warmup::run);
    }
}
