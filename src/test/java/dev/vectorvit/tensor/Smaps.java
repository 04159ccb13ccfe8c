package dev.vectorvit.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/** This process's memory mappings as Linux reports them ({@code /proc/self/smaps}), for tests. */
final class Smaps {
    private Smaps() {
    }

    /** The /proc/self/smaps entry of the mapping that contains {@code address}. */
    static String mappingOf(long address) throws IOException {
        StringBuilder entry = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            int dash = line.indexOf('-');
            if (dash > 0 && line.indexOf(' ') > dash && isHex(line.substring(0, dash))) {
                if (entry != null) {
                    return entry.toString();
                }
                long from = HexFormat.fromHexDigitsToLong(line.substring(0, dash));
                long to = HexFormat.fromHexDigitsToLong(line.substring(dash + 1, line.indexOf(' ')));
                if (Long.compareUnsigned(from, address) <= 0 && Long.compareUnsigned(address, to) < 0) {
                    entry = new StringBuilder();
                }
            }
            if (entry != null) {
                entry.append(line).append('\n');
            }
        }
        if (entry == null) {
            throw new AssertionError("no mapping holds address " + Long.toHexString(address));
        }
        return entry.toString();
    }

    private static boolean isHex(String s) {
        return !s.isEmpty() && s.length() <= 16 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /** The kB that a mapping's entry (from {@link #mappingOf}) gives in its field {@code name}, such as "Rss". */
    static long kilobytes(String entry, String name) {
        for (String line : entry.split("\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).replace("kB", "").trim());
            }
        }
        throw new AssertionError("no " + name + " in " + entry);
    }
}
