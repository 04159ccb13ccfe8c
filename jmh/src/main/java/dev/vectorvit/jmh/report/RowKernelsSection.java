package dev.vectorvit.jmh.report;

import static dev.vectorvit.jmh.report.Text.fmt;
import static dev.vectorvit.jmh.report.Text.fmtErr;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.style.Styler;

/** RowKernelsBench: each row kernel's GB/s, vector against scalar and against a plain copy of the same bytes. */
record RowKernelsSection(Run run) implements Section {

    /** A benchmark method "layerNorm_197x768": the kernel and its rows x cols. */
    private record Kernel(String name, String shape) {
        static Kernel of(JmhResult r) {
            int u = r.method().lastIndexOf('_');
            return new Kernel(r.method().substring(0, u), r.method().substring(u + 1));
        }

        double gbps(JmhResult r) {
            return rowBytes(shape) / r.seconds() / 1e9;
        }
    }

    /** The row data read and written once: 2 x rows x cols x 4 bytes. */
    static double rowBytes(String shape) {
        String[] p = shape.split("x");
        return 2.0 * Integer.parseInt(p[0]) * Integer.parseInt(p[1]) * Float.BYTES;
    }

    /** The kernels' results by implementation, and the copy baseline by shape. */
    private record Grouped(Map<Kernel, Map<String, JmhResult>> kernels, Map<String, JmhResult> copies) {
        static Grouped of(List<JmhResult> rs) {
            Grouped g = new Grouped(new LinkedHashMap<>(), new LinkedHashMap<>());
            for (JmhResult r : rs) {
                Kernel k = Kernel.of(r);
                if (k.name().equals("copy")) {
                    g.copies().put(k.shape(), r);
                } else {
                    g.kernels().computeIfAbsent(k, x -> new LinkedHashMap<>()).put(r.param("impl"), r);
                }
            }
            return g;
        }
    }

    private static String us(JmhResult r) {
        return fmtErr(r.seconds() * 1e6, r.errorSeconds() * 1e6, 1);
    }

    @Override
    public void markdown(StringBuilder md) {
        List<JmhResult> rs = run.of("RowKernelsBench");
        if (rs.isEmpty()) {
            return;
        }
        Grouped g = Grouped.of(rs);
        boolean alloc = rs.stream().anyMatch(r -> !Double.isNaN(r.allocBytesPerOp()));
        md.append("## Row kernels, one thread\n\n");
        md.append("GB/s counts the row data read and written once: 2 x rows x cols x 4 bytes per call, for every "
                + "kernel and for the copy baseline (MemorySegment.copy of the same bytes, same run). LayerNorm's "
                + "gamma and beta and the kernels' extra passes over a row (in cache) are not counted. Vector is "
                + "the public kernel (Vector API), scalar the ScalarKernels reference loop (accumulates in double).\n\n");
        md.append("| kernel | rows x cols | vector µs | vector GB/s | scalar µs | scalar GB/s | vector / scalar | copy GB/s | vector / copy |");
        md.append(alloc ? " B/op vector, scalar |\n" : "\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|").append(alloc ? "---|\n" : "\n");
        for (Map.Entry<Kernel, Map<String, JmhResult>> e : g.kernels().entrySet()) {
            Kernel k = e.getKey();
            JmhResult v = e.getValue().get("vector"), s = e.getValue().get("scalar"), c = g.copies().get(k.shape());
            md.append("| ").append(k.name()).append(" | ").append(k.shape().replace("x", " x ")).append(" | ")
                    .append(v == null ? "" : us(v)).append(" | ")
                    .append(v == null ? "" : fmt(k.gbps(v), 1)).append(" | ")
                    .append(s == null ? "" : us(s)).append(" | ")
                    .append(s == null ? "" : fmt(k.gbps(s), 2)).append(" | ")
                    .append(v != null && s != null ? fmt(s.seconds() / v.seconds(), 1) + "x" : "").append(" | ")
                    .append(c == null ? "" : fmt(k.gbps(c), 1)).append(" | ")
                    .append(v != null && c != null ? fmt(100 * c.seconds() / v.seconds(), 0) + "%" : "").append(" |");
            if (alloc) {
                md.append(' ').append(v == null ? "-" : fmt(v.allocBytesPerOp(), 1)).append(", ")
                        .append(s == null ? "-" : fmt(s.allocBytesPerOp(), 1)).append(" |");
            }
            md.append('\n');
        }
        if (!g.copies().isEmpty()) {
            List<String> parts = new ArrayList<>();
            g.copies().forEach((shape, c) -> parts.add(shape.replace("x", " x ") + " floats ("
                    + fmt(rowBytes(shape) / 2 / 1024.0, 0) + " KiB each way): " + us(c) + " µs, "
                    + fmt(new Kernel("copy", shape).gbps(c), 1) + " GB/s"));
            md.append("\nCopy baseline: ").append(String.join("; ", parts)).append(".\n");
        }
        md.append('\n');
    }

    @Override
    public List<Path> charts(Path dir) throws IOException {
        List<JmhResult> rs = run.of("RowKernelsBench");
        if (rs.isEmpty()) {
            return List.of();
        }
        Grouped g = Grouped.of(rs);
        List<String> labels = g.kernels().keySet().stream().map(k -> k.name() + " " + k.shape()).toList();
        CategoryChart c = Charts.chart(1200, 600, "Row kernels, one thread, GB/s of row data read + written, "
                + run.subtitle(), "kernel rows x cols", "GB/s (higher is better)");
        c.getStyler().setDecimalPattern("#.#");
        for (String name : List.of("copy (same bytes)", "vector", "scalar")) {
            double[] y = new double[labels.size()], e = new double[labels.size()];
            int i = 0;
            for (Map.Entry<Kernel, Map<String, JmhResult>> en : g.kernels().entrySet()) {
                Kernel k = en.getKey();
                JmhResult r = name.startsWith("copy") ? g.copies().get(k.shape()) : en.getValue().get(name);
                y[i] = r == null ? Double.NaN : k.gbps(r);
                e[i] = r == null ? Double.NaN : r.relativeError(y[i]);
                i++;
            }
            Charts.addBars(c, name, labels, y, e);
        }
        c.getSeriesMap().get("copy (same bytes)").setFillColor(new Color(0xbbbbbb));
        c.getSeriesMap().get("vector").setFillColor(Charts.PALETTE[0]);
        c.getSeriesMap().get("scalar").setFillColor(Charts.PALETTE[1]);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return List.of(Charts.save(c, dir.resolve("row-kernels.png")));
    }
}
