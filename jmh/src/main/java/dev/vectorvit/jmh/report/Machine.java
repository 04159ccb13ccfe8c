package dev.vectorvit.jmh.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** The machine a report names when none is given. */
final class Machine {
    private Machine() {}

    /** "AMD EPYC (2 CPUs, AVX-512)" from /proc/cpuinfo, or the OS architecture where it is missing. */
    static String detect() {
        String model = System.getProperty("os.arch");
        String simd = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                if (key.equals("model name") && model.equals(System.getProperty("os.arch"))) {
                    model = line.substring(colon + 1).trim();
                } else if (key.equals("flags") && simd.isEmpty()) {
                    Set<String> flags = Set.of(line.substring(colon + 1).trim().split("\\s+"));
                    simd = flags.contains("avx512f") ? ", AVX-512" : flags.contains("avx2") ? ", AVX2" : "";
                }
            }
        } catch (IOException e) {
            // not Linux: keep the architecture
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        return model + " (" + cpus + " CPU" + (cpus == 1 ? "" : "s") + simd + ")";
    }
}
