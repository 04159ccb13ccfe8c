package dev.vectorvit.jmh.report;

import static dev.vectorvit.jmh.report.Text.fmt;
import static dev.vectorvit.jmh.report.Text.fmtErr;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.knowm.xchart.CategoryChart;

/** ForwardBench: ViT-B/16 latency, images/s and effective GFLOPS per batch and thread count. */
record ForwardSection(Run run) implements Section {
    private static final double FLOPS = VitBase16.flopsPerImage();

    private static int batch(JmhResult r) {
        return Integer.parseInt(r.param("batch"));
    }

    private static int threads(JmhResult r) {
        return Integer.parseInt(r.param("threads"));
    }

    @Override
    public void markdown(StringBuilder md) {
        List<JmhResult> rs = run.of("ForwardBench");
        if (rs.isEmpty()) {
            return;
        }
        double peak = run.peak().perCore();
        md.append("## ViT-B/16 forward pass (224 x 224, FP32, random weights)\n\n");
        md.append("One InferenceSession per configuration; latency is one forward pass of the whole batch. "
                + "Effective GFLOPS = " + fmt(FLOPS / 1e9, 2) + " GFLOP per image x images/s; % of peak against "
                + "threads x " + fmt(peak, 0) + " GFLOPS.\n\n");
        boolean alloc = rs.stream().anyMatch(r -> !Double.isNaN(r.allocBytesPerOp()));
        md.append("| batch | threads | ms per pass | ms per image | images/s | GFLOPS | % of peak | speed-up vs 1 thread |")
                .append(alloc ? " B/op |\n" : "\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|").append(alloc ? "---:|\n" : "\n");
        for (JmhResult r : rs) {
            int batch = batch(r), threads = threads(r);
            double ms = r.seconds() * 1e3, ips = batch / r.seconds();
            JmhResult one = rs.stream().filter(o -> batch(o) == batch && threads(o) == 1).findFirst().orElse(null);
            md.append("| ").append(batch).append(" | ").append(threads).append(" | ")
                    .append(fmtErr(ms, r.errorSeconds() * 1e3, 1)).append(" | ")
                    .append(fmt(ms / batch, 1)).append(" | ")
                    .append(fmt(ips, 2)).append(" | ")
                    .append(fmt(ips * FLOPS / 1e9, 1)).append(" | ")
                    .append(fmt(100 * ips * FLOPS / 1e9 / (peak * threads), 0)).append("% | ")
                    .append(one == null || threads == 1 ? "" : fmt(one.seconds() / r.seconds(), 2) + "x").append(" |");
            if (alloc) {
                md.append(' ').append(fmt(r.allocBytesPerOp(), 0)).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    /** Latency on the left, throughput on the right, one bar per batch and thread count. */
    @Override
    public List<Path> charts(Path dir) throws IOException {
        List<JmhResult> rs = run.of("ForwardBench");
        if (rs.isEmpty()) {
            return List.of();
        }
        Set<Integer> batches = new LinkedHashSet<>();
        TreeSet<Integer> threads = new TreeSet<>();
        for (JmhResult r : rs) {
            batches.add(batch(r));
            threads.add(threads(r));
        }
        List<String> labels = batches.stream().map(b -> "batch " + b).toList();
        CategoryChart lat = Charts.chart(700, 520, "Latency per forward pass", "", "ms (lower is better)");
        CategoryChart thr = Charts.chart(700, 520, "Throughput", "", "images/s (higher is better)");
        lat.getStyler().setDecimalPattern("#");
        thr.getStyler().setDecimalPattern("#.#");
        for (int t : threads) {
            double[] ms = new double[batches.size()], msErr = new double[batches.size()];
            double[] ips = new double[batches.size()], ipsErr = new double[batches.size()];
            int i = 0;
            for (int b : batches) {
                JmhResult r = rs.stream().filter(x -> batch(x) == b && threads(x) == t).findFirst().orElse(null);
                ms[i] = r == null ? Double.NaN : r.seconds() * 1e3;
                msErr[i] = r == null ? Double.NaN : r.errorSeconds() * 1e3;
                ips[i] = r == null ? Double.NaN : b / r.seconds();
                ipsErr[i] = r == null ? Double.NaN : r.relativeError(ips[i]);
                i++;
            }
            Charts.addBars(lat, Text.threads(t), labels, ms, msErr);
            Charts.addBars(thr, Text.threads(t), labels, ips, ipsErr);
        }
        return List.of(Frames.sideBySide(dir.resolve("vit-forward.png"), "ViT-B/16 forward pass (224 x 224, FP32, "
                + fmt(FLOPS / 1e9, 2) + " GFLOP per image), vectorvit", run.subtitle(), List.of(lat, thr)));
    }
}
