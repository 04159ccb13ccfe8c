package dev.vectorvit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * When this process started, to the clock tick (10 ms). {@code ProcessHandle.info().startInstant()}
 * anchors the start tick to the boot time of /proc/stat, which has one-second resolution: "JVM start to
 * main" came out 0.42 s where it takes 0.2 s. Here the age is uptime minus start tick, both from /proc,
 * as Python's harness measures PyTorch; elsewhere ProcessHandle's value. The {@code vit} script execs the
 * JVM in its own process, after building the jar when the sources changed: it passes the time of that exec
 * in {@code VIT_JVM_EXEC_MS}, so that the build does not count as JVM start-up.
 */
public final class ProcessClock {
    private static final double TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux ABI Java runs on

    private ProcessClock() {}

    /** When the JVM's process started (or the script exec'd the JVM, if later), in epoch milliseconds. */
    public static long startMillis() {
        return Math.max(processStartMillis(), execMillis(System.getenv("VIT_JVM_EXEC_MS")));
    }

    /** The exec time the vit script passed, or 0 when there is none (or it is not a number). */
    static long execMillis(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long processStartMillis() {
        long now = System.currentTimeMillis();
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Field 22 (starttime) counts from the field after the command name, which may hold spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double startSeconds = Long.parseLong(fields[19]) / TICKS_PER_SECOND;
            double uptimeSeconds = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            return now - Math.round((uptimeSeconds - startSeconds) * 1000);
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli()).orElse(now);
        }
    }
}
