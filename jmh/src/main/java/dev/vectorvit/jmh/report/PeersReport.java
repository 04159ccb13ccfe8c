package dev.vectorvit.jmh.report;

import dev.vectorvit.io.Json;
import dev.vectorvit.model.ViTConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.style.Styler;

/**
 * The report of jmh/peers/run.sh: results/peers.md with ViT-B/16 latency of vectorvit, ONNX Runtime and
 * PyTorch side by side (with time to first logits, peak RSS and logit differences) and GEMM GFLOPS of
 * vectorvit, netlib and OpenBLAS, plus the charts vit-peers.png and gemm-peers.png.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.vectorvit.jmh.report.PeersReport --vit results/peers.json
 *      [--gemm results/peers-jmh.json] [--gemm-info results/peers-gemm-info.json] [--cold results/peers-cold]
 *      [--torch-bench results/peers-torch.json] [--out DIR] [--machine TEXT] [--date TEXT]
 * </pre>
 * {@code --vit} is VitPeers' output; {@code --cold} a folder of one JSON object per fresh-process run,
 * named ENGINE-N.json ({@code vit bench --json}, OrtColdStart, {@code export.py cold}); {@code --torch-bench}
 * is {@code export.py bench}'s output, used for PyTorch's latency where VitPeers ran without PyTorch.
 * Every input but --vit may be missing; its part of the report is then left out.
 */
public final class PeersReport {
    static final List<String> ENGINES = List.of("vectorvit", "onnxruntime", "pytorch");
    static final Map<String, String> NAMES = Map.of("vectorvit", "vectorvit", "onnxruntime", "ONNX Runtime",
            "pytorch", "PyTorch");

    /** One latency measurement: an engine at a batch size and thread count. */
    record Latency(String engine, int batch, int threads, double median, double p10, double p90, double min, int runs) {
        String config() {
            return configName(batch, threads);
        }
    }

    /** Fresh-process runs of one engine: ms to first logits and peak RSS, one entry per run. */
    record Cold(List<Double> firstMs, List<Double> rssBytes, Map<String, Object> sample) {}

    private final Map<String, Object> vit;
    private final List<Latency> latency = new ArrayList<>();
    private final List<String> configs = new ArrayList<>();
    private final Map<String, Cold> cold;
    private final Report gemm;
    private final String machine, date;
    private final StringBuilder md = new StringBuilder();

    PeersReport(Map<String, Object> vit, Map<String, Object> torchBench, Map<String, Cold> cold, Report gemm,
                String machine, String date) {
        this.vit = vit;
        this.cold = cold;
        this.gemm = gemm;
        this.machine = machine;
        this.date = date;
        readLatency(vit.get("latency"), "VitPeers");
        if (torchBench != null && latency.stream().noneMatch(l -> l.engine().equals("pytorch"))) {
            readLatency(torchBench.get("latency"), "export.py bench");
        }
    }

    static String configName(int batch, int threads) {
        return "batch " + batch + ", " + threads + (threads == 1 ? " thread" : " threads");
    }

    @SuppressWarnings("unchecked")
    private void readLatency(Object list, String source) {
        if (!(list instanceof List<?> l)) {
            return;
        }
        for (Object o : l) {
            Map<String, Object> m = (Map<String, Object>) o;
            double[] ms = m.get("ms") instanceof List<?> xs ? xs.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray() : new double[0];
            Latency x = new Latency((String) m.get("engine"), num(m.get("batch")).intValue(), num(m.get("threads")).intValue(),
                    num(m.get("median_ms")).doubleValue(), num(m.get("p10_ms")).doubleValue(), num(m.get("p90_ms")).doubleValue(),
                    num(m.get("min_ms")).doubleValue(), ms.length);
            latency.add(x);
            if (!configs.contains(x.config())) {
                configs.add(x.config());
            }
        }
    }

    private static Number num(Object o) {
        return o instanceof Number n ? n : Double.NaN;
    }

    private Latency find(String engine, String config) {
        return latency.stream().filter(l -> l.engine().equals(engine) && l.config().equals(config)).findFirst().orElse(null);
    }

    private List<String> engines() {
        List<String> e = new ArrayList<>();
        for (String name : ENGINES) {
            if (latency.stream().anyMatch(l -> l.engine().equals(name)) || cold.containsKey(name)) {
                e.add(name);
            }
        }
        return e;
    }

    // ---------------------------------------------------------------- markdown

    @SuppressWarnings("unchecked")
    String markdown() {
        md.append("# ViT-B/16: vectorvit, ONNX Runtime and PyTorch on the same weights, input and cores\n\n");
        if (vit.isEmpty() && cold.isEmpty()) {
            md.append("Machine: ").append(machine).append(". Date: ").append(date).append(". No ViT-B/16 results (VitPeers did not run).\n\n");
            if (gemm != null) {
                md.append(gemm.gemmPeersMarkdown());
            }
            return md.toString();
        }
        md.append("Machine: ").append(machine).append(". Date: ").append(date).append(". Java: ")
                .append(System.getProperty("java.vm.name")).append(' ').append(Runtime.version()).append(".\n\n");
        md.append("One torchvision `vit_b_16` with seeded random weights (jmh/peers/export.py), saved as timm-layout "
                + "safetensors for vectorvit, ONNX for ONNX Runtime and a state dict for PyTorch; one fixed input of 8 "
                + "normalized 224 x 224 images fed unchanged to all three. FP32 throughout, "
                + Report.fmt(ViTConfig.vitBase16().flopsPerImage() / 1e9, 2) + " GFLOP per image.\n\n");
        Map<String, Object> engines = vit.get("engines") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        for (String e : engines()) {
            md.append("- **").append(NAMES.get(e)).append("**: ").append(describe(e, engines.get(e))).append('\n');
        }
        md.append('\n');
        mainTable();
        speedups();
        accuracy();
        coldDetails();
        settings();
        if (gemm != null) {
            md.append(gemm.gemmPeersMarkdown());
        }
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static String describe(String engine, Object info) {
        if (!(info instanceof Map<?, ?>)) {
            return engine.equals("pytorch") ? "PyTorch eager, timed by export.py" : "";
        }
        Map<String, Object> m = (Map<String, Object>) info;
        List<String> parts = new ArrayList<>();
        parts.add(String.valueOf(m.get("engine")));
        switch (engine) {
            case "vectorvit" -> {
                parts.add("kernels " + m.get("kernels"));
                parts.add("weights in " + m.get("layout") + " layout, memory-mapped");
            }
            case "onnxruntime" -> parts.add(String.valueOf(m.get("options")));
            case "pytorch" -> {
                if (m.get("environment") instanceof Map<?, ?> env) {
                    parts.add("torch " + env.get("torch") + ", torch.inference_mode(), torch.set_num_threads per configuration");
                    parts.add("OMP_WAIT_POLICY=" + env.get("omp_wait_policy"));
                    if (env.get("blas") instanceof Map<?, ?> blas && blas.get("openblas") instanceof Map<?, ?> ob) {
                        parts.add("BLAS: " + ob.get("config") + " (core " + ob.get("core") + ")");
                    }
                    if (env.get("removed_from_environment") instanceof Map<?, ?> rm && !rm.isEmpty()) {
                        parts.add("removed from its environment: " + rm.keySet());
                    }
                }
                parts.add("a Python process driven over a pipe; it times its own model(x)");
            }
            default -> { }
        }
        return String.join("; ", parts);
    }

    private void mainTable() {
        md.append("## Latency, time to first logits, memory, agreement\n\n");
        md.append("Latency: median ms per forward pass of the whole batch (p10-p90 in parentheses; images/s for batches "
                + "above 1). vectorvit and ONNX Runtime").append(hasTorchInVit() ? ", and PyTorch," : "")
                .append(" took turns pass by pass in one run (the order rotating each round), so drift of the machine "
                + "hits all alike").append(hasTorchInVit() ? "" : "; PyTorch was timed alone by export.py bench")
                .append(". First logits: from the start of a fresh process to the logits of one image on 2 threads, "
                + "loading the model from disk (file cache warm) included; median of the runs. Peak RSS: the same "
                + "process's VmHWM. Logit difference: max |logit - PyTorch float32 logit| over the 8 images x 1000 "
                + "classes.\n\n");
        StringBuilder head = new StringBuilder("| engine |"), rule = new StringBuilder("|---|");
        for (String c : configs) {
            head.append(' ').append(c).append(" |");
            rule.append("---:|");
        }
        head.append(" first logits | peak RSS | max \\|logit diff\\| vs PyTorch |");
        rule.append("---:|---:|---:|");
        md.append(head).append('\n').append(rule).append('\n');
        for (String e : engines()) {
            md.append("| ").append(NAMES.get(e)).append(" |");
            for (String c : configs) {
                Latency l = find(e, c);
                md.append(' ');
                if (l != null) {
                    md.append(Report.fmt(l.median(), 1)).append(" ms (").append(Report.fmt(l.p10(), 1)).append("-")
                            .append(Report.fmt(l.p90(), 1)).append(")");
                    if (l.batch() > 1) {
                        md.append(", ").append(Report.fmt(l.batch() / (l.median() / 1e3), 2)).append(" img/s");
                    }
                }
                md.append(" |");
            }
            Cold k = cold.get(e);
            md.append(' ').append(k == null ? "" : Report.fmt(median(k.firstMs()) / 1e3, 2) + " s").append(" |");
            md.append(' ').append(k == null ? "" : Report.fmt(median(k.rssBytes()) / (1 << 20), 0) + " MiB").append(" |");
            md.append(' ').append(e.equals("pytorch") ? "(reference)" : sci(accuracyOf(e, "vs_pytorch"))).append(" |\n");
        }
        md.append('\n');
    }

    private boolean hasTorchInVit() {
        return vit.get("engines") instanceof Map<?, ?> m && m.containsKey("pytorch");
    }

    private void speedups() {
        List<String> others = engines().stream().filter(e -> !e.equals("vectorvit")).toList();
        if (others.isEmpty() || latency.stream().noneMatch(l -> l.engine().equals("vectorvit"))) {
            return;
        }
        md.append("Speed-up of vectorvit (the other engine's median / vectorvit's median; above 1: vectorvit is faster):\n\n");
        StringBuilder head = new StringBuilder("| against |"), rule = new StringBuilder("|---|");
        for (String c : configs) {
            head.append(' ').append(c).append(" |");
            rule.append("---:|");
        }
        md.append(head).append('\n').append(rule).append('\n');
        for (String o : others) {
            md.append("| ").append(NAMES.get(o)).append(" |");
            for (String c : configs) {
                Latency v = find("vectorvit", c), x = find(o, c);
                md.append(' ').append(v == null || x == null ? "" : Report.fmt(x.median() / v.median(), 2) + "x").append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    @SuppressWarnings("unchecked")
    private double accuracyOf(String engine, String key) {
        if (vit.get("accuracy") instanceof Map<?, ?> a && a.get(engine) instanceof Map<?, ?> e && e.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        return Double.NaN;
    }

    @SuppressWarnings("unchecked")
    private void accuracy() {
        if (!(vit.get("accuracy") instanceof Map<?, ?> am)) {
            return;
        }
        Map<String, Object> a = (Map<String, Object>) am;
        md.append("### Agreement of the logits\n\n");
        md.append("Max |difference| over ").append(a.get("images")).append(" images x 1000 logits; the largest |logit| "
                + "of PyTorch is ").append(sci(num(a.get("pytorch_max_abs_logit")).doubleValue()))
                .append(", and PyTorch float32 itself is ").append(sci(num(a.get("pytorch_float32_vs_float64")).doubleValue()))
                .append(" from the same model in float64.\n\n");
        md.append("| engine | vs PyTorch float32 | vs PyTorch float64 | vs the other Java engine | top-1 class = PyTorch's, all images |\n");
        md.append("|---|---:|---:|---:|---|\n");
        for (String e : List.of("vectorvit", "onnxruntime")) {
            if (!(a.get(e) instanceof Map<?, ?> m)) {
                continue;
            }
            String other = e.equals("vectorvit") ? "vs_onnxruntime" : "vs_vectorvit";
            md.append("| ").append(NAMES.get(e)).append(" | ").append(sci(num(m.get("vs_pytorch")).doubleValue())).append(" | ")
                    .append(sci(num(m.get("vs_pytorch_float64")).doubleValue())).append(" | ")
                    .append(sci(num(m.get(other)).doubleValue())).append(" | ")
                    .append(Boolean.TRUE.equals(m.get("top1_agrees_with_pytorch")) ? "yes" : "**no**").append(" |\n");
        }
        md.append('\n');
    }

    private void coldDetails() {
        if (cold.isEmpty()) {
            return;
        }
        md.append("### Time to first logits and peak RSS, fresh processes\n\n");
        md.append("| engine | runs | first logits, median (min-max) | peak RSS, median | what runs |\n|---|---:|---:|---:|---|\n");
        for (String e : ENGINES) {
            Cold k = cold.get(e);
            if (k == null) {
                continue;
            }
            List<Double> f = k.firstMs().stream().sorted().toList();
            md.append("| ").append(NAMES.get(e)).append(" | ").append(f.size()).append(" | ")
                    .append(Report.fmt(median(f), 0)).append(" ms (").append(Report.fmt(f.getFirst(), 0)).append("-")
                    .append(Report.fmt(f.getLast(), 0)).append(") | ")
                    .append(Report.fmt(median(k.rssBytes()) / (1 << 20), 0)).append(" MiB | ").append(coldWhat(e, k.sample()))
                    .append(" |\n");
        }
        md.append('\n');
    }

    private static String coldWhat(String engine, Map<String, Object> s) {
        return switch (engine) {
            case "vectorvit" -> "`vit bench --iterations 1 --warmup 0` (the vit script, JVM start "
                    + s.get("jvm_start_ms") + " ms, weights " + s.get("load_ms") + " ms, first pass " + s.get("first_forward_ms")
                    + " ms: the JIT compiles the kernels during it)";
            case "onnxruntime" -> "OrtColdStart in a fresh JVM (JVM start " + s.get("jvm_start_ms") + " ms, session with "
                    + "graph optimizations " + s.get("session_ms") + " ms)";
            case "pytorch" -> "`export.py cold`: import torch, build vit_b_16, load the state dict, one pass";
            default -> "";
        };
    }

    @SuppressWarnings("unchecked")
    private void settings() {
        if (vit.get("settings") instanceof Map<?, ?> s) {
            md.append("Settings of the latency run: ").append(((Map<String, Object>) s).entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).reduce((x, y) -> x + ", " + y).orElse(""))
                    .append(". Run from ").append(vit.get("started")).append(" to ").append(vit.get("finished")).append(".\n\n");
        }
    }

    static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String sci(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1e", v);
    }

    // ---------------------------------------------------------------- chart

    /** Batch-1 latency (ms) on the left, throughput of the larger batches (images/s) on the right. */
    Path chart(Path file, Report frame) throws IOException {
        List<String> small = configs.stream().filter(c -> c.startsWith("batch 1,")).toList();
        List<String> large = configs.stream().filter(c -> !c.startsWith("batch 1,")).toList();
        List<BufferedImage> panels = new ArrayList<>();
        if (!small.isEmpty()) {
            CategoryChart c = Report.chart(small.size() * 260 + 240, 520, "Latency, one image", "", "ms per pass (lower is better)");
            c.getStyler().setDecimalPattern("#");
            for (String e : engines()) {
                double[] y = small.stream().mapToDouble(k -> {
                    Latency l = find(e, k);
                    return l == null ? Double.NaN : l.median();
                }).toArray();
                Report.addBars(c, NAMES.get(e), small, y, new double[y.length]);
            }
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
            panels.add(BitmapEncoder.getBufferedImage(c));
        }
        if (!large.isEmpty()) {
            CategoryChart c = Report.chart(large.size() * 260 + 240, 520, "Throughput, larger batches", "", "images/s (higher is better)");
            c.getStyler().setDecimalPattern("#.#");
            for (String e : engines()) {
                double[] y = large.stream().mapToDouble(k -> {
                    Latency l = find(e, k);
                    return l == null ? Double.NaN : l.batch() / (l.median() / 1e3);
                }).toArray();
                Report.addBars(c, NAMES.get(e), large, y, new double[y.length]);
            }
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
            panels.add(BitmapEncoder.getBufferedImage(c));
        }
        ImageIO.write(frame.sideBySide("ViT-B/16 FP32 (medians): vectorvit, ONNX Runtime and PyTorch, same weights and input",
                panels), "png", file.toFile());
        return file;
    }

    // ---------------------------------------------------------------- main

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path vitFile = null, gemmFile = null, gemmInfo = null, coldDir = null, torchFile = null, out = null;
        String machine = null, date = null;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--vit" -> vitFile = Path.of(req(args[i], v));
                case "--gemm" -> gemmFile = Path.of(req(args[i], v));
                case "--gemm-info" -> gemmInfo = Path.of(req(args[i], v));
                case "--cold" -> coldDir = Path.of(req(args[i], v));
                case "--torch-bench" -> torchFile = Path.of(req(args[i], v));
                case "--out" -> out = Path.of(req(args[i], v));
                case "--machine" -> machine = req(args[i], v);
                case "--date" -> date = req(args[i], v);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (see the class comment)");
            }
            i++;
        }
        Path any = exists(vitFile) ? vitFile : exists(gemmFile) ? gemmFile : null;
        if (any == null) {
            throw new IllegalArgumentException("neither --vit (VitPeers' JSON) nor --gemm (GemmPeersBench's JMH JSON) names a file");
        }
        if (out == null) {
            out = any.toAbsolutePath().getParent();
        }
        if (machine == null) {
            machine = Report.detectMachine();
        }
        if (date == null) {
            date = LocalDate.ofInstant(Files.getLastModifiedTime(any).toInstant(), ZoneId.systemDefault()).toString();
        }
        Map<String, Object> vit = exists(vitFile) ? Json.object(Json.parse(vitFile), "VitPeers result", vitFile.toString()) : Map.of();
        Map<String, Object> torch = exists(torchFile) ? Json.object(Json.parse(torchFile), "export.py bench", torchFile.toString()) : null;
        Report gemm = exists(gemmFile) ? new Report(Report.read(gemmFile), machine, date, Report.DEFAULT_PEAK_PER_CORE)
                : new Report(List.of(), machine, date, Report.DEFAULT_PEAK_PER_CORE);
        if (exists(gemmInfo)) {
            Map<String, String> d = new LinkedHashMap<>();
            Json.object(Json.parse(gemmInfo), "GEMM implementations", gemmInfo.toString()).forEach((k, x) -> d.put(k, String.valueOf(x)));
            gemm.peerDescriptions(d);
        }
        PeersReport r = new PeersReport(vit, torch, readCold(coldDir), exists(gemmFile) ? gemm : null, machine, date);
        Files.createDirectories(out);
        String text = r.markdown();
        Files.writeString(out.resolve("peers.md"), text);
        System.out.print(text);
        System.out.println("wrote " + out.resolve("peers.md"));
        if (!r.latency.isEmpty()) {
            System.out.println("wrote " + r.chart(out.resolve("vit-peers.png"), gemm));
        }
        if (exists(gemmFile)) {
            System.out.println("wrote " + gemm.gemmPeersChart(out.resolve("gemm-peers.png")));
        }
    }

    private static boolean exists(Path p) {
        return p != null && Files.isRegularFile(p);
    }

    private static String req(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    /** ENGINE-N.json files of a folder, grouped by engine. */
    static Map<String, Cold> readCold(Path dir) throws IOException {
        Map<String, Cold> out = new LinkedHashMap<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            ds.forEach(files::add);
        }
        files.sort(null);
        for (Path f : files) {
            String name = f.getFileName().toString();
            String engine = name.contains("-") ? name.substring(0, name.indexOf('-')) : name.replace(".json", "");
            if (!ENGINES.contains(engine) || Files.size(f) == 0) {
                continue;
            }
            Map<String, Object> m;
            try {
                m = Json.object(Json.parse(f), "cold start", f.toString());
            } catch (IOException e) {
                System.err.println("PeersReport: skipping " + f + ": " + e.getMessage());
                continue;
            }
            Object first = m.containsKey("first_logits_since_jvm_start_ms") ? m.get("first_logits_since_jvm_start_ms")
                    : m.get("first_logits_since_process_start_ms");
            Cold c = out.computeIfAbsent(engine, k -> new Cold(new ArrayList<>(), new ArrayList<>(), m));
            c.firstMs().add(num(first).doubleValue());
            c.rssBytes().add(num(m.get("peak_rss_bytes")).doubleValue());
        }
        return out;
    }
}
