package dev.vectorvit.jmh.report;

import dev.vectorvit.io.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What jmh/peers/run.sh measured of ViT-B/16: VitPeers' latency and agreement ({@code vit}), fresh-process
 * runs ({@code cold}), and export.py bench's latency of PyTorch where VitPeers ran without it.
 */
final class PeersData {
    static final List<String> ENGINES = List.of("vectorvit", "onnxruntime", "pytorch");
    static final Map<String, String> NAMES = Map.of("vectorvit", "vectorvit", "onnxruntime", "ONNX Runtime",
            "pytorch", "PyTorch");

    /** One latency measurement: an engine at a batch size and thread count. */
    record Latency(String engine, int batch, int threads, double median, double p10, double p90, double min, int runs) {
        String config() {
            return "batch " + batch + ", " + Text.threads(threads);
        }
    }

    /**
     * Fresh-process runs of one engine: ms to first logits, peak RSS and the whole record, one entry per run;
     * apart from them, the engine's first run after a build ({@code ENGINE-after-build.json}, at most one), which
     * wrote the caches the measured runs read.
     */
    record Cold(List<Double> firstMs, List<Double> rssBytes, List<Map<String, Object>> runs,
                List<Map<String, Object>> afterBuild) {
        /**
         * The run whose time to first logits is the median (the lower middle one of an even count): its parts
         * (JVM start, load, first pass) are those of the figure the report shows, not of whichever ran first.
         */
        Map<String, Object> medianRun() {
            Integer[] order = new Integer[runs.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble(firstMs::get));
            return runs.get(order[(order.length - 1) / 2]);
        }
    }

    final Map<String, Object> vit;
    final List<Latency> latency = new ArrayList<>();
    /** The batch and thread configurations, in the order VitPeers ran them. */
    final List<String> configs = new ArrayList<>();
    final Map<String, Cold> cold;

    PeersData(Map<String, Object> vit, Map<String, Object> torchBench, Map<String, Cold> cold) {
        this.vit = vit;
        this.cold = cold;
        readLatency(vit.get("latency"), "VitPeers");
        if (torchBench != null && latency.stream().noneMatch(l -> l.engine().equals("pytorch"))) {
            readLatency(torchBench.get("latency"), "export.py bench");
        }
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

    static Number num(Object o) {
        return o instanceof Number n ? n : Double.NaN;
    }

    Latency find(String engine, String config) {
        return latency.stream().filter(l -> l.engine().equals(engine) && l.config().equals(config)).findFirst().orElse(null);
    }

    /** The engines with any result, in report order. */
    List<String> engines() {
        List<String> e = new ArrayList<>();
        for (String name : ENGINES) {
            if (latency.stream().anyMatch(l -> l.engine().equals(name)) || cold.containsKey(name)) {
                e.add(name);
            }
        }
        return e;
    }

    static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** ENGINE-N.json files of a folder (and ENGINE-after-build.json), grouped by engine. */
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
                System.err.println("peers report: skipping " + f + ": " + e.getMessage());
                continue;
            }
            Object first = m.containsKey("first_logits_since_jvm_start_ms") ? m.get("first_logits_since_jvm_start_ms")
                    : m.get("first_logits_since_process_start_ms");
            Cold c = out.computeIfAbsent(engine,
                    k -> new Cold(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
            if (name.equals(engine + "-after-build.json")) {
                c.afterBuild().add(m);
                continue;
            }
            c.firstMs().add(num(first).doubleValue());
            c.rssBytes().add(num(m.get("peak_rss_bytes")).doubleValue());
            c.runs().add(m);
        }
        out.values().removeIf(c -> c.runs().isEmpty()); // an after-build run alone is no measurement
        return out;
    }}
