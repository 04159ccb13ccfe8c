package dev.vectorvit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vectorvit.cli.Main;
import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.Npy;
import dev.vectorvit.io.SafeTensorsWriter.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ViT family against Hugging Face transformers' own float64 outputs (fixtures/variants, see its
 * README), through the Java API and through {@code vit predict}.
 */
class VariantsGoldenTest {
    private static final String DEIT = "variants/deit-distilled";

    @TempDir
    Path tmp;

    private static double[] reference(String output) throws IOException {
        return Npy.read(Fixtures.fixture(DEIT + "/" + output + ".npy")).toDoubles();
    }

    /**
     * Logits of the distilled DeiT (mean of the two heads), and each head on its own token of
     * {@code last_hidden_state}, computed here in double from the checkpoint's head weights.
     */
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void deitDistilledThroughTheApi(int threads) throws IOException {
        float[] input = Fixtures.input(DEIT);
        try (ViTModel m = ViTModel.load(Fixtures.fixture(DEIT + "/model"), ViTModel.Options.defaults().withThreads(threads))) {
            ViTConfig c = m.config();
            assertEquals(Classifier.DISTILLED, c.classifier());
            assertEquals(2 + c.patches(), c.tokens(), "class and distillation tokens, then the patches");
            int batch = input.length / c.imageFloats();
            Fixtures.assertClose("logits", reference("logits"), m.logits(input, batch), Fixtures.LOGITS_TOLERANCE);
            float[] tokens = m.tokens(input, batch);
            Map<String, Tensor> w =
                    Fixtures.readTensors(Fixtures.fixture(DEIT + "/model/model.safetensors"));
            Fixtures.assertClose("cls_logits", reference("cls_logits"), head(w, "cls_classifier", tokens, c, 0),
                    Fixtures.LOGITS_TOLERANCE);
            Fixtures.assertClose("distillation_logits", reference("distillation_logits"),
                    head(w, "distillation_classifier", tokens, c, 1), Fixtures.LOGITS_TOLERANCE);
            // The embedding is the class token of last_hidden_state.
            float[] embeddings = m.embeddings(input, batch);
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < c.hidden(); i++) {
                    assertEquals(tokens[b * c.tokens() * c.hidden() + i], embeddings[b * c.hidden() + i],
                            "image " + b + " feature " + i);
                }
            }
        }
    }

    /** Head {@code name} applied in double to token {@code token} of each image's row of {@code tokens}. */
    private static float[] head(Map<String, Tensor> w, String name, float[] tokens,
                                ViTConfig c, int token) {
        float[] weight = w.get(name + ".weight").values(), bias = w.get(name + ".bias").values();
        int d = c.hidden(), k = c.classes(), batch = tokens.length / (c.tokens() * d);
        float[] out = new float[batch * k];
        for (int b = 0; b < batch; b++) {
            int row = (b * c.tokens() + token) * d;
            for (int j = 0; j < k; j++) {
                double sum = bias[j];
                for (int i = 0; i < d; i++) {
                    sum += (double) weight[j * d + i] * tokens[row + i];
                }
                out[b * k + j] = (float) sum;
            }
        }
        return out;
    }

    /** A copy of the distilled DeiT's model folder, to edit. */
    private Path copyOfDeit(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (String file : List.of("config.json", "model.safetensors")) {
            Files.copy(Fixtures.fixture(DEIT + "/model/" + file), dir.resolve(file));
        }
        return dir;
    }

    /**
     * The plain DeiTForImageClassification: the same encoder (both tokens), one classifier on the class
     * token; made from the distilled case by keeping its class head under the plain name.
     */
    @Test
    void plainDeitIsTheClassHead() throws IOException {
        Path dir = copyOfDeit("plain");
        Fixtures.editConfig(dir, j -> j.put("architectures", List.of("DeiTForImageClassification")));
        Fixtures.editTensors(dir, t -> {
            t.put("classifier.weight", t.remove("cls_classifier.weight"));
            t.put("classifier.bias", t.remove("cls_classifier.bias"));
            t.remove("distillation_classifier.weight");
            t.remove("distillation_classifier.bias");
        });
        float[] input = Fixtures.input(DEIT);
        try (ViTModel m = ViTModel.load(dir, ViTModel.Options.defaults().withThreads(2))) {
            assertEquals(Classifier.CLASS_TOKEN, m.config().classifier());
            Fixtures.assertClose("logits", reference("cls_logits"), m.logits(input, input.length / m.config().imageFloats()),
                    Fixtures.LOGITS_TOLERANCE);
        }
    }

    @Test
    void deitOfAnotherArchitectureNamesTheSupportedOnes() throws IOException {
        Path dir = copyOfDeit("other");
        Fixtures.editConfig(dir, j -> j.put("architectures", List.of("DeiTForMaskedImageModeling")));
        FormatException e = assertThrows(FormatException.class, () -> ViTModel.load(dir));
        Fixtures.assertMessage(e.getMessage(), dir.resolve("config.json").toString(), "'DeiTForMaskedImageModeling'",
                "DeiTForImageClassificationWithTeacher", "DeiTForImageClassification");
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void deitDistilledThroughVitPredict(int threads) throws IOException {
        Path out = tmp.resolve("logits.npy");
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"predict", "--threads", Integer.toString(threads), "--model",
                Fixtures.fixture(DEIT + "/model").toString(), "--input", Fixtures.fixture(DEIT + "/input.npy").toString(),
                "--output", out.toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(0, code, err::toString);
        Fixtures.assertClose("logits", reference("logits"), Fixtures.toFloats(Npy.read(out).toDoubles()),
                Fixtures.LOGITS_TOLERANCE);
    }
}
