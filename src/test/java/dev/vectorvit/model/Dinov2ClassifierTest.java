package dev.vectorvit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.Npy;
import dev.vectorvit.io.SafeTensorsWriter.Tensor;
import dev.vectorvit.io.TestResources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code Dinov2ForImageClassification} and {@code Dinov2WithRegistersForImageClassification}. No fixture holds
 * one, so each test makes the folder from a bare case of fixtures/variants (its tensors under the backbone's
 * prefix, a seeded {@code classifier}, the architecture and labels in config.json) and the expected logits in
 * double from the case's float64 {@code last_hidden_state}: transformers' head, {@code classifier(cat(cls,
 * patches.mean()))}, the patches being the tokens after the class and register tokens.
 */
class Dinov2ClassifierTest {
    private static final int CLASSES = 5;
    /** The cases' hidden size, and their patches at 42 x 42. */
    private static final int D = 48, PATCHES = 9;
    private static final List<String> LABELS = List.of("ant", "bee", "cat", "dog", "eel");

    @TempDir
    Path tmp;

    /** The bare case {@code fixture} as the classification model {@code architecture}, its backbone under {@code backbone.}. */
    private Path classifierFolder(String fixture, String backbone, String architecture) throws IOException {
        Path dir = Fixtures.copy(fixture + "/model", tmp);
        Fixtures.editTensors(dir, tensors -> {
            Map<String, Tensor> prefixed = new LinkedHashMap<>();
            tensors.forEach((name, t) -> prefixed.put(backbone + "." + name, t));
            tensors.clear();
            tensors.putAll(prefixed);
            tensors.put("classifier.weight", new Tensor("F32", new long[] {CLASSES, 2 * D}, linearInit(CLASSES * 2 * D, 1)));
            tensors.put("classifier.bias", new Tensor("F32", new long[] {CLASSES}, linearInit(CLASSES, 2)));
        });
        Fixtures.editConfig(dir, json -> {
            json.put("architectures", List.of(architecture));
            Map<String, Object> id2label = new LinkedHashMap<>();
            for (int i = 0; i < CLASSES; i++) {
                id2label.put(Integer.toString(i), LABELS.get(i));
            }
            json.put("id2label", id2label);
        });
        return dir;
    }

    /** Values uniform in +-1/sqrt(2D), as nn.Linear initializes its weight and bias. */
    private static float[] linearInit(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) / Math.sqrt(2 * D));
        }
        return v;
    }

    /** The logits of the fixture's last_hidden_state [N, T, D] under the head in {@code dir}, in double. */
    private static double[] expectedLogits(String fixture, Path dir, int prefixTokens) throws IOException {
        double[] tokens = Npy.read(Fixtures.fixture(fixture + "/last_hidden_state.npy")).toDoubles();
        Map<String, Tensor> file = Fixtures.readTensors(dir.resolve("model.safetensors"));
        float[] w = file.get("classifier.weight").values(), bias = file.get("classifier.bias").values();
        int d = D, t = prefixTokens + PATCHES, batch = tokens.length / (t * d);
        double[] logits = new double[batch * CLASSES];
        for (int b = 0; b < batch; b++) {
            double[] input = new double[2 * d];
            for (int j = 0; j < d; j++) {
                input[j] = tokens[b * t * d + j];
                for (int p = prefixTokens; p < t; p++) {
                    input[d + j] += tokens[(b * t + p) * d + j] / (t - prefixTokens);
                }
            }
            for (int k = 0; k < CLASSES; k++) {
                double sum = bias[k];
                for (int i = 0; i < 2 * d; i++) {
                    sum += w[k * 2 * d + i] * input[i];
                }
                logits[b * CLASSES + k] = sum;
            }
        }
        return logits;
    }

    /** Trained at 56, run at 42 (3 x 3 patches) as the cases were; the registers case has 4 registers. */
    @ParameterizedTest(name = "{2} on {4} threads")
    @CsvSource({"variants/dinov2, dinov2, Dinov2ForImageClassification, 1, 1",
            "variants/dinov2, dinov2, Dinov2ForImageClassification, 1, 3",
            "variants/dinov2-registers, dinov2_with_registers, Dinov2WithRegistersForImageClassification, 5, 1",
            "variants/dinov2-registers, dinov2_with_registers, Dinov2WithRegistersForImageClassification, 5, 3"})
    void logitsThroughTheApiAndVitPredict(String fixture, String backbone, String architecture, int prefixTokens,
                                          int threads) throws IOException {
        Path dir = classifierFolder(fixture, backbone, architecture);
        double[] expected = expectedLogits(fixture, dir, prefixTokens);
        float[] input = Fixtures.input(fixture);
        try (ViTModel m = ViTModel.load(dir, ViTModel.Options.defaults().withThreads(threads).withImageSize(42))) {
            assertEquals(Classifier.CLASS_AND_PATCH_MEAN, m.config().classifier());
            assertEquals(LABELS, m.config().labels());
            assertEquals(prefixTokens, m.config().prefixTokens());
            Fixtures.assertClose("logits", expected, m.logits(input, 2), Fixtures.LOGITS_TOLERANCE);
            Fixtures.assertClose("pooler_output", Npy.read(Fixtures.fixture(fixture + "/pooler_output.npy")).toDoubles(),
                    m.embeddings(input, 2), Fixtures.LOGITS_TOLERANCE);
        }
        Path out = tmp.resolve("logits.npy");
        Vit.exits(0, "predict", "--threads", Integer.toString(threads), "--image-size", "42", "--model", dir.toString(),
                "--input", Fixtures.fixture(fixture + "/input.npy").toString(), "--output", out.toString());
        Fixtures.assertClose("vit predict", expected, Fixtures.toFloats(Npy.read(out).toDoubles()),
                Fixtures.LOGITS_TOLERANCE);
    }

    /** An image file through the model's preprocessing and head: the path, then the labels ranked with their scores. */
    @ParameterizedTest(name = "{1}")
    @CsvSource({"variants/dinov2, dinov2, Dinov2ForImageClassification",
            "variants/dinov2-registers, dinov2_with_registers, Dinov2WithRegistersForImageClassification"})
    void vitClassifyRanksTheLabels(String fixture, String backbone, String architecture) throws IOException {
        Path dir = classifierFolder(fixture, backbone, architecture);
        String image = TestResources.path("images/rgb_37x23.png").toString();
        List<String> lines = Vit.prints(0, "classify", "--threads", "1", "--top", "5", "--model", dir.toString(), image)
                .lines().toList();
        assertEquals(image, lines.getFirst());
        assertEquals(1 + CLASSES, lines.size(), lines::toString);
        assertEquals(LABELS, lines.stream().skip(1).map(l -> l.substring(l.lastIndexOf(' ') + 1)).sorted().toList());
        for (String line : lines.subList(1, lines.size())) {
            assertTrue(line.matches(" +[01]\\.\\d{4}  [a-z]{3}"), line);
        }
    }
}
