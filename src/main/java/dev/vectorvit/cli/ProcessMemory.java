package dev.vectorvit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's memory as Linux reports it; public for the peers' cold-start runner, which reports the same. */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** The process's peak resident set (VmHWM of /proc/self/status) in bytes; -1 where there is none. */
    public static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
