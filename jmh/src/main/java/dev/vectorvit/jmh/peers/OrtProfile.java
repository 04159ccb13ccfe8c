package dev.vectorvit.jmh.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.vectorvit.io.Json;
import java.io.BufferedReader;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * ONNX Runtime's own time per operator on the peers' model, what {@code vit bench --profile} shows for
 * vectorvit: a session with VitPeers' options and ONNX Runtime's profiler, 30 passes of one image, then
 * PASSES more (default 40), whose node times are summed by operator kind and by node (the layer's number
 * folded into #), in ms per pass. The profiler slows the passes (its events), not the nodes' own times; the median
 * of as many unprofiled passes, timed first in a session without it, is printed beside their sum.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp jmh/target/benchmarks.jar dev.vectorvit.jmh.peers.OrtProfile \
 *     DIR [THREADS] [PASSES]
 * </pre>
 * DIR is export.py's folder (model.onnx, input.npy).
 */
public final class OrtProfile {
    private static final int WARMUP = 30;

    private OrtProfile() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (Arena arena = Arena.ofConfined(); OnnxTensor x = OrtColdStart.firstImage(env, dir, arena)) {
            double[] plain = new double[passes];
            try (OrtSession.SessionOptions o = VitPeers.OrtEngine.options(threads, false);
                 OrtSession session = env.createSession(dir.resolve("model.onnx").toString(), o)) {
                run(session, x, WARMUP);
                for (int i = 0; i < passes; i++) {
                    long t0 = System.nanoTime();
                    run(session, x, 1);
                    plain[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            Arrays.sort(plain);
            Path trace;
            try (OrtSession.SessionOptions o = VitPeers.OrtEngine.options(threads, false)) {
                o.enableProfiling(Files.createTempDirectory("ort-profile").resolve("run").toString());
                try (OrtSession session = env.createSession(dir.resolve("model.onnx").toString(), o)) {
                    run(session, x, WARMUP + passes);
                    trace = Path.of(session.endProfiling());
                }
            }
            System.out.printf(Locale.ROOT, "ONNX Runtime %s, %d thread(s), %d profiled passes after %d; unprofiled "
                    + "passes: median %.2f ms%n", env.getVersion(), threads, passes, WARMUP, plain[passes / 2]);
            summarize(trace, passes);
        }
    }

    private static void run(OrtSession session, OnnxTensor x, int times) throws Exception {
        Map<String, OnnxTensor> input = Map.of(session.getInputNames().iterator().next(), x);
        for (int i = 0; i < times; i++) {
            session.run(input).close();
        }
    }

    /** Sums the node events of the last {@code passes} runs; the trace is one JSON event per line. */
    private static void summarize(Path trace, int passes) throws Exception {
        List<Map<String, Object>> events = new ArrayList<>();
        List<Double> runStarts = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(trace)) {
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (!line.startsWith("{")) {
                    continue;
                }
                Map<String, Object> e = Json.object(Json.parse(line.endsWith(",") ? line.substring(0, line.length() - 1)
                        : line, trace.toString()), "event", trace.toString());
                if ("Session".equals(e.get("cat")) && "model_run".equals(e.get("name"))) {
                    runStarts.add(((Number) e.get("ts")).doubleValue());
                } else if ("Node".equals(e.get("cat")) && String.valueOf(e.get("name")).endsWith("_kernel_time")) {
                    events.add(e);
                }
            }
        }
        double from = runStarts.get(runStarts.size() - passes);
        Map<String, Double> byKind = new TreeMap<>(), byNode = new TreeMap<>();
        double total = 0;
        for (Map<String, Object> e : events) {
            if (((Number) e.get("ts")).doubleValue() < from) {
                continue;
            }
            double ms = ((Number) e.get("dur")).doubleValue() / 1e3 / passes;
            String kind = String.valueOf(((Map<?, ?>) e.get("args")).get("op_name"));
            String node = String.valueOf(e.get("name")).replace("_kernel_time", "").replaceAll("(layer|token)_\\d+", "$1_#");
            byKind.merge(kind, ms, Double::sum);
            byNode.merge(kind + "  " + node, ms, Double::sum);
            total += ms;
        }
        System.out.printf(Locale.ROOT, "nodes in all: %.2f ms per pass%n%nby operator kind, ms per pass:%n", total);
        print(byKind);
        System.out.printf(Locale.ROOT, "%nby node (layers folded), ms per pass:%n");
        print(byNode);
    }

    private static void print(Map<String, Double> ms) {
        ms.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> System.out.printf(Locale.ROOT, "%9.2f  %s%n", e.getValue(), e.getKey()));
    }
}
