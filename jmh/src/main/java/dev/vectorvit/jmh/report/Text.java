package dev.vectorvit.jmh.report;

import java.util.Locale;

/** Number formatting of the markdown tables and chart labels. */
final class Text {
    private Text() {}

    /** {@code v} with thousands separators and {@code decimals} decimals; "n/a" for NaN. */
    static String fmt(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** "v ± e" with e to the same decimals (none from 1000 up); just v where there is no finite error. */
    static String fmtErr(double v, double e, int decimals) {
        int d = v >= 1000 ? 0 : decimals;
        return Double.isFinite(e) ? fmt(v, d) + " ± " + fmt(e, d) : fmt(v, d);
    }

    /** "2.0e-05"; "n/a" for NaN. */
    static String sci(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1e", v);
    }

    /** "1 thread", "2 threads". */
    static String threads(int t) {
        return t + (t == 1 ? " thread" : " threads");
    }
}
