package dev.vectorvit.jmh.report;

import static dev.vectorvit.jmh.report.Text.fmt;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the ladder sections share: finding a rung's result, and saying times and allocation. */
final class Ladders {
    private Ladders() {}

    /** A ladder from "name", "what it adds", "name", ... in order. */
    static Map<String, String> rungs(String... nameThenWhat) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenWhat.length; i += 2) {
            m.put(nameThenWhat[i], nameThenWhat[i + 1]);
        }
        return m;
    }

    /** The first result whose {@code param} is {@code value}, or null. */
    static JmhResult find(List<JmhResult> rs, String param, String value) {
        return rs.stream().filter(r -> r.param(param).equals(value)).findFirst().orElse(null);
    }

    /** The result of a rung on a shape, or null. */
    static JmhResult rung(List<JmhResult> rs, String rung, String shape) {
        return rs.stream().filter(r -> r.param("rung").equals(rung) && r.param("shape").equals(shape))
                .findFirst().orElse(null);
    }

    /** The ladder's rungs that have results. */
    static List<String> present(List<JmhResult> rs, Map<String, String> ladder) {
        return ladder.keySet().stream().filter(k -> find(rs, "rung", k) != null).toList();
    }

    /** The shapes of the results, in the file's order. */
    static List<String> shapes(List<JmhResult> rs) {
        Set<String> shapes = new LinkedHashSet<>();
        rs.forEach(r -> shapes.add(r.param("shape")));
        return List.copyOf(shapes);
    }

    static double us(JmhResult r) {
        return r.seconds() * 1e6;
    }

    /** "v ± e" for a score in µs. */
    static String usErr(JmhResult r) {
        return Text.fmtErr(us(r), r.errorSeconds() * 1e6, us(r) >= 100 ? 0 : 1);
    }

    /** Bytes allocated per call, or "n/a" without -prof gc. */
    static String bytes(JmhResult r) {
        return Double.isNaN(r.allocBytesPerOp()) ? "n/a" : fmt(r.allocBytesPerOp(), 0);
    }

    /** "2.3x slower" / "1.4x faster": time {@code t} against {@code base} ("baseline" for itself). */
    static String versus(double t, double base) {
        return t == base ? "baseline" : t > base ? fmt(t / base, 2) + "x slower" : fmt(base / t, 2) + "x faster";
    }
}
