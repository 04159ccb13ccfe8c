package dev.vectorvit.cli;

import dev.vectorvit.io.Json;
import dev.vectorvit.kernels.GemmBlocking;
import dev.vectorvit.kernels.Simd;
import dev.vectorvit.model.InferenceSession;
import dev.vectorvit.model.Op;
import dev.vectorvit.model.Output;
import dev.vectorvit.model.ViTConfig;
import dev.vectorvit.model.ViTModel;
import dev.vectorvit.tensor.LargePageArena;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/** {@code vit bench}: latency, throughput and memory of the forward pass. */
final class BenchCommand implements Callable<Integer> {
    private static final int DEFAULT_BATCH = 1, DEFAULT_ITERATIONS = 10, DEFAULT_WARMUP = 3;

    static final CommandSpec SPEC = CommandSpec.of("bench",
            List.of("Time the forward pass. Without --model it runs ViT-B/16 (224x224 unless --image-size, 1000 "
                    + "classes) on deterministic random weights made in memory: no files needed."),
            null,
            List.of(FolderOptions.MODEL,
                    OptionSpec.value("--batch", "N", "Images per forward pass (default " + DEFAULT_BATCH + ")."),
                    OptionSpec.value("--iterations", "K", "Timed forward passes (default " + DEFAULT_ITERATIONS + ")."),
                    OptionSpec.value("--warmup", "K", "Untimed passes after the first (default " + DEFAULT_WARMUP + ")."),
                    OptionSpec.flag("--json", "Print one JSON object on stdout instead of the report."),
                    OptionSpec.flag("--profile", "Also time each operation of the forward pass (ms per pass, GFLOPS).")),
            Common.OPTIONS);

    private final Common common;
    private final Path model;
    private final int batch;
    private final int iterations;
    private final int warmup;
    private final boolean json;
    private final boolean profile;
    private final PrintWriter out;
    private final PrintWriter err;

    BenchCommand(Arguments args, PrintWriter out, PrintWriter err) {
        common = new Common(args);
        model = args.path("--model");
        batch = args.intValue("--batch", DEFAULT_BATCH);
        iterations = args.intValue("--iterations", DEFAULT_ITERATIONS);
        warmup = args.intValue("--warmup", DEFAULT_WARMUP);
        json = args.flag("--json");
        profile = args.flag("--profile");
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        Common.requirePositive("--batch", batch);
        Common.requirePositive("--iterations", iterations);
        if (warmup < 0) {
            throw new UsageException("--warmup must be >= 0, got " + warmup);
        }
        long jvmStart = ProcessClock.startMillis();
        long mainStart = System.currentTimeMillis();

        long t0 = System.nanoTime();
        try (ViTModel m = common.load(model);
             InferenceSession session = m.newSession(m.options().threads());
             Arena arena = Arena.ofShared()) {
            double loadMs = (System.nanoTime() - t0) / 1e6;
            ViTConfig c = m.config();
            String what = model != null ? model.toString() : "ViT-B/16, random weights";
            progress("vit bench: " + what + ", " + c.imageHeight() + "x" + c.imageWidth() + ", batch " + batch
                    + ", " + m.options().threads() + " threads, " + Simd.describe() + "; loaded in " + fmt(loadMs)
                    + " ms");

            // An image at a time through an array: before the JIT compiles this loop, a segment store is a
            // chain of calls, and the first logits wait for the input.
            MemorySegment input = Memory.floats(arena, (long) batch * c.imageFloats());
            SplittableRandom r = new SplittableRandom(7);
            float[] image = new float[c.imageFloats()];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < image.length; i++) {
                    image[i] = (float) (r.nextDouble() * 2 - 1);
                }
                MemorySegment.copy(image, 0, input, ValueLayout.JAVA_FLOAT, (long) b * image.length * Float.BYTES,
                        image.length);
            }
            Output output = m.fullestOutput(); // the logits where the model has a head
            MemorySegment result = Memory.floats(arena, (long) batch * output.width(c));

            long f0 = System.nanoTime();
            output.run(session, input, 0, batch, result, 0);
            long firstDone = System.currentTimeMillis();
            double firstMs = (System.nanoTime() - f0) / 1e6;
            progress("first forward pass: " + fmt(firstMs) + " ms");
            for (int i = 0; i < warmup; i++) {
                output.run(session, input, 0, batch, result, 0);
                progress("warm-up " + (i + 1) + "/" + warmup);
            }
            session.setProfiling(profile);
            double[] ms = new double[iterations];
            for (int i = 0; i < iterations; i++) {
                long s = System.nanoTime();
                output.run(session, input, 0, batch, result, 0);
                ms[i] = (System.nanoTime() - s) / 1e6;
                progress("iteration " + (i + 1) + "/" + iterations + ": " + fmt(ms[i]) + " ms");
            }
            Arrays.sort(ms);
            double median = percentile(ms, 50), p10 = percentile(ms, 10), p90 = percentile(ms, 90);
            double imagesPerSecond = batch / (median / 1e3);
            double gflops = m.flopsPerImage() * batch / (median / 1e3) / 1e9;
            long peakRss = ProcessMemory.peakRssBytes();
            GemmBlocking blocking = GemmBlocking.forThisMachine();
            Result res = new Result(what, output.name().toLowerCase(Locale.ROOT), output.width(c), c.imageHeight(),
                    c.imageWidth(), c.tokens(), batch, m.options().threads(),
                    Simd.describe(), blocking.describe(), blocking.json(), iterations, median, ms[0],
                    ms[ms.length - 1], p10, p90, imagesPerSecond, gflops, m.flopsPerImage() / 1e9,
                    mainStart - jvmStart, loadMs, firstMs, firstDone - jvmStart, peakRss, LargePageArena.available());
            out.println(json ? res.json() : res.report());
            if (profile && !json) {
                out.println(profileTable(session.profile(), m, batch));
            }
        }
        return 0;
    }

    private void progress(String line) {
        err.println(line);
        err.flush();
    }

    /** A markdown table of the mean time per pass of each operation, with the GEMMs' GFLOPS. */
    static String profileTable(Map<Op, Double> nanos, ViTModel m, int batch) {
        double total = nanos.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder sb = new StringBuilder("\n| operation | ms per pass | share | GFLOPS |\n|---|---:|---:|---:|\n");
        for (Map.Entry<Op, Double> e : nanos.entrySet()) {
            double flops = m.flops(e.getKey(), batch);
            sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f%% | %s |%n", e.getKey().label(), e.getValue() / 1e6,
                    100 * e.getValue() / total, flops == 0 ? "" : String.format(Locale.ROOT, "%.0f", flops / e.getValue())));
        }
        sb.append(String.format(Locale.ROOT, "| total (timed parts) | %.2f | 100%% | %.0f |", total / 1e6,
                m.flopsPerImage() * batch / total));
        return sb.toString();
    }

    static double percentile(double[] sorted, double p) {
        double pos = (sorted.length - 1) * p / 100;
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /**
     * One run's figures. {@code output} is what the passes gave ("logits", "embedding" or "tokens"; width floats
     * an image), and the first of it is what firstLogitsSinceJvmStartMs times (its JSON key names the logits).
     */
    record Result(String model, String output, int width, int imageHeight, int imageWidth, int tokens, int batch,
                  int threads, String kernels, String gemm, String gemmJson, int iterations, double medianMs,
                  double minMs, double maxMs, double p10Ms, double p90Ms, double imagesPerSecond, double gflops,
                  double gflopPerImage,
                  long jvmStartMs, double loadMs, double firstForwardMs, long firstLogitsSinceJvmStartMs,
                  long peakRssBytes, boolean largePages) {

        String report() {
            return String.join("\n",
                    "model            " + model,
                    "output           " + output + ", " + width + " floats per image",
                    "image            " + imageHeight + "x" + imageWidth + " (" + tokens + " tokens)",
                    "batch / threads  " + batch + " / " + threads + "  (" + kernels + ")",
                    "gemm             " + gemm,
                    "latency          median " + fmt(medianMs) + " ms  (min " + fmt(minMs) + ", p10 " + fmt(p10Ms)
                            + ", p90 " + fmt(p90Ms) + ", max " + fmt(maxMs) + "; " + iterations + " passes)",
                    "throughput       " + fmt(imagesPerSecond) + " images/s, " + fmt(gflops) + " GFLOPS ("
                            + String.format(Locale.ROOT, "%.2f", gflopPerImage) + " GFLOP per image)",
                    String.format(Locale.ROOT, "%-17s", "first " + output) + firstLogitsSinceJvmStartMs
                            + " ms after JVM start (JVM start to main " + jvmStartMs + " ms, weights " + fmt(loadMs)
                            + " ms, first pass " + fmt(firstForwardMs) + " ms)",
                    "peak memory      " + (peakRssBytes < 0 ? "n/a" : (peakRssBytes >> 20) + " MiB resident (VmHWM)")
                            + "; weights and workspace in " + (largePages ? "2 MiB pages (madvise)" : "the system's default pages"));
        }

        String json() {
            return String.format(Locale.ROOT,
                    "{\"model\":%s,\"output\":%s,\"output_floats_per_image\":%d,\"image_height\":%d,"
                            + "\"image_width\":%d,\"tokens\":%d,\"batch\":%d,\"threads\":%d,"
                            + "\"kernels\":%s,\"gemm\":%s,\"iterations\":%d,"
                            + "\"median_ms\":%.3f,\"min_ms\":%.3f,\"max_ms\":%.3f,\"p10_ms\":%.3f,\"p90_ms\":%.3f,"
                            + "\"images_per_s\":%.3f,\"gflops\":%.2f,\"gflop_per_image\":%.4f,\"jvm_start_ms\":%d,"
                            + "\"load_ms\":%.1f,\"first_forward_ms\":%.1f,\"first_logits_since_jvm_start_ms\":%d,"
                            + "\"peak_rss_bytes\":%d,\"large_pages\":%b}",
                    Json.quote(model), Json.quote(output), width, imageHeight, imageWidth, tokens, batch, threads,
                    Json.quote(kernels), gemmJson, iterations, medianMs, minMs, maxMs, p10Ms, p90Ms, imagesPerSecond,
                    gflops, gflopPerImage, jvmStartMs, loadMs, firstForwardMs, firstLogitsSinceJvmStartMs, peakRssBytes,
                    largePages);
        }
    }
}
