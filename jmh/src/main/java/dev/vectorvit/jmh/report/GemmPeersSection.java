package dev.vectorvit.jmh.report;

import static dev.vectorvit.jmh.report.GemmShapes.gflops;
import static dev.vectorvit.jmh.report.GemmShapes.gflopsError;
import static dev.vectorvit.jmh.report.Text.fmt;
import static dev.vectorvit.jmh.report.Text.fmtErr;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.knowm.xchart.CategoryChart;

/**
 * GemmPeersBench: GFLOPS of vectorvit, netlib and OpenBLAS per shape and thread count, vectorvit's ratios,
 * and one chart panel per thread count. {@code descriptions} says what each implementation runs (library,
 * version, kernels) where GemmPeers wrote it down.
 */
record GemmPeersSection(Run run, Map<String, String> descriptions) implements Section {
    /** The implementations in report order, with the names the tables use. */
    private static final Map<String, String> NAMES = new LinkedHashMap<>();
    static {
        NAMES.put("vectorvit", "vectorvit");
        NAMES.put("netlib", "netlib VectorBLAS");
        NAMES.put("openblas", "OpenBLAS");
    }

    private static String name(String impl) {
        return NAMES.getOrDefault(impl, impl);
    }

    /** shape -> threads -> impl -> result, shapes in GemmBench's order whatever order JMH ran them in. */
    private Map<String, TreeMap<Integer, Map<String, JmhResult>>> byShape() {
        Map<String, TreeMap<Integer, Map<String, JmhResult>>> by = new LinkedHashMap<>();
        for (JmhResult r : run.of("GemmPeersBench")) {
            by.computeIfAbsent(r.param("shape"), k -> new TreeMap<>())
                    .computeIfAbsent(Integer.parseInt(r.param("threads")), k -> new LinkedHashMap<>())
                    .put(r.param("variant").isEmpty() ? r.param("impl") : r.param("variant"), r); // "impl" before 2026-12-07
        }
        Map<String, TreeMap<Integer, Map<String, JmhResult>>> sorted = new LinkedHashMap<>();
        GemmShapes.ORDER.stream().filter(by::containsKey).forEach(k -> sorted.put(k, by.get(k)));
        by.forEach(sorted::putIfAbsent);
        return sorted;
    }

    /** The thread counts and the implementations (known ones first) present in {@code by}. */
    private record Columns(TreeSet<Integer> threads, List<String> impls) {
        static Columns of(Map<String, TreeMap<Integer, Map<String, JmhResult>>> by) {
            TreeSet<Integer> threads = new TreeSet<>();
            Set<String> present = new LinkedHashSet<>();
            by.values().forEach(t -> t.forEach((n, m) -> {
                threads.add(n);
                present.addAll(m.keySet());
            }));
            List<String> impls = new ArrayList<>(NAMES.keySet());
            impls.retainAll(present);
            present.stream().filter(i -> !impls.contains(i)).forEach(impls::add);
            return new Columns(threads, impls);
        }
    }

    private static JmhResult at(TreeMap<Integer, Map<String, JmhResult>> byThreads, int threads, String impl) {
        return byThreads.getOrDefault(threads, Map.of()).get(impl);
    }

    @Override
    public void markdown(StringBuilder md) {
        Map<String, TreeMap<Integer, Map<String, JmhResult>>> by = byShape();
        if (by.isEmpty()) {
            return;
        }
        Columns cols = Columns.of(by);
        md.append("## GEMM: vectorvit against netlib and OpenBLAS, FP32\n\n");
        md.append("The same shapes (M x K x N; B in the model's layout: N x K except for scores x V), the same operands and "
                + "thread counts; one JMH fork per implementation, shape and thread count. GFLOPS = 2 M N K / time; ± is "
                + "JMH's 99.9% half-width. Before timing, each implementation's C is checked against vectorvit's "
                + "(max |difference| at most 1e-3 of max |C|).\n\n");
        for (String impl : cols.impls()) {
            String d = descriptions.getOrDefault(impl, "");
            String how = defaultDescription(impl);
            md.append("- **").append(name(impl)).append("**: ")
                    .append(d.isEmpty() ? how : how.isEmpty() ? d : d + "; " + how).append('\n');
        }
        md.append('\n');
        StringBuilder head = new StringBuilder("| shape M x K x N | in ViT-B/16 |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (int t : cols.threads()) {
            for (String impl : cols.impls()) {
                head.append(' ').append(name(impl)).append(", ").append(Text.threads(t)).append(" |");
                rule.append("---:|");
            }
        }
        List<String> others = cols.impls().stream().filter(i -> !i.equals("vectorvit")).toList();
        boolean ratios = cols.impls().contains("vectorvit");
        if (ratios) {
            for (int t : cols.threads()) {
                for (String o : others) {
                    head.append(" vectorvit ÷ ").append(name(o)).append(", ").append(Text.threads(t)).append(" |");
                    rule.append("---:|");
                }
            }
        }
        md.append(head).append('\n').append(rule).append('\n');
        for (Map.Entry<String, TreeMap<Integer, Map<String, JmhResult>>> e : by.entrySet()) {
            md.append("| ").append(e.getKey()).append(" | ").append(GemmShapes.role(e.getKey())).append(" |");
            for (int t : cols.threads()) {
                for (String impl : cols.impls()) {
                    JmhResult r = at(e.getValue(), t, impl);
                    md.append(' ').append(r == null ? "" : fmtErr(gflops(r), gflopsError(r), 1)).append(" |");
                }
            }
            if (ratios) {
                for (int t : cols.threads()) {
                    JmhResult v = at(e.getValue(), t, "vectorvit");
                    for (String o : others) {
                        JmhResult r = at(e.getValue(), t, o);
                        md.append(' ').append(v == null || r == null ? "" : fmt(r.seconds() / v.seconds(), 2) + "x").append(" |");
                    }
                }
            }
            md.append('\n');
        }
        md.append("\nRatios above 1 mean vectorvit is faster.\n\n");
    }

    private static String defaultDescription(String impl) {
        return switch (impl) {
            case "vectorvit" -> "Gemm.multiply on a ThreadTeam of the thread count";
            case "netlib" -> "sgemm on float[] copies, row-major as C^T = op(B)^T A^T; single-threaded, so with 2 threads "
                    + "the rows of C are split over two sgemm calls on a vectorvit ThreadTeam";
            case "openblas" -> "cblas_sgemm on the same off-heap memory as vectorvit, threads set with blas_set_num_threads";
            default -> "";
        };
    }

    /** GFLOPS per shape and implementation, one panel per thread count; the FMA peak as a dashed line. */
    @Override
    public List<Path> charts(Path dir) throws IOException {
        Map<String, TreeMap<Integer, Map<String, JmhResult>>> by = byShape();
        if (by.isEmpty()) {
            return List.of();
        }
        Columns cols = Columns.of(by);
        double peak = run.peak().perCore();
        List<String> labels = by.keySet().stream().map(GemmShapes::label).toList();
        double top = run.of("GemmPeersBench").stream().mapToDouble(GemmShapes::gflops).max().orElse(0);
        List<CategoryChart> panels = new ArrayList<>();
        for (int t : cols.threads()) {
            String name = Text.threads(t);
            CategoryChart c = Charts.chart(1200, 480, name, "shape M x K x N (K = reduction)        dashed line: FMA peak of "
                    + name + ", " + fmt(peak * t, 0) + " GFLOPS", "GFLOPS (higher is better)");
            c.getStyler().setDecimalPattern("#");
            for (String impl : cols.impls()) {
                double[] y = new double[labels.size()], err = new double[labels.size()];
                int i = 0;
                for (TreeMap<Integer, Map<String, JmhResult>> m : by.values()) {
                    JmhResult r = at(m, t, impl);
                    y[i] = r == null ? Double.NaN : gflops(r);
                    err[i] = r == null ? Double.NaN : gflopsError(r);
                    i++;
                }
                Charts.addBars(c, name(impl), labels, y, err);
            }
            Charts.peakLines(c, peak * t);
            Charts.yMax(c, Math.max(top, peak * t));
            Charts.legendBelow(c);
            panels.add(c);
        }
        return List.of(Frames.stacked(dir.resolve("gemm-peers.png"),
                "GEMM FP32: vectorvit, netlib VectorBLAS and OpenBLAS on the same operands", run.subtitle(), panels));
    }
}
