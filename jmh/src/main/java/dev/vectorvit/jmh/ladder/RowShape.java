package dev.vectorvit.jmh.ladder;

import java.util.Locale;

/** The {@code shape} parameter of the row-kernel benchmarks: "ROWSxCOLS". */
final class RowShape {
    private RowShape() {}

    static int[] parse(String shape) {
        String[] p = shape.toLowerCase(Locale.ROOT).split("x");
        if (p.length != 2) {
            throw new IllegalArgumentException("shape must be ROWSxCOLS, got " + shape);
        }
        return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
    }
}
