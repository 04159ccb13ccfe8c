package dev.vectorvit.jmh.report;

import static dev.vectorvit.jmh.report.PeersData.ENGINES;
import static dev.vectorvit.jmh.report.PeersData.NAMES;
import static dev.vectorvit.jmh.report.PeersData.median;
import static dev.vectorvit.jmh.report.PeersData.num;
import static dev.vectorvit.jmh.report.Text.fmt;
import static dev.vectorvit.jmh.report.Text.sci;

import dev.vectorvit.jmh.report.PeersData.Cold;
import dev.vectorvit.jmh.report.PeersData.Latency;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.CategoryChart;

/**
 * ViT-B/16 in vectorvit, ONNX Runtime and PyTorch: latency, speed-ups, time to first logits, peak RSS and
 * the agreement of the logits; a latency and throughput chart.
 */
record VitPeersSection(PeersData data, Run run) implements Section {

    @Override
    @SuppressWarnings("unchecked")
    public void markdown(StringBuilder md) {
        md.append("Machine: ").append(run.machine()).append(". Date: ").append(run.date()).append(". Java: ")
                .append(System.getProperty("java.vm.name")).append(' ').append(Runtime.version()).append(".\n\n");
        md.append("One torchvision `vit_b_16` with seeded random weights (jmh/peers/export.py), saved as timm-layout "
                + "safetensors for vectorvit, ONNX for ONNX Runtime and a state dict for PyTorch; one fixed input of 8 "
                + "normalized 224 x 224 images fed unchanged to all three. FP32 throughout, "
                + fmt(VitBase16.flopsPerImage() / 1e9, 2) + " GFLOP per image.\n\n");
        Map<String, Object> engines = data.vit.get("engines") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        for (String e : data.engines()) {
            md.append("- **").append(NAMES.get(e)).append("**: ").append(describe(e, engines.get(e))).append('\n');
        }
        md.append('\n');
        mainTable(md);
        speedups(md);
        accuracy(md);
        coldDetails(md);
        settings(md);
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
                parts.add("weights in " + m.get("layout") + " layout, packed at load");
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

    private void mainTable(StringBuilder md) {
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
        for (String c : data.configs) {
            head.append(' ').append(c).append(" |");
            rule.append("---:|");
        }
        head.append(" first logits | peak RSS | max \\|logit diff\\| vs PyTorch |");
        rule.append("---:|---:|---:|");
        md.append(head).append('\n').append(rule).append('\n');
        for (String e : data.engines()) {
            md.append("| ").append(NAMES.get(e)).append(" |");
            for (String c : data.configs) {
                Latency l = data.find(e, c);
                md.append(' ');
                if (l != null) {
                    md.append(fmt(l.median(), 1)).append(" ms (").append(fmt(l.p10(), 1)).append("-")
                            .append(fmt(l.p90(), 1)).append(")");
                    if (l.batch() > 1) {
                        md.append(", ").append(fmt(l.batch() / (l.median() / 1e3), 2)).append(" img/s");
                    }
                }
                md.append(" |");
            }
            Cold k = data.cold.get(e);
            md.append(' ').append(k == null ? "" : fmt(median(k.firstMs()) / 1e3, 2) + " s").append(" |");
            md.append(' ').append(k == null ? "" : fmt(median(k.rssBytes()) / (1 << 20), 0) + " MiB").append(" |");
            md.append(' ').append(e.equals("pytorch") ? "(reference)" : sci(accuracyOf(e, "vs_pytorch"))).append(" |\n");
        }
        md.append('\n');
    }

    private boolean hasTorchInVit() {
        return data.vit.get("engines") instanceof Map<?, ?> m && m.containsKey("pytorch");
    }

    private void speedups(StringBuilder md) {
        List<String> others = data.engines().stream().filter(e -> !e.equals("vectorvit")).toList();
        if (others.isEmpty() || data.latency.stream().noneMatch(l -> l.engine().equals("vectorvit"))) {
            return;
        }
        md.append("Speed-up of vectorvit (the other engine's median / vectorvit's median; above 1: vectorvit is faster):\n\n");
        StringBuilder head = new StringBuilder("| against |"), rule = new StringBuilder("|---|");
        for (String c : data.configs) {
            head.append(' ').append(c).append(" |");
            rule.append("---:|");
        }
        md.append(head).append('\n').append(rule).append('\n');
        for (String o : others) {
            md.append("| ").append(NAMES.get(o)).append(" |");
            for (String c : data.configs) {
                Latency v = data.find("vectorvit", c), x = data.find(o, c);
                md.append(' ').append(v == null || x == null ? "" : fmt(x.median() / v.median(), 2) + "x").append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    @SuppressWarnings("unchecked")
    private double accuracyOf(String engine, String key) {
        if (data.vit.get("accuracy") instanceof Map<?, ?> a && a.get(engine) instanceof Map<?, ?> e && e.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        return Double.NaN;
    }

    @SuppressWarnings("unchecked")
    private void accuracy(StringBuilder md) {
        if (!(data.vit.get("accuracy") instanceof Map<?, ?> am)) {
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

    private void coldDetails(StringBuilder md) {
        if (data.cold.isEmpty()) {
            return;
        }
        md.append("### Time to first logits and peak RSS, fresh processes\n\n");
        md.append("| engine | runs | first logits, median (min-max) | peak RSS, median | what runs |\n|---|---:|---:|---:|---|\n");
        for (String e : ENGINES) {
            Cold k = data.cold.get(e);
            if (k == null) {
                continue;
            }
            List<Double> f = k.firstMs().stream().sorted().toList();
            md.append("| ").append(NAMES.get(e)).append(" | ").append(f.size()).append(" | ")
                    .append(fmt(median(f), 0)).append(" ms (").append(fmt(f.getFirst(), 0)).append("-")
                    .append(fmt(f.getLast(), 0)).append(") | ")
                    .append(fmt(median(k.rssBytes()) / (1 << 20), 0)).append(" MiB | ").append(coldWhat(e, k.medianRun()))
                    .append(" |\n");
        }
        md.append('\n');
        Cold v = data.cold.get("vectorvit");
        if (v != null && !v.afterBuild().isEmpty()) {
            Map<String, Object> s = v.afterBuild().getFirst();
            md.append("vectorvit's runs above map the class-data archive that the vit script has the JVM write at the end "
                    + "of its first run after a build; that first run, not in the table: first logits ")
                    .append(fmt(((Number) s.get("first_logits_since_jvm_start_ms")).doubleValue(), 0)).append(" ms (JVM start ").append(s.get("jvm_start_ms"))
                    .append(" ms, weights ").append(s.get("load_ms")).append(" ms, first pass ").append(s.get("first_forward_ms"))
                    .append(" ms).\n\n");
        }
    }

    private static String coldWhat(String engine, Map<String, Object> s) {
        return switch (engine) {
            case "vectorvit" -> "`vit bench --iterations 1 --warmup 0` (the vit script, JVM start "
                    + s.get("jvm_start_ms") + " ms, weights " + s.get("load_ms") + " ms, first pass " + s.get("first_forward_ms")
                    + " ms; the JIT compiles the kernels during both, the load's share on a thread of its own)";
            case "onnxruntime" -> "OrtColdStart in a fresh JVM (JVM start " + s.get("jvm_start_ms") + " ms, session with "
                    + "graph optimizations " + s.get("session_ms") + " ms)";
            case "pytorch" -> "`export.py cold`: import torch, build vit_b_16, load the state dict, one pass";
            default -> "";
        };
    }

    @SuppressWarnings("unchecked")
    private void settings(StringBuilder md) {
        if (data.vit.get("settings") instanceof Map<?, ?> s) {
            md.append("Settings of the latency run: ").append(((Map<String, Object>) s).entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).reduce((x, y) -> x + ", " + y).orElse(""))
                    .append(". Run from ").append(data.vit.get("started")).append(" to ").append(data.vit.get("finished")).append(".\n\n");
        }
    }

    /** Batch-1 latency (ms) on the left, throughput of the larger batches (images/s) on the right. */
    @Override
    public List<Path> charts(Path dir) throws IOException {
        if (data.latency.isEmpty()) {
            return List.of();
        }
        List<String> small = data.configs.stream().filter(c -> c.startsWith("batch 1,")).toList();
        List<String> large = data.configs.stream().filter(c -> !c.startsWith("batch 1,")).toList();
        List<CategoryChart> panels = new ArrayList<>();
        if (!small.isEmpty()) {
            panels.add(panel(small, "Latency, one image", "ms per pass (lower is better)", "#", Latency::median));
        }
        if (!large.isEmpty()) {
            panels.add(panel(large, "Throughput, larger batches", "images/s (higher is better)", "#.#",
                    l -> l.batch() / (l.median() / 1e3)));
        }
        return List.of(Frames.sideBySide(dir.resolve("vit-peers.png"),
                "ViT-B/16 FP32 (medians): vectorvit, ONNX Runtime and PyTorch, same weights and input", run.subtitle(), panels));
    }

    private CategoryChart panel(List<String> configs, String title, String y, String pattern, ToDoubleFunction<Latency> value) {
        CategoryChart c = Charts.chart(configs.size() * 260 + 240, 520, title, "", y);
        c.getStyler().setDecimalPattern(pattern);
        for (String e : data.engines()) {
            double[] v = configs.stream().mapToDouble(k -> {
                Latency l = data.find(e, k);
                return l == null ? Double.NaN : value.applyAsDouble(l);
            }).toArray();
            Charts.addBars(c, NAMES.get(e), configs, v, new double[v.length]);
        }
        Charts.legendBelow(c);
        return c;
    }
}
