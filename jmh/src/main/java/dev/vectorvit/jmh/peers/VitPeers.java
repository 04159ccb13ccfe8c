package dev.vectorvit.jmh.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.vectorvit.io.Json;
import dev.vectorvit.io.Npy;
import dev.vectorvit.io.NpyArray;
import dev.vectorvit.kernels.Simd;
import dev.vectorvit.model.InferenceSession;
import dev.vectorvit.model.ViTConfig;
import dev.vectorvit.model.ViTModel;
import dev.vectorvit.tensor.Memory;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * ViT-B/16 in vectorvit, ONNX Runtime (Java) and, optionally, PyTorch (a Python process driven over a
 * pipe), on the same weights and the same input, in one run:
 * <ol>
 *   <li>Accuracy: the logits of the 8 images of {@code input.npy} from each engine, max |difference|
 *       against PyTorch float32 ({@code torch_logits.npy}, from export.py) and float64, and between the
 *       engines; the top-1 class of each image.</li>
 *   <li>Latency, for each BATCHxTHREADS configuration: the engines take turns pass by pass (round r starts
 *       with engine r mod E, so no engine always follows the same one), untimed rounds until the warm-up
 *       count and seconds are reached and every engine's last passes have settled near its best (JIT
 *       compilation of vectorvit's kernels; capped by --max-warmup-seconds), then K timed rounds; median,
 *       p10, p90, min.
 *       Each engine times its own call (System.nanoTime around {@code forward} / {@code run}; Python's
 *       perf_counter around {@code model(x)}), so the pipe is not in PyTorch's numbers.</li>
 * </ol>
 * Writes everything to one JSON file (default results/peers.json) for the peers report ({@code ReportCommand peers}).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp jmh/target/benchmarks.jar \
 *     dev.vectorvit.jmh.peers.VitPeers --model DIR [--out FILE] [--configs 1x1,1x2,8x2] [--warmup N]
 *     [--warmup-seconds S] [--max-warmup-seconds S] [--iterations K] [--torch export.py] [--python /usr/bin/python3]
 *     [--ort-spinning] [--engines vectorvit,onnxruntime,pytorch] [--profile]
 * </pre>
 * {@code --engines} picks a subset; {@code --profile} adds vectorvit's time per operation over the timed
 * passes (InferenceSession's profiling, which adds a clock read per operation) to the log and the JSON.
 * DIR is export.py's folder: config.json + model.safetensors (vectorvit), model.onnx (ONNX Runtime),
 * torchvision.pt (PyTorch), input.npy, torch_logits.npy, torch_logits_f64.npy.
 *
 * <p>ONNX Runtime: all graph optimizations, intra-op threads = the configuration's, inter-op 1, sequential
 * execution; its worker threads do not spin between runs ({@code session.intra_op.allow_spinning=0})
 * unless {@code --ort-spinning}: spinning workers would run on the cores while the next engine takes its
 * turn, as OpenMP's would for PyTorch without OMP_WAIT_POLICY=PASSIVE.
 */
public final class VitPeers {

    /** One engine under test. */
    interface Engine extends AutoCloseable {
        String name();

        /** Makes ready a configuration (input of {@code batch} images, {@code threads} threads). */
        void prepare(int batch, int threads) throws Exception;

        /** One forward pass of the prepared configuration; milliseconds as the engine timed it. */
        double pass() throws Exception;

        /** The logits of the prepared batch's last pass, [batch x classes]; null where not available here. */
        float[] logits() throws Exception;

        Map<String, Object> describe();

        /** With --profile: per-operation timing from now on (vectorvit only; the others ignore it). */
        default void startProfile() {}

        /** Mean ms per pass of each operation since {@link #startProfile}; empty where not profiled. */
        default Map<String, Object> profile() {
            return Map.of();
        }

        @Override
        void close() throws Exception;
    }

    // ------------------------------------------------------------------------------------ vectorvit

    static final class VectorVitEngine implements Engine {
        private final ViTModel model;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment images;
        private final int imageFloats, classes;
        private InferenceSession session;
        private MemorySegment logits;
        private int batch;
        private final double loadMs;

        VectorVitEngine(Path dir, MemorySegment images) throws IOException {
            long t0 = System.nanoTime();
            model = ViTModel.load(dir, ViTModel.Options.defaults());
            loadMs = (System.nanoTime() - t0) / 1e6;
            this.images = images;
            ViTConfig c = model.config();
            imageFloats = c.imageFloats();
            classes = c.classes();
        }

        @Override
        public String name() {
            return "vectorvit";
        }

        @Override
        public void prepare(int batch, int threads) {
            if (session == null || session.threads() != threads) {
                if (session != null) {
                    session.close();
                }
                session = model.newSession(threads);
            }
            this.batch = batch;
            logits = Memory.floats(arena, (long) batch * classes);
        }

        @Override
        public double pass() {
            long t = System.nanoTime();
            session.forward(images, 0, batch, logits, 0);
            return (System.nanoTime() - t) / 1e6;
        }

        @Override
        public float[] logits() {
            return Memory.toArray(logits, 0, batch * classes);
        }

        @Override
        public void startProfile() {
            session.setProfiling(true);
        }

        @Override
        public Map<String, Object> profile() {
            Map<String, Object> p = new LinkedHashMap<>();
            session.profile().forEach((op, ns) -> p.put(op.label(), ns / 1e6));
            session.setProfiling(false);
            return p;
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("engine", "vectorvit " + version());
            d.put("kernels", Simd.describe());
            d.put("layout", model.source().format().name());
            d.put("load_ms", loadMs);
            d.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
            return d;
        }

        static String version() {
            String v = ViTModel.class.getPackage().getImplementationVersion();
            return v != null ? v : "0.1.0-SNAPSHOT";
        }

        @Override
        public void close() {
            if (session != null) {
                session.close();
            }
            model.close();
            arena.close();
        }
    }

    // ------------------------------------------------------------------------------------ ONNX Runtime

    static final class OrtEngine implements Engine {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING);
        private final Path model;
        private final FloatBuffer images;
        private final boolean spinning;
        private final int classes;
        private final long[] imageShape;
        private OrtSession session;
        private int threads, batch;
        private OnnxTensor input, output;
        private FloatBuffer outputBuffer;
        private String inputName, outputName;
        private double sessionMs;

        OrtEngine(Path model, MemorySegment images, long[] imageShape, int classes, boolean spinning) {
            this.model = model;
            this.imageShape = imageShape.clone();
            this.images = images.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
            this.classes = classes;
            this.spinning = spinning;
        }

        static OrtSession.SessionOptions options(int threads, boolean spinning) throws OrtException {
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
            return o;
        }

        @Override
        public String name() {
            return "onnxruntime";
        }

        @Override
        public void prepare(int batch, int threads) throws OrtException {
            if (session == null || this.threads != threads) {
                if (session != null) {
                    session.close();
                }
                long t0 = System.nanoTime();
                try (OrtSession.SessionOptions o = options(threads, spinning)) {
                    session = env.createSession(model.toString(), o);
                }
                sessionMs = (System.nanoTime() - t0) / 1e6;
                inputName = session.getInputNames().iterator().next();
                outputName = session.getOutputNames().iterator().next();
                this.threads = threads;
            }
            closeTensors();
            this.batch = batch;
            int imageFloats = (int) (imageShape[1] * imageShape[2] * imageShape[3]);
            // Direct buffers: ONNX Runtime reads the input and writes the logits in place, no copies per run.
            input = OnnxTensor.createTensor(env, images.slice(0, batch * imageFloats),
                    new long[] {batch, imageShape[1], imageShape[2], imageShape[3]});
            outputBuffer = java.nio.ByteBuffer.allocateDirect(batch * classes * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            output = OnnxTensor.createTensor(env, outputBuffer, new long[] {batch, classes});
        }

        @Override
        public double pass() throws OrtException {
            long t = System.nanoTime();
            try (OrtSession.Result r = session.run(Map.of(inputName, input), Map.of(outputName, output))) {
                return (System.nanoTime() - t) / 1e6;
            }
        }

        @Override
        public float[] logits() {
            float[] out = new float[batch * classes];
            outputBuffer.get(0, out);
            return out;
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("engine", "ONNX Runtime Java " + env.getVersion());
            d.put("options", "ALL_OPT, intra-op threads = configuration's, inter-op 1, sequential, allow_spinning "
                    + (spinning ? "1" : "0"));
            d.put("session_ms_last", sessionMs);
            return d;
        }

        private void closeTensors() {
            if (input != null) {
                input.close();
                output.close();
            }
        }

        @Override
        public void close() throws OrtException {
            closeTensors();
            if (session != null) {
                session.close();
            }
        }
    }

    // ------------------------------------------------------------------------------------ PyTorch

    /** PyTorch in a Python process ({@code export.py serve DIR}), one pass per request over a pipe. */
    static final class TorchEngine implements Engine {
        private final Process process;
        private final BufferedWriter in;
        private final BufferedReader out;
        private final Map<String, Object> ready;
        private final Map<String, Object> info = new LinkedHashMap<>();
        private int batch, threads;

        TorchEngine(String python, Path script, Path dir) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "serve", dir.toString());
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            process = pb.start();
            in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            ready = reply();
            if (!Boolean.TRUE.equals(ready.get("ready"))) {
                throw new IOException("PyTorch (export.py serve) did not start: " + ready);
            }
        }

        private Map<String, Object> reply() throws IOException {
            String line = out.readLine();
            if (line == null) {
                throw new IOException("PyTorch (export.py serve) exited (status " + waitFor() + "); see its messages above");
            }
            return Json.object(Json.parse(line, "export.py serve"), "reply", "export.py serve");
        }

        private int waitFor() {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        @Override
        public String name() {
            return "pytorch";
        }

        @Override
        public void prepare(int batch, int threads) {
            this.batch = batch;
            this.threads = threads;
        }

        @Override
        public double pass() throws IOException {
            in.write("run " + batch + " " + threads + "\n");
            in.flush();
            Map<String, Object> r = reply();
            if (!(r.get("ms") instanceof Number n)) {
                throw new IOException("PyTorch (export.py serve): " + r);
            }
            return n.doubleValue();
        }

        @Override
        public float[] logits() {
            return null; // export.py wrote them (torch_logits.npy)
        }

        @Override
        public Map<String, Object> describe() {
            info.put("engine", "PyTorch eager (torchvision vit_b_16)");
            info.put("environment", ready.get("environment"));
            return info; // close() adds the serving process's peak RSS
        }

        @Override
        public void close() throws IOException {
            if (process.isAlive()) {
                in.write("quit\n");
                in.flush();
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.contains("peak_rss_bytes")) {
                        info.put("peak_rss_bytes_serving", Json.object(Json.parse(line, "export.py serve"), "reply", "export.py serve").get("peak_rss_bytes"));
                    }
                }
                waitFor();
            }
        }
    }

    // ------------------------------------------------------------------------------------ driver

    /** The command line; see the class comment. */
    @Command(name = "VitPeers", mixinStandardHelpOptions = true,
            description = "ViT-B/16 in vectorvit, ONNX Runtime and PyTorch: agreement of the logits, then latency.")
    static final class Options {
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "export.py's folder")
        Path dir;
        @Option(names = "--out", paramLabel = "FILE", defaultValue = "results/peers.json", description = "the result")
        Path out;
        @Option(names = "--configs", paramLabel = "BxT,...", defaultValue = "1x1,1x2,8x2", description = "batch x threads")
        String configs;
        @Option(names = "--warmup", paramLabel = "N", defaultValue = "5", description = "untimed rounds at least")
        int warmup;
        @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "5", description = "warm-up seconds at least")
        double warmupSeconds;
        @Option(names = "--max-warmup-seconds", paramLabel = "S", defaultValue = "120", description = "warm-up seconds at most")
        double maxWarmupSeconds;
        @Option(names = "--iterations", paramLabel = "K", defaultValue = "20", description = "timed rounds")
        int iterations;
        @Option(names = "--torch", paramLabel = "export.py", description = "PyTorch's driver (none: no PyTorch)")
        Path torchScript;
        @Option(names = "--python", paramLabel = "PYTHON", defaultValue = "/usr/bin/python3", description = "runs export.py")
        String python;
        @Option(names = "--ort-spinning", description = "let ONNX Runtime's workers spin between runs")
        boolean spinning;
        @Option(names = "--engines", paramLabel = "NAME,...", defaultValue = "vectorvit,onnxruntime,pytorch",
                description = "a subset of the engines")
        String engineNames;
        @Option(names = "--profile", description = "vectorvit's time per operation over the timed passes")
        boolean profile;
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options();
        CommandLine cl = new CommandLine(o);
        try {
            if (CommandLine.printHelpIfRequested(cl.parseArgs(args))) {
                return;
            }
        } catch (ParameterException e) {
            System.err.println("error: " + e.getMessage());
            cl.usage(System.err);
            System.exit(2);
        }
        Path dir = o.dir, out = o.out, torchScript = o.torchScript;
        String python = o.python, configs = o.configs, engineNames = o.engineNames;
        int warmup = o.warmup, iterations = o.iterations;
        double warmupSeconds = o.warmupSeconds, maxWarmupSeconds = o.maxWarmupSeconds;
        boolean spinning = o.spinning, profile = o.profile;
        if (!Simd.enabled()) {
            throw new IllegalStateException("run with --add-modules jdk.incubator.vector: vectorvit would run its scalar kernels");
        }
        List<int[]> runs = new ArrayList<>();
        for (String c : configs.split(",")) {
            String[] p = c.trim().split("x");
            runs.add(new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])});
        }

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("started", Instant.now().toString());
        result.put("model_dir", dir.toAbsolutePath().normalize().toString());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("configs", configs);
        settings.put("warmup", "at least " + warmup + " rounds and " + warmupSeconds + " s, then until each engine's last "
                + SETTLE_PASSES + " passes are within " + Math.round(100 * SETTLE_TOLERANCE) + "% of its best (at most "
                + maxWarmupSeconds + " s)");
        settings.put("iterations", iterations);
        settings.put("order", "engines take turns pass by pass; round r starts with engine r mod E");
        settings.put("onnxruntime_spinning", spinning);
        result.put("settings", settings);

        try (Arena arena = Arena.ofShared()) {
            NpyArray in = Npy.read(dir.resolve("input.npy"));
            long[] shape = in.shape();
            if (shape.length != 4 || shape[1] != 3 || shape[2] != 224 || shape[3] != 224) {
                throw new IllegalArgumentException(in.source() + ": expected [N, 3, 224, 224], got " + Arrays.toString(shape));
            }
            int available = (int) shape[0];
            MemorySegment images = in.float32(arena);
            double[] torch32 = Npy.read(dir.resolve("torch_logits.npy")).toDoubles();
            double[] torch64 = Npy.read(dir.resolve("torch_logits_f64.npy")).toDoubles();
            int classes = torch32.length / available;

            List<Engine> engines = new ArrayList<>();
            try {
                List<String> wanted = Arrays.asList(engineNames.split(","));
                if (wanted.contains("vectorvit")) {
                    engines.add(new VectorVitEngine(dir, images));
                }
                if (wanted.contains("onnxruntime")) {
                    engines.add(new OrtEngine(dir.resolve("model.onnx"), images, shape, classes, spinning));
                }
                if (torchScript != null && wanted.contains("pytorch")) {
                    engines.add(new TorchEngine(python, torchScript, dir));
                }

                // ---- accuracy on all images, 2 threads (results do not depend on the thread count)
                Map<String, float[]> logits = new LinkedHashMap<>();
                for (Engine e : engines) {
                    e.prepare(available, Math.min(2, Runtime.getRuntime().availableProcessors()));
                    e.pass();
                    float[] l = e.logits();
                    if (l != null) {
                        logits.put(e.name(), l);
                    }
                }
                result.put("accuracy", accuracy(logits, torch32, torch64, available, classes));
                log("accuracy: " + result.get("accuracy"));

                // ---- latency, engines alternating
                List<Map<String, Object>> latency = new ArrayList<>();
                for (int[] run : runs) {
                    int batch = run[0], threads = run[1];
                    if (batch > available) {
                        throw new IllegalArgumentException("batch " + batch + " > the " + available + " images of input.npy");
                    }
                    for (Engine e : engines) {
                        e.prepare(batch, threads);
                    }
                    int n = engines.size();
                    long w0 = System.nanoTime();
                    int rounds = 0;
                    List<List<Double>> seen = new ArrayList<>();
                    engines.forEach(e -> seen.add(new ArrayList<>()));
                    while (true) {
                        double elapsed = (System.nanoTime() - w0) / 1e9;
                        boolean enough = rounds >= warmup && elapsed >= warmupSeconds;
                        if (enough && (settled(seen) || elapsed >= maxWarmupSeconds)) {
                            break;
                        }
                        for (int j = 0; j < n; j++) {
                            int e = (rounds + j) % n;
                            seen.get(e).add(engines.get(e).pass());
                        }
                        rounds++;
                    }
                    double warmedSeconds = (System.nanoTime() - w0) / 1e9;
                    log(String.format(Locale.ROOT, "batch %d, %d thread(s): warm-up %d rounds, %.0f s%s", batch, threads,
                            rounds, warmedSeconds, settled(seen) ? "" : " (times had not settled: stopped at --max-warmup-seconds)"));
                    if (profile) {
                        engines.forEach(Engine::startProfile);
                    }
                    double[][] ms = new double[n][iterations];
                    for (int r = 0; r < iterations; r++) {
                        for (int j = 0; j < n; j++) {
                            int e = (r + j) % n;
                            ms[e][r] = engines.get(e).pass();
                        }
                    }
                    for (int e = 0; e < n; e++) {
                        Map<String, Object> s = stats(ms[e]);
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("engine", engines.get(e).name());
                        row.put("batch", batch);
                        row.put("threads", threads);
                        row.put("warmup_rounds", rounds);
                        row.put("warmup_seconds", warmedSeconds);
                        row.put("warmup_settled", settled(seen));
                        row.putAll(s);
                        if (profile) {
                            Map<String, Object> p = engines.get(e).profile();
                            if (!p.isEmpty()) {
                                row.put("profile_ms_per_pass", p);
                                p.forEach((op, v) -> log(String.format(Locale.ROOT, "  %-45s %8.2f ms", op, (double) v)));
                            }
                        }
                        latency.add(row);
                        log(String.format(Locale.ROOT, "batch %d, %d thread(s): %-12s median %8.1f ms  (p10 %.1f, p90 %.1f)",
                                batch, threads, engines.get(e).name(), (double) s.get("median_ms"), (double) s.get("p10_ms"),
                                (double) s.get("p90_ms")));
                    }
                }
                result.put("latency", latency);
            } finally {
                Map<String, Object> described = new LinkedHashMap<>();
                for (Engine e : engines) {
                    described.put(e.name(), e.describe());
                    e.close();
                }
                result.put("engines", described);
            }
        }
        result.put("finished", Instant.now().toString());
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        Files.writeString(out, JsonText.of(result));
        log("wrote " + out);
    }

    static final int SETTLE_PASSES = 3;
    static final double SETTLE_TOLERANCE = 0.15;

    /**
     * True when every engine's last {@link #SETTLE_PASSES} warm-up passes are all within
     * {@link #SETTLE_TOLERANCE} of its fastest so far: vectorvit's kernels run interpreted and then in C1
     * code for several seconds (more on a busy machine) before C2 has compiled them.
     */
    static boolean settled(List<List<Double>> seen) {
        for (List<Double> t : seen) {
            if (t.size() < SETTLE_PASSES) {
                return false;
            }
            double best = t.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            for (double v : t.subList(t.size() - SETTLE_PASSES, t.size())) {
                if (v > best * (1 + SETTLE_TOLERANCE)) {
                    return false;
                }
            }
        }
        return true;
    }

    static Map<String, Object> accuracy(Map<String, float[]> logits, double[] torch32, double[] torch64, int images, int classes) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("images", images);
        a.put("pytorch_max_abs_logit", maxAbs(torch32));
        a.put("pytorch_float32_vs_float64", maxAbsDiff(torch32, torch64));
        a.put("pytorch_top1", top1(torch32, images, classes));
        List<String> names = new ArrayList<>(logits.keySet());
        for (String name : names) {
            double[] l = toDoubles(logits.get(name));
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("vs_pytorch", maxAbsDiff(l, torch32));
            e.put("vs_pytorch_float64", maxAbsDiff(l, torch64));
            for (String other : names) {
                if (!other.equals(name)) {
                    e.put("vs_" + other, maxAbsDiff(l, toDoubles(logits.get(other))));
                }
            }
            e.put("top1", top1(l, images, classes));
            e.put("top1_agrees_with_pytorch", top1(l, images, classes).equals(top1(torch32, images, classes)));
            a.put(name, e);
        }
        return a;
    }

    static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static double maxAbsDiff(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " logits against " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            m = Double.isNaN(d) ? Double.NaN : Math.max(m, d);
        }
        return m;
    }

    static List<Integer> top1(double[] l, int images, int classes) {
        List<Integer> t = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (l[i * classes + c] > l[i * classes + best]) {
                    best = c;
                }
            }
            t.add(best);
        }
        return t;
    }

    static Map<String, Object> stats(double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median_ms", percentile(s, 50));
        m.put("p10_ms", percentile(s, 10));
        m.put("p90_ms", percentile(s, 90));
        m.put("min_ms", s[0]);
        m.put("ms", ms.clone());
        return m;
    }

    static double percentile(double[] sorted, double p) {
        double pos = (sorted.length - 1) * p / 100;
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    static void log(String s) {
        System.err.println("VitPeers: " + s);
    }
}
