package dev.vectorvit.jmh.report;

import dev.vectorvit.io.Json;
import dev.vectorvit.jmh.GemmBench;
import dev.vectorvit.model.ViTConfig;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Turns JMH's JSON result file ({@code -rf json -rff results/jmh.json}) of {@code GemmBench},
 * {@code GemmPeersBench}, {@code RowKernelsBench} and {@code ForwardBench} into markdown tables (GEMM
 * GFLOPS and % of the FMA peak, GEMM GFLOPS of vectorvit against netlib and OpenBLAS, row kernels' GB/s
 * against plain copy and scalar, forward latency and throughput) and PNG charts.
 * Benchmarks missing from the file are left out of the report.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.vectorvit.jmh.report.Report [results/jmh.json]
 *      [--out DIR] [--machine TEXT] [--date TEXT] [--peak GFLOPS_PER_CORE]
 * </pre>
 * Writes DIR/jmh.md (also printed), DIR/gemm-gflops.png, DIR/gemm-peers.png, DIR/row-kernels.png and
 * DIR/vit-forward.png (each only when its benchmark is in the file);
 * DIR defaults to the JSON file's folder, the machine to /proc/cpuinfo's model name and the CPU count,
 * the date to the JSON file's modification date.
 */
public final class Report {
    /** AVX-512 FP32 FMA peak of one core, GFLOPS: measured 2026-11-26 on 2-core AMD Zen 5 (263-273). */
    static final double DEFAULT_PEAK_PER_CORE = 273;
    static final String PEAK_SOURCE = "AVX-512 FP32 FMA peak measured 2026-11-26 on 2-core AMD Zen 5 "
            + "(263-273 GFLOPS per core, clock drifting about 4%)";

    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd)
    };

    /** One line of JMH's result file. */
    record Result(String clazz, String method, String mode, Map<String, String> params, double score,
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
    }

    private final List<Result> results;
    private final String machine;
    private final String date;
    private final double peakPerCore;
    private final StringBuilder md = new StringBuilder();

    Report(List<Result> results, String machine, String date, double peakPerCore) {
        this.results = results;
        this.machine = machine;
        this.date = date;
        this.peakPerCore = peakPerCore;
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path json = Path.of("results/jmh.json");
        Path out = null;
        String machine = null, date = null;
        double peak = DEFAULT_PEAK_PER_CORE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i));
                case "--machine" -> machine = value(args, ++i);
                case "--date" -> date = value(args, ++i);
                case "--peak" -> peak = Double.parseDouble(value(args, ++i));
                case "-h", "--help" -> {
                    System.out.println("usage: Report [results/jmh.json] [--out DIR] [--machine TEXT] [--date TEXT] [--peak GFLOPS_PER_CORE]");
                    return;
                }
                default -> {
                    if (args[i].startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + args[i]);
                    }
                    json = Path.of(args[i]);
                }
            }
        }
        if (out == null) {
            out = json.toAbsolutePath().getParent();
        }
        if (machine == null) {
            machine = detectMachine();
        }
        if (date == null) {
            date = LocalDate.ofInstant(Files.getLastModifiedTime(json).toInstant(), ZoneId.systemDefault()).toString();
        }
        Files.createDirectories(out);
        Report r = new Report(read(json), machine, date, peak);
        String text = r.markdown();
        Files.writeString(out.resolve("jmh.md"), text);
        System.out.print(text);
        List<Path> charts = r.charts(out);
        System.out.println();
        System.out.println("wrote " + out.resolve("jmh.md"));
        for (Path p : charts) {
            System.out.println("wrote " + p);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    // ---------------------------------------------------------------- input

    @SuppressWarnings("unchecked")
    static List<Result> read(Path file) throws IOException {
        Object root = Json.parse(file);
        if (!(root instanceof List<?> list)) {
            throw new IOException(file + ": not a JMH JSON result file (expected an array)");
        }
        List<Result> out = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> b = (Map<String, Object>) o;
            String name = (String) b.get("benchmark");
            int dot = name.lastIndexOf('.');
            String clazz = name.substring(name.lastIndexOf('.', dot - 1) + 1, dot);
            String method = name.substring(dot + 1);
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
            out.add(new Result(clazz, method, (String) b.get("mode"), params, number(primary.get("score")),
                    number(primary.get("scoreError")), (String) primary.get("scoreUnit"), alloc, b));
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

    /** "AMD EPYC (2 CPUs, AVX-512)" from /proc/cpuinfo, or the OS architecture where it is missing. */
    static String detectMachine() {
        String model = System.getProperty("os.arch");
        String simd = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                if (key.equals("model name") && model.equals(System.getProperty("os.arch"))) {
                    model = line.substring(colon + 1).trim();
                } else if (key.equals("flags") && simd.isEmpty()) {
                    Set<String> flags = Set.of(line.substring(colon + 1).trim().split("\\s+"));
                    simd = flags.contains("avx512f") ? ", AVX-512" : flags.contains("avx2") ? ", AVX2" : "";
                }
            }
        } catch (IOException e) {
            // not Linux: keep the architecture
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        return model + " (" + cpus + " CPU" + (cpus == 1 ? "" : "s") + simd + ")";
    }

    private List<Result> of(String clazz) {
        return results.stream().filter(r -> r.clazz().equals(clazz)).toList();
    }

    // ---------------------------------------------------------------- markdown

    String markdown() {
        Result any = results.isEmpty() ? null : results.getFirst();
        md.append("# vectorvit JMH results\n\n");
        md.append("Machine: ").append(machine).append(". Date: ").append(date).append('.');
        if (any != null) {
            md.append(" JDK: ").append(any.json().get("jdkVersion")).append(", ").append(any.json().get("vmName"))
                    .append(' ').append(any.json().get("vmVersion")).append('.');
        }
        md.append("\n\n");
        md.append("Scores are JMH averages; ± is JMH's 99.9% confidence half-width (absent with fewer than "
                + "3 iterations). One run on a shared machine: compare numbers within it, not across runs.\n\n");
        settings();
        gemm();
        gemmPeers();
        rowKernels();
        forward();
        return md.toString();
    }

    private void settings() {
        Map<String, String> lines = new LinkedHashMap<>();
        for (Result r : results) {
            Map<String, Object> j = r.json();
            lines.putIfAbsent(r.clazz(), String.format(Locale.ROOT, "- %s: %s, %s fork(s), warm-up %s x %s, measurement %s x %s%s",
                    r.clazz(), r.mode(), j.get("forks"), j.get("warmupIterations"), j.get("warmupTime"),
                    j.get("measurementIterations"), j.get("measurementTime"),
                    Double.isNaN(r.allocBytesPerOp()) ? "" : ", -prof gc"));
        }
        if (!lines.isEmpty()) {
            md.append("Settings:\n");
            lines.values().forEach(l -> md.append(l).append('\n'));
            md.append('\n');
        }
    }

    /** What a GEMM shape (M x K x N) is in a ViT-B/16 forward pass. */
    static String role(String shape) {
        return switch (shape) {
            case "197x768x768" -> "attention output projection";
            case "197x768x2304" -> "QKV projection";
            case "197x768x3072" -> "MLP fc1";
            case "197x3072x768" -> "MLP fc2";
            case "197x64x197" -> "Q K^T, one head";
            case "197x197x64" -> "scores x V, one head";
            case "1024x1024x1024" -> "square reference";
            default -> "";
        };
    }

    private static String shortRole(String shape) {
        return switch (shape) {
            case "197x768x768" -> "proj";
            case "197x768x2304" -> "QKV";
            case "197x768x3072" -> "fc1";
            case "197x3072x768" -> "fc2";
            case "197x64x197" -> "QK^T";
            case "197x197x64" -> "PV";
            case "1024x1024x1024" -> "";
            default -> "";
        };
    }

    /** GFLOPS of a GemmBench result: 2 M N K / time. */
    static double gflops(Result r) {
        int[] s = GemmBench.parseShape(r.param("shape"));
        return 2.0 * s[0] * s[1] * s[2] / r.seconds() / 1e9;
    }

    private static double gflopsError(Result r) {
        double g = gflops(r);
        return Double.isFinite(r.errorSeconds()) ? g * r.errorSeconds() / r.seconds() : Double.NaN;
    }

    private static String gemmKey(Result r) {
        return r.param("shape") + "|" + GemmBench.transBFor(r.param("shape"), r.param("transB").isEmpty() ? "auto" : r.param("transB"));
    }

    private void gemm() {
        List<Result> rs = of("GemmBench");
        if (rs.isEmpty()) {
            return;
        }
        Map<String, Map<Integer, Result>> byKey = new LinkedHashMap<>();
        TreeSet<Integer> threads = new TreeSet<>();
        boolean alloc = false;
        for (Result r : rs) {
            int t = Integer.parseInt(r.param("threads"));
            threads.add(t);
            byKey.computeIfAbsent(gemmKey(r), k -> new LinkedHashMap<>()).put(t, r);
            alloc |= !Double.isNaN(r.allocBytesPerOp());
        }
        md.append("## GEMM: Gemm.multiply, FP32\n\n");
        md.append("Shapes are M x K x N: C[M x N] = A[M x K] B, K the reduction width (197x768x2304 is the QKV "
                + "projection: 197 tokens, 768 in, 2304 out). B is [N x K] (PyTorch weight layout) where the B "
                + "column says N x K, [K x N] otherwise. GFLOPS = 2 M N K / time. % of peak is against threads x "
                + fmt(peakPerCore, 0) + " GFLOPS (" + PEAK_SOURCE + ").\n\n");
        StringBuilder head = new StringBuilder("| shape M x K x N | in ViT-B/16 | B |");
        StringBuilder rule = new StringBuilder("|---|---|---|");
        for (int t : threads) {
            head.append(" µs, ").append(t).append(t == 1 ? " thread" : " threads").append(" | GFLOPS, ").append(t)
                    .append(" | % of ").append(fmt(peakPerCore * t, 0)).append(" |");
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
        for (Map.Entry<String, Map<Integer, Result>> e : byKey.entrySet()) {
            String shape = e.getKey().substring(0, e.getKey().indexOf('|'));
            boolean tb = e.getKey().endsWith("true");
            md.append("| ").append(shape).append(" | ").append(role(shape)).append(" | ").append(tb ? "N x K" : "K x N").append(" |");
            List<String> allocs = new ArrayList<>();
            for (int t : threads) {
                Result r = e.getValue().get(t);
                if (r == null) {
                    md.append(" | | |");
                    continue;
                }
                md.append(' ').append(fmtErr(r.seconds() * 1e6, r.errorSeconds() * 1e6, 1)).append(" | ")
                        .append(fmtErr(gflops(r), gflopsError(r), 1)).append(" | ")
                        .append(fmt(100 * gflops(r) / (peakPerCore * t), 0)).append("% |");
                if (!Double.isNaN(r.allocBytesPerOp())) {
                    allocs.add(t + "T: " + fmt(r.allocBytesPerOp(), 1));
                }
            }
            if (threads.size() > 1) {
                Result a = e.getValue().get(threads.first()), b = e.getValue().get(threads.last());
                md.append(' ').append(a != null && b != null ? fmt(a.seconds() / b.seconds(), 2) + "x" : "").append(" |");
            }
            if (alloc) {
                md.append(' ').append(String.join(", ", allocs)).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private record RowKey(String kernel, String shape) {
        long bytes() {
            int[] rc = rowsCols(shape);
            return 2L * rc[0] * rc[1] * Float.BYTES;
        }
    }

    static int[] rowsCols(String shape) {
        String[] p = shape.split("x");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }

    private static RowKey rowKey(Result r) {
        int u = r.method().lastIndexOf('_');
        return new RowKey(r.method().substring(0, u), r.method().substring(u + 1));
    }

    private static double gbps(Result r, RowKey k) {
        return k.bytes() / r.seconds() / 1e9;
    }

    // ---------------------------------------------------------------- GEMM peers

    /** The implementations of GemmPeersBench in report order, with the names the tables use. */
    static final Map<String, String> PEER_NAMES = new LinkedHashMap<>();
    static {
        PEER_NAMES.put("vectorvit", "vectorvit");
        PEER_NAMES.put("netlib", "netlib VectorBLAS");
        PEER_NAMES.put("openblas", "OpenBLAS");
    }

    /** What each GemmPeersBench implementation runs (library, version, kernels), when known; "" otherwise. */
    private Map<String, String> peerDescriptions = Map.of();

    void peerDescriptions(Map<String, String> d) {
        peerDescriptions = d;
    }

    /** GemmPeersBench results: shape -> threads -> impl -> result, shapes in the file's order. */
    private Map<String, TreeMap<Integer, Map<String, Result>>> peerResults() {
        Map<String, TreeMap<Integer, Map<String, Result>>> by = new LinkedHashMap<>();
        for (Result r : of("GemmPeersBench")) {
            by.computeIfAbsent(r.param("shape"), k -> new TreeMap<>())
                    .computeIfAbsent(Integer.parseInt(r.param("threads")), k -> new LinkedHashMap<>())
                    .put(r.param("impl"), r);
        }
        // GemmBench's order of shapes, whatever order JMH ran them in.
        List<String> order = List.of("197x768x768", "197x768x2304", "197x768x3072", "197x3072x768", "1024x1024x1024",
                "197x64x197", "197x197x64");
        Map<String, TreeMap<Integer, Map<String, Result>>> sorted = new LinkedHashMap<>();
        order.stream().filter(by::containsKey).forEach(k -> sorted.put(k, by.get(k)));
        by.forEach(sorted::putIfAbsent);
        return sorted;
    }

    /** The GEMM peers section of the markdown (empty without GemmPeersBench results). */
    String gemmPeersMarkdown() {
        int start = md.length();
        gemmPeers();
        String s = md.substring(start);
        md.setLength(start);
        return s;
    }

    private void gemmPeers() {
        Map<String, TreeMap<Integer, Map<String, Result>>> by = peerResults();
        if (by.isEmpty()) {
            return;
        }
        TreeSet<Integer> threads = new TreeSet<>();
        Set<String> impls = new LinkedHashSet<>();
        by.values().forEach(t -> t.forEach((n, m) -> {
            threads.add(n);
            impls.addAll(m.keySet());
        }));
        List<String> order = new ArrayList<>(PEER_NAMES.keySet());
        order.retainAll(impls);
        impls.stream().filter(i -> !order.contains(i)).forEach(order::add);
        md.append("## GEMM: vectorvit against netlib and OpenBLAS, FP32\n\n");
        md.append("The same shapes (M x K x N; B in the model's layout: N x K except for scores x V), the same operands and "
                + "thread counts; one JMH fork per implementation, shape and thread count. GFLOPS = 2 M N K / time; ± is "
                + "JMH's 99.9% half-width. Before timing, each implementation's C is checked against vectorvit's "
                + "(max |difference| at most 1e-3 of max |C|).\n\n");
        for (String impl : order) {
            String d = peerDescriptions.getOrDefault(impl, "");
            String how = peerDefaultDescription(impl);
            md.append("- **").append(PEER_NAMES.getOrDefault(impl, impl)).append("**: ")
                    .append(d.isEmpty() ? how : how.isEmpty() ? d : d + "; " + how).append('\n');
        }
        md.append('\n');
        StringBuilder head = new StringBuilder("| shape M x K x N | in ViT-B/16 |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (int t : threads) {
            for (String impl : order) {
                head.append(' ').append(PEER_NAMES.getOrDefault(impl, impl)).append(", ").append(t).append(t == 1 ? " thread" : " threads").append(" |");
                rule.append("---:|");
            }
        }
        List<String> others = order.stream().filter(i -> !i.equals("vectorvit")).toList();
        boolean ratios = order.contains("vectorvit");
        if (ratios) {
            for (int t : threads) {
                for (String o : others) {
                    head.append(" vectorvit ÷ ").append(PEER_NAMES.getOrDefault(o, o)).append(", ").append(t).append(t == 1 ? " thread" : " threads").append(" |");
                    rule.append("---:|");
                }
            }
        }
        md.append(head).append('\n').append(rule).append('\n');
        for (Map.Entry<String, TreeMap<Integer, Map<String, Result>>> e : by.entrySet()) {
            md.append("| ").append(e.getKey()).append(" | ").append(role(e.getKey())).append(" |");
            for (int t : threads) {
                Map<String, Result> m = e.getValue().getOrDefault(t, new LinkedHashMap<>());
                for (String impl : order) {
                    Result r = m.get(impl);
                    md.append(' ').append(r == null ? "" : fmtErr(gflops(r), gflopsError(r), 1)).append(" |");
                }
            }
            if (ratios) {
                for (int t : threads) {
                    Map<String, Result> m = e.getValue().getOrDefault(t, new LinkedHashMap<>());
                    Result v = m.get("vectorvit");
                    for (String o : others) {
                        Result r = m.get(o);
                        md.append(' ').append(v == null || r == null ? "" : fmt(r.seconds() / v.seconds(), 2) + "x").append(" |");
                    }
                }
            }
            md.append('\n');
        }
        md.append("\nRatios above 1 mean vectorvit is faster.\n\n");
    }

    private static String peerDefaultDescription(String impl) {
        return switch (impl) {
            case "vectorvit" -> "Gemm.multiply on a ThreadTeam of the thread count";
            case "netlib" -> "sgemm on float[] copies, row-major as C^T = op(B)^T A^T; single-threaded, so with 2 threads "
                    + "the rows of C are split over two sgemm calls on a vectorvit ThreadTeam";
            case "openblas" -> "cblas_sgemm on the same off-heap memory as vectorvit, threads set with blas_set_num_threads";
            default -> "";
        };
    }

    /** GFLOPS per shape and implementation, one panel per thread count; FMA peak as a dashed line. */
    Path gemmPeersChart(Path file) throws IOException {
        Map<String, TreeMap<Integer, Map<String, Result>>> by = peerResults();
        TreeSet<Integer> threads = new TreeSet<>();
        Set<String> implSet = new LinkedHashSet<>();
        by.values().forEach(t -> t.forEach((n, m) -> {
            threads.add(n);
            implSet.addAll(m.keySet());
        }));
        List<String> impls = new ArrayList<>(PEER_NAMES.keySet());
        impls.retainAll(implSet);
        implSet.stream().filter(i -> !impls.contains(i)).forEach(impls::add);
        List<String> labels = new ArrayList<>();
        by.keySet().forEach(s -> labels.add((shortRole(s) + " " + s).trim()));
        double top = 0;
        for (Result r : of("GemmPeersBench")) {
            top = Math.max(top, gflops(r));
        }
        List<BufferedImage> panels = new ArrayList<>();
        for (int t : threads) {
            String name = t + (t == 1 ? " thread" : " threads");
            CategoryChart c = chart(1200, 480, name, "shape M x K x N (K = reduction)        dashed line: FMA peak of "
                    + name + ", " + fmt(peakPerCore * t, 0) + " GFLOPS", "GFLOPS (higher is better)");
            c.getStyler().setDecimalPattern("#");
            for (String impl : impls) {
                double[] y = new double[labels.size()], err = new double[labels.size()];
                int i = 0;
                for (TreeMap<Integer, Map<String, Result>> m : by.values()) {
                    Result r = m.getOrDefault(t, new LinkedHashMap<>()).get(impl);
                    y[i] = r == null ? Double.NaN : gflops(r);
                    err[i] = r == null ? Double.NaN : gflopsError(r);
                    i++;
                }
                addBars(c, PEER_NAMES.getOrDefault(impl, impl), labels, y, err);
            }
            c.addAnnotation(new AnnotationLine(peakPerCore * t, false, false));
            c.getStyler().setAnnotationLineColor(Color.GRAY);
            c.getStyler().setAnnotationLineStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                    new float[] {6, 4}, 0));
            c.getStyler().setYAxisMax(Math.ceil(Math.max(top, peakPerCore * t) * 1.08 / 50) * 50);
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
            panels.add(BitmapEncoder.getBufferedImage(c));
        }
        ImageIO.write(stack("GEMM FP32: vectorvit, netlib VectorBLAS and OpenBLAS on the same operands", panels), "png",
                file.toFile());
        return file;
    }

    /** Panels one above the other under a two-line header (title, then machine and date). */
    BufferedImage stack(String title, List<BufferedImage> panels) {
        return frame(title, panels, false);
    }

    /** Panels side by side under a two-line header (title, then machine and date). */
    BufferedImage sideBySide(String title, List<BufferedImage> panels) {
        return frame(title, panels, true);
    }

    private BufferedImage frame(String title, List<BufferedImage> panels, boolean horizontal) {
        int header = 56, width = 0, height = 0;
        for (BufferedImage p : panels) {
            width = horizontal ? width + p.getWidth() : Math.max(width, p.getWidth());
            height = horizontal ? Math.max(height, p.getHeight()) : height + p.getHeight();
        }
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 18);
        BufferedImage img = new BufferedImage(Math.max(width, 10), header + height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(titleFont);
        g.drawString(title, Math.max(4, (img.getWidth() - g.getFontMetrics().stringWidth(title)) / 2), 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        String sub = subtitle();
        g.drawString(sub, Math.max(4, (img.getWidth() - g.getFontMetrics().stringWidth(sub)) / 2), 46);
        int x = 0, y = header;
        for (BufferedImage p : panels) {
            g.drawImage(p, x, y, null);
            if (horizontal) {
                x += p.getWidth();
            } else {
                y += p.getHeight();
            }
        }
        g.dispose();
        return img;
    }

    private void rowKernels() {
        List<Result> rs = of("RowKernelsBench");
        if (rs.isEmpty()) {
            return;
        }
        Map<RowKey, Map<String, Result>> kernels = new LinkedHashMap<>();
        Map<String, Result> copies = new LinkedHashMap<>();
        boolean alloc = false;
        for (Result r : rs) {
            RowKey k = rowKey(r);
            alloc |= !Double.isNaN(r.allocBytesPerOp());
            if (k.kernel().equals("copy")) {
                copies.put(k.shape(), r);
            } else {
                kernels.computeIfAbsent(k, x -> new LinkedHashMap<>()).put(r.param("impl"), r);
            }
        }
        md.append("## Row kernels, one thread\n\n");
        md.append("GB/s counts the row data read and written once: 2 x rows x cols x 4 bytes per call, for every "
                + "kernel and for the copy baseline (MemorySegment.copy of the same bytes, same run). LayerNorm's "
                + "gamma and beta and the kernels' extra passes over a row (in cache) are not counted. Vector is "
                + "the public kernel (Vector API), scalar the ScalarKernels reference loop (accumulates in double).\n\n");
        md.append("| kernel | rows x cols | vector µs | vector GB/s | scalar µs | scalar GB/s | vector / scalar | copy GB/s | vector / copy |");
        md.append(alloc ? " B/op vector, scalar |\n" : "\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|").append(alloc ? "---|\n" : "\n");
        for (Map.Entry<RowKey, Map<String, Result>> e : kernels.entrySet()) {
            RowKey k = e.getKey();
            Result v = e.getValue().get("vector"), s = e.getValue().get("scalar"), c = copies.get(k.shape());
            md.append("| ").append(k.kernel()).append(" | ").append(k.shape().replace("x", " x ")).append(" | ")
                    .append(v == null ? "" : fmtErr(v.seconds() * 1e6, v.errorSeconds() * 1e6, 1)).append(" | ")
                    .append(v == null ? "" : fmt(gbps(v, k), 1)).append(" | ")
                    .append(s == null ? "" : fmtErr(s.seconds() * 1e6, s.errorSeconds() * 1e6, 1)).append(" | ")
                    .append(s == null ? "" : fmt(gbps(s, k), 2)).append(" | ")
                    .append(v != null && s != null ? fmt(s.seconds() / v.seconds(), 1) + "x" : "").append(" | ")
                    .append(c == null ? "" : fmt(gbps(c, k), 1)).append(" | ")
                    .append(v != null && c != null ? fmt(100 * c.seconds() / v.seconds(), 0) + "%" : "").append(" |");
            if (alloc) {
                md.append(' ').append(v == null ? "-" : fmt(v.allocBytesPerOp(), 1)).append(", ")
                        .append(s == null ? "-" : fmt(s.allocBytesPerOp(), 1)).append(" |");
            }
            md.append('\n');
        }
        if (!copies.isEmpty()) {
            md.append("\nCopy baseline: ");
            List<String> parts = new ArrayList<>();
            copies.forEach((shape, c) -> {
                RowKey k = new RowKey("copy", shape);
                parts.add(shape.replace("x", " x ") + " floats (" + fmt(k.bytes() / 2 / 1024.0, 0) + " KiB each way): "
                        + fmtErr(c.seconds() * 1e6, c.errorSeconds() * 1e6, 1) + " µs, " + fmt(gbps(c, k), 1) + " GB/s");
            });
            md.append(String.join("; ", parts)).append(".\n");
        }
        md.append('\n');
    }

    private void forward() {
        List<Result> rs = of("ForwardBench");
        if (rs.isEmpty()) {
            return;
        }
        double flops = ViTConfig.vitBase16().flopsPerImage();
        md.append("## ViT-B/16 forward pass (224 x 224, FP32, random weights)\n\n");
        md.append("One InferenceSession per configuration; latency is one forward pass of the whole batch. "
                + "Effective GFLOPS = " + fmt(flops / 1e9, 2) + " GFLOP per image x images/s; % of peak against "
                + "threads x " + fmt(peakPerCore, 0) + " GFLOPS.\n\n");
        boolean alloc = rs.stream().anyMatch(r -> !Double.isNaN(r.allocBytesPerOp()));
        md.append("| batch | threads | ms per pass | ms per image | images/s | GFLOPS | % of peak | speed-up vs 1 thread |")
                .append(alloc ? " B/op |\n" : "\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|").append(alloc ? "---:|\n" : "\n");
        for (Result r : rs) {
            int batch = Integer.parseInt(r.param("batch")), threads = Integer.parseInt(r.param("threads"));
            double ms = r.seconds() * 1e3, ips = batch / r.seconds();
            Result one = rs.stream().filter(o -> o.param("batch").equals(r.param("batch")) && o.param("threads").equals("1"))
                    .findFirst().orElse(null);
            md.append("| ").append(batch).append(" | ").append(threads).append(" | ")
                    .append(fmtErr(ms, r.errorSeconds() * 1e3, 1)).append(" | ")
                    .append(fmt(ms / batch, 1)).append(" | ")
                    .append(fmt(ips, 2)).append(" | ")
                    .append(fmt(ips * flops / 1e9, 1)).append(" | ")
                    .append(fmt(100 * ips * flops / 1e9 / (peakPerCore * threads), 0)).append("% | ")
                    .append(one == null || threads == 1 ? "" : fmt(one.seconds() / r.seconds(), 2) + "x").append(" |");
            if (alloc) {
                md.append(' ').append(fmt(r.allocBytesPerOp(), 0)).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    static String fmt(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** "v ± e" with e to the same decimals; just v where there is no finite error. */
    static String fmtErr(double v, double e, int decimals) {
        int d = decimals;
        if (v >= 1000) {
            d = 0;
        }
        return Double.isFinite(e) ? fmt(v, d) + " ± " + fmt(e, d) : fmt(v, d);
    }

    // ---------------------------------------------------------------- charts

    List<Path> charts(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!of("GemmBench").isEmpty()) {
            out.add(gemmChart(dir.resolve("gemm-gflops.png")));
        }
        if (!of("GemmPeersBench").isEmpty()) {
            out.add(gemmPeersChart(dir.resolve("gemm-peers.png")));
        }
        if (!of("RowKernelsBench").isEmpty()) {
            out.add(rowChart(dir.resolve("row-kernels.png")));
        }
        if (!of("ForwardBench").isEmpty()) {
            out.add(forwardChart(dir.resolve("vit-forward.png")));
        }
        return out;
    }

    String subtitle() {
        return machine + ", " + date;
    }

    static CategoryChart chart(int width, int height, String title, String x, String y) {
        CategoryChart c = new CategoryChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setSeriesColors(PALETTE);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotGridVerticalLinesVisible(false);
        c.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        c.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        c.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        c.getStyler().setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        c.getStyler().setLabelsFontColorAutomaticEnabled(false);
        c.getStyler().setLabelsFontColor(Color.DARK_GRAY);
        c.getStyler().setLabelsPosition(0.9);
        c.getStyler().setAvailableSpaceFill(0.8);
        c.getStyler().setErrorBarsColor(Color.BLACK);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setChartPadding(14);
        return c;
    }

    private static double[] orZero(double[] v) {
        double[] o = v.clone();
        for (int i = 0; i < o.length; i++) {
            if (!Double.isFinite(o[i])) {
                o[i] = 0;
            }
        }
        return o;
    }

    static void addBars(CategoryChart c, String name, List<String> x, double[] y, double[] err) {
        boolean anyErr = false;
        for (double e : err) {
            anyErr |= Double.isFinite(e) && e > 0;
        }
        if (anyErr) {
            c.addSeries(name, x, toList(orZero(y)), toList(orZero(err)));
        } else {
            c.addSeries(name, x, toList(orZero(y)));
        }
    }

    private static List<Double> toList(double[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (double d : v) {
            l.add(d);
        }
        return l;
    }

    private Path gemmChart(Path file) throws IOException {
        List<Result> rs = of("GemmBench");
        Set<String> keys = new LinkedHashSet<>();
        TreeSet<Integer> threads = new TreeSet<>();
        for (Result r : rs) {
            keys.add(gemmKey(r));
            threads.add(Integer.parseInt(r.param("threads")));
        }
        boolean bothLayouts = keys.stream().map(k -> k.substring(0, k.indexOf('|'))).distinct().count() < keys.size();
        List<String> labels = new ArrayList<>();
        for (String k : keys) {
            String shape = k.substring(0, k.indexOf('|'));
            labels.add((shortRole(shape) + " " + shape).trim() + (bothLayouts ? (k.endsWith("true") ? " NxK" : " KxN") : ""));
        }
        CategoryChart c = chart(1200, 650, "GEMM FP32 throughput (vectorvit Gemm.multiply), " + subtitle(),
                "shape M x K x N (K = reduction)", "GFLOPS (higher is better)");
        c.getStyler().setDecimalPattern("#");
        c.getStyler().setXAxisLabelRotation(0);
        for (int t : threads) {
            double[] y = new double[keys.size()], e = new double[keys.size()];
            int i = 0;
            for (String k : keys) {
                Result r = rs.stream().filter(x -> gemmKey(x).equals(k) && Integer.parseInt(x.param("threads")) == t)
                        .findFirst().orElse(null);
                y[i] = r == null ? Double.NaN : gflops(r);
                e[i] = r == null ? Double.NaN : gflopsError(r);
                i++;
            }
            addBars(c, t + (t == 1 ? " thread" : " threads"), labels, y, e);
        }
        // The FMA peak of 1 and of all thread counts as dashed lines (not series: they would take bar slots).
        List<String> peaks = new ArrayList<>();
        for (int t : threads) {
            c.addAnnotation(new AnnotationLine(peakPerCore * t, false, false));
            peaks.add(fmt(peakPerCore * t, 0) + " GFLOPS (" + t + (t == 1 ? " core)" : " cores)"));
        }
        double top = peakPerCore * threads.last();
        for (Result r : rs) {
            top = Math.max(top, gflops(r));
        }
        c.getStyler().setYAxisMax(Math.ceil(top * 1.08 / 50) * 50);
        c.getStyler().setAnnotationLineColor(Color.GRAY);
        c.getStyler().setAnnotationLineStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                new float[] {6, 4}, 0));
        c.setXAxisTitle("shape M x K x N (K = reduction)        dashed lines: FMA peak, " + String.join(" and ", peaks));
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private Path rowChart(Path file) throws IOException {
        List<Result> rs = of("RowKernelsBench");
        Map<RowKey, Map<String, Result>> kernels = new LinkedHashMap<>();
        Map<String, Result> copies = new LinkedHashMap<>();
        for (Result r : rs) {
            RowKey k = rowKey(r);
            if (k.kernel().equals("copy")) {
                copies.put(k.shape(), r);
            } else {
                kernels.computeIfAbsent(k, x -> new LinkedHashMap<>()).put(r.param("impl"), r);
            }
        }
        List<String> labels = new ArrayList<>();
        kernels.keySet().forEach(k -> labels.add(k.kernel() + " " + k.shape()));
        CategoryChart c = chart(1200, 600, "Row kernels, one thread, GB/s of row data read + written, " + subtitle(),
                "kernel rows x cols", "GB/s (higher is better)");
        c.getStyler().setDecimalPattern("#.#");
        String[] series = {"copy (same bytes)", "vector", "scalar"};
        for (String name : series) {
            double[] y = new double[kernels.size()], e = new double[kernels.size()];
            int i = 0;
            for (Map.Entry<RowKey, Map<String, Result>> en : kernels.entrySet()) {
                Result r = name.startsWith("copy") ? copies.get(en.getKey().shape()) : en.getValue().get(name);
                y[i] = r == null ? Double.NaN : gbps(r, en.getKey());
                e[i] = r == null || !Double.isFinite(r.errorSeconds()) ? Double.NaN : y[i] * r.errorSeconds() / r.seconds();
                i++;
            }
            addBars(c, name, labels, y, e);
        }
        c.getSeriesMap().get("copy (same bytes)").setFillColor(new Color(0xbbbbbb));
        c.getSeriesMap().get("vector").setFillColor(PALETTE[0]);
        c.getSeriesMap().get("scalar").setFillColor(PALETTE[1]);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private Path forwardChart(Path file) throws IOException {
        List<Result> rs = of("ForwardBench");
        Set<String> batches = new LinkedHashSet<>();
        TreeSet<Integer> threads = new TreeSet<>();
        for (Result r : rs) {
            batches.add(r.param("batch"));
            threads.add(Integer.parseInt(r.param("threads")));
        }
        List<String> labels = batches.stream().map(b -> "batch " + b).toList();
        CategoryChart lat = chart(700, 520, "Latency per forward pass", "", "ms (lower is better)");
        CategoryChart thr = chart(700, 520, "Throughput", "", "images/s (higher is better)");
        lat.getStyler().setDecimalPattern("#");
        thr.getStyler().setDecimalPattern("#.#");
        for (int t : threads) {
            double[] ms = new double[batches.size()], msErr = new double[batches.size()];
            double[] ips = new double[batches.size()], ipsErr = new double[batches.size()];
            int i = 0;
            for (String b : batches) {
                Result r = rs.stream().filter(x -> x.param("batch").equals(b) && Integer.parseInt(x.param("threads")) == t)
                        .findFirst().orElse(null);
                ms[i] = r == null ? Double.NaN : r.seconds() * 1e3;
                msErr[i] = r == null ? Double.NaN : r.errorSeconds() * 1e3;
                ips[i] = r == null ? Double.NaN : Integer.parseInt(b) / r.seconds();
                ipsErr[i] = r == null ? Double.NaN : ips[i] * r.errorSeconds() / r.seconds();
                i++;
            }
            String name = t + (t == 1 ? " thread" : " threads");
            addBars(lat, name, labels, ms, msErr);
            addBars(thr, name, labels, ips, ipsErr);
        }
        int header = 56;
        BufferedImage left = BitmapEncoder.getBufferedImage(lat), right = BitmapEncoder.getBufferedImage(thr);
        BufferedImage img = new BufferedImage(left.getWidth() + right.getWidth(), header + Math.max(left.getHeight(), right.getHeight()),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        String title = "ViT-B/16 forward pass (224 x 224, FP32, " + fmt(ViTConfig.vitBase16().flopsPerImage() / 1e9, 2)
                + " GFLOP per image), vectorvit";
        g.drawString(title, (img.getWidth() - g.getFontMetrics().stringWidth(title)) / 2, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        String sub = subtitle();
        g.drawString(sub, (img.getWidth() - g.getFontMetrics().stringWidth(sub)) / 2, 46);
        g.drawImage(left, 0, header, null);
        g.drawImage(right, left.getWidth(), header, null);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
        return file;
    }
}
