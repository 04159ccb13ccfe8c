package dev.vectorvit.model;

import static dev.vectorvit.model.Fixtures.assertBitwiseEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forward pass is a function of the weights and the image alone: the same bits whatever the thread
 * count, the batch an image travels in, how many callers share the model, or whether the JIT has
 * compiled the kernels yet.
 */
final class DeterminismTest {
    private static final ViTConfig CONFIG = Fixtures.smallConfig();
    private static final int IMAGES = 6;
    private static final float[] INPUT = Fixtures.randomImages(CONFIG, IMAGES, 99);
    private static ViTModel model;

    @BeforeAll
    static void load() {
        model = ViTModel.random(CONFIG, 1234, ViTModel.Options.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Images {@code from .. from + n - 1} of {@link #INPUT}. */
    private static float[] images(int from, int n) {
        return Arrays.copyOfRange(INPUT, from * CONFIG.imageFloats(), (from + n) * CONFIG.imageFloats());
    }

    /** Logits of a batch through a session of {@code threads} threads. */
    private static float[] logits(ViTModel m, int threads, float[] images) {
        int batch = images.length / CONFIG.imageFloats();
        try (InferenceSession s = m.newSession(threads); Arena a = Arena.ofConfined()) {
            MemorySegment out = Memory.floats(a, (long) batch * CONFIG.classes());
            s.forward(Memory.copyOf(a, images), 0, batch, out, 0);
            return Memory.toArray(out, 0, batch * CONFIG.classes());
        }
    }

    @Test
    void sameBitsWithOneTwoOrThreeThreads() {
        float[] one = logits(model, 1, INPUT);
        for (int threads : new int[] {2, 3}) {
            assertBitwiseEquals(one, logits(model, threads, INPUT), threads + " threads vs 1");
        }
        assertBitwiseEquals(one, model.logits(INPUT, IMAGES), "the pooled session");
    }

    @Test
    void sameBitsAloneOrInABatch() {
        int classes = CONFIG.classes();
        for (int threads : new int[] {1, 3}) {
            float[] batch = logits(model, threads, images(0, 3));
            for (int i = 0; i < 3; i++) {
                float[] alone = logits(model, threads, images(i, 1));
                assertBitwiseEquals(alone, Arrays.copyOfRange(batch, i * classes, (i + 1) * classes),
                        "image " + i + " alone vs in a batch of 3, " + threads + " threads");
            }
        }
    }

    @Test
    void randomWeightsFollowTheSeed() {
        float[] expected = model.logits(INPUT, IMAGES);
        try (ViTModel same = ViTModel.random(CONFIG, 1234, ViTModel.Options.defaults().withThreads(1));
             ViTModel other = ViTModel.random(CONFIG, 1235, ViTModel.Options.defaults().withThreads(1))) {
            ViTWeights a = model.weights(), b = same.weights(), c = other.weights();
            assertEquals(-1, a.headBias().mismatch(b.headBias()), "same seed, same weights");
            assertEquals(-1, a.layers()[1].fc2Bias().mismatch(b.layers()[1].fc2Bias()));
            assertTrue(a.headBias().mismatch(c.headBias()) >= 0, "another seed, other weights");
            assertBitwiseEquals(expected, same.logits(INPUT, IMAGES), "same seed");
            float[] differs = other.logits(INPUT, IMAGES);
            assertFalse(Arrays.equals(expected, differs), "another seed gives other logits");
        }
    }

    /**
     * The JIT does not change the bits: logits from a JVM that only interprets (-Xint) equal this JVM's
     * once the kernels are compiled (the Vector API's own lane reductions would differ between the two).
     */
    @Test
    void sameBitsInTheInterpreterAsInCompiledCode(@TempDir Path tmp) throws Exception {
        Path err = tmp.resolve("stderr.txt");
        // The child takes this JVM's vector width, asked for by -Dvectorvit.vectorBits or by the JVM's own flags
        // (-XX:UseAVX=2 makes the preferred species 256-bit; the child, without the flag, would take 512).
        String bits = System.getProperty("vectorvit.vectorBits",
                String.valueOf(FloatVector.SPECIES_PREFERRED.vectorBitSize()));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xint", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dvectorvit.vectorBits=" + bits, "-cp", System.getProperty("java.class.path"),
                Interpreted.class.getName())
                .redirectError(err.toFile()).start();
        // Meanwhile, enough passes here for C2 to compile the kernels (it takes about 700 from a cold start).
        try (ViTModel warm = ViTModel.random(CONFIG, 1234, ViTModel.Options.defaults().withThreads(1))) {
            for (int i = 0; i < 1500; i++) {
                warm.logits(images(i % IMAGES, 1), 1);
            }
            float[] compiled = warm.logits(images(0, 2), 2);
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the -Xint JVM did not finish");
            assertEquals(0, child.exitValue(), () -> out + readString(err));
            float[] interpreted = new float[compiled.length];
            String[] words = out.strip().split(" ");
            assertEquals(compiled.length, words.length, out);
            for (int i = 0; i < words.length; i++) {
                interpreted[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(words[i], 16));
            }
            assertBitwiseEquals(interpreted, compiled, "-Xint vs compiled");
        } finally {
            child.destroyForcibly();
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The child JVM of {@link #sameBitsInTheInterpreterAsInCompiledCode}: the logits' bits in hex. */
    static final class Interpreted {
        public static void main(String[] args) {
            try (ViTModel m = ViTModel.random(CONFIG, 1234, ViTModel.Options.defaults().withThreads(1))) {
                StringBuilder sb = new StringBuilder();
                for (float v : m.logits(images(0, 2), 2)) {
                    sb.append(Integer.toHexString(Float.floatToRawIntBits(v))).append(' ');
                }
                System.out.println(sb.toString().strip());
            }
        }
    }

    @Test
    void concurrentCallersGetTheSerialBits() throws Exception {
        int callers = 8, calls = 10;
        // Every (first image, batch size) a caller uses, run serially first.
        Map<List<Integer>, float[]> serial = new HashMap<>();
        for (int batch = 1; batch <= 3; batch++) {
            for (int from = 0; from + batch <= IMAGES; from++) {
                serial.put(List.of(from, batch), model.logits(images(from, batch), batch));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < callers; t++) {
                int caller = t;
                results.add(pool.submit(() -> {
                    start.await();
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < calls; i++) {
                        int batch = (caller + i) % 3 + 1;
                        int from = (caller * 7 + i * 3) % (IMAGES - batch + 1);
                        float[] got = model.logits(images(from, batch), batch);
                        if (Fixtures.firstBitDifference(serial.get(List.of(from, batch)), got) >= 0) {
                            wrong.add("caller " + caller + ", call " + i + ": images " + from + ".." + (from + batch - 1));
                        }
                    }
                    return wrong;
                }));
            }
            start.countDown();
            List<String> wrong = new ArrayList<>();
            for (Future<List<String>> f : results) {
                wrong.addAll(f.get(60, TimeUnit.SECONDS));
            }
            assertEquals(List.of(), wrong, "calls whose logits differ from the serial ones");
        } finally {
            pool.shutdownNow();
        }
    }
}
