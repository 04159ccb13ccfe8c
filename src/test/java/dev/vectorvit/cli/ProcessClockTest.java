package dev.vectorvit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class ProcessClockTest {
    /** The process starts a little before the JVM records its own start (clock ticks are 10 ms). */
    @Test
    void processStartsJustBeforeTheJvm() {
        long jvm = ManagementFactory.getRuntimeMXBean().getStartTime();
        long process = ProcessClock.startMillis();
        assertTrue(process <= jvm + 20, "process start " + process + " after the JVM's " + jvm);
        assertTrue(jvm - process < 1000, "process start " + process + " a second or more before the JVM's " + jvm);
    }

    /** The vit script's exec time counts when it is later than the process start; anything else is ignored. */
    @Test
    void theScriptsExecTimeIsReadWhenItIsANumber() {
        assertEquals(1764859200123L, ProcessClock.execMillis(" 1764859200123\n"));
        assertEquals(0, ProcessClock.execMillis(null));
        assertEquals(0, ProcessClock.execMillis("soon"));
    }
}
