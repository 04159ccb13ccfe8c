package dev.vectorvit.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The data cache sizes the blocking is computed from, per core, in bytes, and where they came from.
 * First the Linux sysfs cache description of CPU 0; where a VM has none (Firecracker), the "cache size"
 * line of /proc/cpuinfo, which Linux fills with the L2 per core on AMD and Hygon (CPUID 0x80000006) and
 * the last level, L3, on Intel (CPUID leaf 4), and which is not used for other vendors; the levels it
 * does not give keep the defaults, 32 KiB, 512 KiB and 8 MiB.
 *
 * @param source "sysfs", "/proc/cpuinfo" or "defaults"
 */
record CacheSizes(long l1, long l2, long l3, String source) {
    static final CacheSizes DEFAULTS = new CacheSizes(32 << 10, 512 << 10, 8 << 20, "defaults");
    private static final Path SYSFS = Path.of("/sys/devices/system/cpu/cpu0/cache");
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    /**
     * This machine's caches: sysfs, else /proc/cpuinfo, else the defaults. Read once per JVM: every packed
     * weight asks, and /proc/cpuinfo grows with the core count (a ViT-B/16 load read it some 50 times).
     */
    static CacheSizes ofThisMachine() {
        return Machine.CACHES;
    }

    /** Holds the caches read on first use. */
    private static final class Machine {
        static final CacheSizes CACHES = read();
    }

    private static CacheSizes read() {
        if (Files.isDirectory(SYSFS)) {
            return new CacheSizes(sysfs(1, DEFAULTS.l1), sysfs(2, DEFAULTS.l2), sysfs(3, DEFAULTS.l3), "sysfs");
        }
        try {
            return fromCpuinfo(Files.readString(CPUINFO));
        } catch (IOException | RuntimeException e) {
            return DEFAULTS;
        }
    }

    /** The defaults with the one level /proc/cpuinfo's text gives (see the class comment); the defaults if none. */
    static CacheSizes fromCpuinfo(String cpuinfo) {
        String vendor = null, size = null;
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
            if (vendor == null && key.equals("vendor_id")) {
                vendor = value;
            } else if (size == null && key.equals("cache size")) {
                size = value;
            }
        }
        if (vendor == null || size == null) {
            return DEFAULTS;
        }
        // "1024 KB": a number and a unit, as sysfs writes "1024K".
        long bytes = parseSize(size.replace(" ", "").toUpperCase(Locale.ROOT).replaceFirst("B$", ""));
        return switch (vendor) {
            case "AuthenticAMD", "HygonGenuine" -> new CacheSizes(DEFAULTS.l1, bytes, DEFAULTS.l3, "/proc/cpuinfo");
            case "GenuineIntel" -> new CacheSizes(DEFAULTS.l1, DEFAULTS.l2, bytes, "/proc/cpuinfo");
            default -> DEFAULTS;
        };
    }

    /** Size of the data (or unified) cache of the given level on CPU 0, from sysfs; the default elsewhere. */
    private static long sysfs(int level, long fallback) {
        for (int index = 0; index < 8; index++) {
            Path d = SYSFS.resolve("index" + index);
            try {
                if (!Files.isDirectory(d)
                        || Integer.parseInt(Files.readString(d.resolve("level")).trim()) != level
                        || Files.readString(d.resolve("type")).trim().equals("Instruction")) {
                    continue;
                }
                return parseSize(Files.readString(d.resolve("size")).trim());
            } catch (IOException | RuntimeException e) {
                return fallback;
            }
        }
        return fallback;
    }

    /** "32K", "2M" or "512" (bytes), as sysfs writes sizes. */
    static long parseSize(String s) {
        char unit = Character.toUpperCase(s.charAt(s.length() - 1));
        return switch (unit) {
            case 'K' -> Long.parseLong(s.substring(0, s.length() - 1)) << 10;
            case 'M' -> Long.parseLong(s.substring(0, s.length() - 1)) << 20;
            default -> Long.parseLong(s);
        };
    }
}
