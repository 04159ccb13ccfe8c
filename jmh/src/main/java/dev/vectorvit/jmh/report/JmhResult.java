package dev.vectorvit.jmh.report;

import dev.vectorvit.io.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One line of JMH's JSON result file ({@code -rf json}): a benchmark method at one set of parameters. */
record JmhResult(String clazz, String method, String mode, Map<String, String> params, double score,
                 double error, String unit, double allocBytesPerOp, Map<String, Object> json) {

    String param(String name) {
        return params.getOrDefault(name, "");
    }

    /** Seconds per operation, from any of JMH's time units (throughput modes inverted). */
    double seconds() {
        return seconds(score);
    }

    /** The error bar (99.9% half-width) in seconds, NaN where JMH gives none. */
    double errorSeconds() {
        return Double.isFinite(error) ? Math.abs(seconds(score + error) - seconds(score)) : Double.NaN;
    }

    /** The error bar of {@code value}, a rate proportional to 1 / seconds: NaN where JMH gives none. */
    double relativeError(double value) {
        return Double.isFinite(errorSeconds()) ? value * errorSeconds() / seconds() : Double.NaN;
    }

    private double seconds(double v) {
        String[] p = unit.split("/");
        if (p.length != 2) {
            throw new IllegalArgumentException("unknown score unit " + unit);
        }
        if (p[1].equals("op")) {
            return v * unitSeconds(p[0]);
        }
        if (p[0].equals("ops")) {
            return unitSeconds(p[1]) / v;
        }
        throw new IllegalArgumentException("unknown score unit " + unit);
    }

    private static double unitSeconds(String u) {
        return switch (u) {
            case "s" -> 1;
            case "ms" -> 1e-3;
            case "us" -> 1e-6;
            case "ns" -> 1e-9;
            case "min" -> 60;
            default -> throw new IllegalArgumentException("unknown time unit " + u);
        };
    }

    /** Every result of a JMH JSON file, in the file's order. */
    @SuppressWarnings("unchecked")
    static List<JmhResult> read(Path file) throws IOException {
        Object root = Json.parse(file);
        if (!(root instanceof List<?> list)) {
            throw new IOException(file + ": not a JMH JSON result file (expected an array)");
        }
        List<JmhResult> out = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> b = (Map<String, Object>) o;
            String name = (String) b.get("benchmark");
            int dot = name.lastIndexOf('.');
            String clazz = name.substring(name.lastIndexOf('.', dot - 1) + 1, dot);
            Map<String, String> params = new LinkedHashMap<>();
            if (b.get("params") instanceof Map<?, ?> p) {
                p.forEach((k, v) -> params.put((String) k, String.valueOf(v)));
            }
            Map<String, Object> primary = (Map<String, Object>) b.get("primaryMetric");
            double alloc = Double.NaN;
            if (b.get("secondaryMetrics") instanceof Map<?, ?> sec
                    && sec.get("gc.alloc.rate.norm") instanceof Map<?, ?> a) {
                alloc = number(a.get("score"));
            }
            out.add(new JmhResult(clazz, name.substring(dot + 1), (String) b.get("mode"), params,
                    number(primary.get("score")), number(primary.get("scoreError")), (String) primary.get("scoreUnit"),
                    alloc, b));
        }
        return out;
    }

    /** A JSON number; JMH writes NaN and infinities as strings. */
    static double number(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
