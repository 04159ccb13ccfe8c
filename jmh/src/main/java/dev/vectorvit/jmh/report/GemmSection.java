package dev.vectorvit.jmh.report;

import static dev.vectorvit.jmh.report.GemmShapes.gflops;
import static dev.vectorvit.jmh.report.GemmShapes.gflopsError;
import static dev.vectorvit.jmh.report.Text.fmt;
import static dev.vectorvit.jmh.report.Text.fmtErr;

import dev.vectorvit.jmh.GemmBench;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.knowm.xchart.CategoryChart;

/** GemmBench: µs, GFLOPS and % of the FMA peak per shape and thread count; a bar chart with the peak. */
record GemmSection(Run run) implements Section {

    /** Shape and B's layout: "197x768x768|true". */
    private static String key(JmhResult r) {
        String transB = r.param("transB").isEmpty() ? "auto" : r.param("transB");
        return r.param("shape") + "|" + GemmBench.transBFor(r.param("shape"), transB);
    }

    private static int threads(JmhResult r) {
        return Integer.parseInt(r.param("threads"));
    }

    @Override
    public void markdown(StringBuilder md) {
        List<JmhResult> rs = run.of("GemmBench");
        if (rs.isEmpty()) {
            return;
        }
        double peak = run.peak().perCore();
        Map<String, Map<Integer, JmhResult>> byKey = new LinkedHashMap<>();
        TreeSet<Integer> threads = new TreeSet<>();
        boolean alloc = false;
        for (JmhResult r : rs) {
            threads.add(threads(r));
            byKey.computeIfAbsent(key(r), k -> new LinkedHashMap<>()).put(threads(r), r);
            alloc |= !Double.isNaN(r.allocBytesPerOp());
        }
        md.append("## GEMM: Gemm.multiply, FP32\n\n");
        md.append("Shapes are M x K x N: C[M x N] = A[M x K] B, K the reduction width (197x768x2304 is the QKV "
                + "projection: 197 tokens, 768 in, 2304 out). B is [N x K] (PyTorch weight layout) where the B "
                + "column says N x K, [K x N] otherwise. GFLOPS = 2 M N K / time. % of peak is against threads x "
                + fmt(peak, 0) + " GFLOPS (" + run.peak().source() + ").\n\n");
        StringBuilder head = new StringBuilder("| shape M x K x N | in ViT-B/16 | B |");
        StringBuilder rule = new StringBuilder("|---|---|---|");
        for (int t : threads) {
            head.append(" µs, ").append(Text.threads(t)).append(" | GFLOPS, ").append(t)
                    .append(" | % of ").append(fmt(peak * t, 0)).append(" |");
            rule.append("---:|---:|---:|");
        }
        if (threads.size() > 1) {
            head.append(" ").append(threads.last()).append(" / ").append(threads.first()).append(" threads |");
            rule.append("---:|");
        }
        if (alloc) {
            head.append(" B/op (gc.alloc.rate.norm) |");
            rule.append("---|");
        }
        md.append(head).append('\n').append(rule).append('\n');
        for (Map.Entry<String, Map<Integer, JmhResult>> e : byKey.entrySet()) {
            String shape = e.getKey().substring(0, e.getKey().indexOf('|'));
            boolean tb = e.getKey().endsWith("true");
            md.append("| ").append(shape).append(" | ").append(GemmShapes.role(shape)).append(" | ")
                    .append(tb ? "N x K" : "K x N").append(" |");
            List<String> allocs = new ArrayList<>();
            for (int t : threads) {
                JmhResult r = e.getValue().get(t);
                if (r == null) {
                    md.append(" | | |");
                    continue;
                }
                md.append(' ').append(fmtErr(r.seconds() * 1e6, r.errorSeconds() * 1e6, 1)).append(" | ")
                        .append(fmtErr(gflops(r), gflopsError(r), 1)).append(" | ")
                        .append(fmt(100 * gflops(r) / (peak * t), 0)).append("% |");
                if (!Double.isNaN(r.allocBytesPerOp())) {
                    allocs.add(t + "T: " + fmt(r.allocBytesPerOp(), 1));
                }
            }
            if (threads.size() > 1) {
                JmhResult a = e.getValue().get(threads.first()), b = e.getValue().get(threads.last());
                md.append(' ').append(a != null && b != null ? fmt(a.seconds() / b.seconds(), 2) + "x" : "").append(" |");
            }
            if (alloc) {
                md.append(' ').append(String.join(", ", allocs)).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    @Override
    public List<Path> charts(Path dir) throws IOException {
        List<JmhResult> rs = run.of("GemmBench");
        if (rs.isEmpty()) {
            return List.of();
        }
        double peak = run.peak().perCore();
        Set<String> keys = new LinkedHashSet<>();
        TreeSet<Integer> threads = new TreeSet<>();
        for (JmhResult r : rs) {
            keys.add(key(r));
            threads.add(threads(r));
        }
        boolean bothLayouts = keys.stream().map(k -> k.substring(0, k.indexOf('|'))).distinct().count() < keys.size();
        List<String> labels = new ArrayList<>();
        for (String k : keys) {
            labels.add(GemmShapes.label(k.substring(0, k.indexOf('|')))
                    + (bothLayouts ? (k.endsWith("true") ? " NxK" : " KxN") : ""));
        }
        CategoryChart c = Charts.chart(1200, 650, "GEMM FP32 throughput (vectorvit Gemm.multiply), " + run.subtitle(),
                "shape M x K x N (K = reduction)", "GFLOPS (higher is better)");
        c.getStyler().setDecimalPattern("#");
        c.getStyler().setXAxisLabelRotation(0);
        for (int t : threads) {
            double[] y = new double[keys.size()], e = new double[keys.size()];
            int i = 0;
            for (String k : keys) {
                JmhResult r = rs.stream().filter(x -> key(x).equals(k) && threads(x) == t).findFirst().orElse(null);
                y[i] = r == null ? Double.NaN : gflops(r);
                e[i] = r == null ? Double.NaN : gflopsError(r);
                i++;
            }
            Charts.addBars(c, Text.threads(t), labels, y, e);
        }
        // The FMA peak of 1 and of all thread counts.
        List<String> peaks = new ArrayList<>();
        for (int t : threads) {
            peaks.add(fmt(peak * t, 0) + " GFLOPS (" + t + (t == 1 ? " core)" : " cores)"));
        }
        Charts.peakLines(c, threads.stream().mapToDouble(t -> peak * t).toArray());
        double top = peak * threads.last();
        for (JmhResult r : rs) {
            top = Math.max(top, gflops(r));
        }
        Charts.yMax(c, top);
        c.setXAxisTitle("shape M x K x N (K = reduction)        dashed lines: FMA peak, " + String.join(" and ", peaks));
        Charts.legendBelow(c);
        return List.of(Charts.save(c, dir.resolve("gemm-gflops.png")));
    }
}
