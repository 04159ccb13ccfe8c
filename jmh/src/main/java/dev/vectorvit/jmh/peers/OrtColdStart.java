package dev.vectorvit.jmh.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.vectorvit.cli.ProcessClock;
import dev.vectorvit.cli.ProcessMemory;
import dev.vectorvit.io.Npy;
import dev.vectorvit.io.NpyArray;
import java.lang.foreign.Arena;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Time to first logits of ONNX Runtime Java in a fresh JVM, measured like {@code vit bench}'s
 * first_logits_since_jvm_start_ms: from the process's start (as the kernel records it) to the logits of
 * one image, through creating the session (graph optimizations included) from {@code model.onnx} with
 * the options VitPeers uses. Also the process's peak resident set (VmHWM). Prints one JSON object.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp jmh/target/benchmarks.jar dev.vectorvit.jmh.peers.OrtColdStart DIR [THREADS]
 * </pre>
 */
public final class OrtColdStart {
    private OrtColdStart() {}

    public static void main(String[] args) throws Exception {
        long jvmStart = ProcessClock.startMillis();
        long mainStart = System.currentTimeMillis();
        Path dir = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long t0 = System.nanoTime();
        float first;
        double sessionMs;
        long firstLogits;
        try (OrtSession.SessionOptions o = VitPeers.OrtEngine.options(threads, false);
             OrtSession session = env.createSession(dir.resolve("model.onnx").toString(), o);
             Arena arena = Arena.ofConfined()) {
            sessionMs = (System.nanoTime() - t0) / 1e6;
            try (OnnxTensor x = firstImage(env, dir, arena);
                 OrtSession.Result r = session.run(Map.of(session.getInputNames().iterator().next(), x))) {
                first = ((float[][]) r.get(0).getValue())[0][0];
                firstLogits = System.currentTimeMillis();
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("engine", "onnxruntime");
        out.put("version", env.getVersion());
        out.put("threads", threads);
        out.put("batch", 1);
        out.put("jvm_start_ms", mainStart - jvmStart);
        out.put("session_ms", sessionMs);
        out.put("first_logits_since_process_start_ms", firstLogits - jvmStart);
        out.put("peak_rss_bytes", ProcessMemory.peakRssBytes());
        out.put("logit0", first);
        System.out.print(JsonText.of(out));
    }

    /** The first image of export.py's {@code input.npy} in DIR as a [1, C, H, W] tensor over memory of {@code arena}. */
    static OnnxTensor firstImage(OrtEnvironment env, Path dir, Arena arena) throws Exception {
        NpyArray in = Npy.read(dir.resolve("input.npy"));
        long[] s = in.shape();
        FloatBuffer one = in.float32(arena).asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer()
                .slice(0, (int) (s[1] * s[2] * s[3]));
        return OnnxTensor.createTensor(env, one, new long[] {1, s[1], s[2], s[3]});
    }
}
