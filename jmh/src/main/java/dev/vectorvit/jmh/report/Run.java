package dev.vectorvit.jmh.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What every section of a report reads: the results of one JMH run, where and when it ran, the FMA peak. */
record Run(List<JmhResult> results, String machine, String date, Peak peak) {

    List<JmhResult> of(String clazz) {
        return results.stream().filter(r -> r.clazz().equals(clazz)).toList();
    }

    /** The charts' second line. */
    String subtitle() {
        return machine + ", " + date;
    }

    /** "Machine: M. Date: D. JDK: ..." (the JDK from the first result, if any). */
    void machineLine(StringBuilder md) {
        md.append("Machine: ").append(machine).append(". Date: ").append(date).append('.');
        if (!results.isEmpty()) {
            Map<String, Object> j = results.getFirst().json();
            md.append(" JDK: ").append(j.get("jdkVersion")).append(", ").append(j.get("vmName")).append(' ')
                    .append(j.get("vmVersion")).append('.');
        }
    }

    /** One line per benchmark class: forks, warm-up and measurement; with its mode and -prof gc when asked. */
    void settings(StringBuilder md, boolean modeAndGc) {
        Map<String, String> lines = new LinkedHashMap<>();
        for (JmhResult r : results) {
            Map<String, Object> j = r.json();
            String mode = modeAndGc ? r.mode() + ", " : "";
            String gc = modeAndGc && !Double.isNaN(r.allocBytesPerOp()) ? ", -prof gc" : "";
            lines.putIfAbsent(r.clazz(), String.format(Locale.ROOT, "- %s: %s%s fork(s), warm-up %s x %s, measurement %s x %s%s",
                    r.clazz(), mode, j.get("forks"), j.get("warmupIterations"), j.get("warmupTime"),
                    j.get("measurementIterations"), j.get("measurementTime"), gc));
        }
        if (!lines.isEmpty()) {
            md.append("Settings:\n");
            lines.values().forEach(l -> md.append(l).append('\n'));
            md.append('\n');
        }
    }
}
