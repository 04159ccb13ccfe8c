package dev.vectorvit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vectorvit.cli.Main;
import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.SafeTensorsWriter.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SigLIP's image tower against Hugging Face transformers' float64 outputs (fixtures/variants/siglip-vision,
 * a {@code SiglipVisionModel}: {@code pooler_output}, {@code last_hidden_state}), and the same weights as a
 * full {@code SiglipModel} stores them, as transformers 4 saves a SiglipVisionModel, and without the head.
 */
class SiglipGoldenTest {
    private static final String VISION = "variants/siglip-vision";

    @TempDir
    Path tmp;

    private static ViTModel load(Path dir, int threads) throws IOException {
        return ViTModel.load(dir, ViTModel.Options.defaults().withThreads(threads));
    }

    /** Both outputs of the model in {@code dir} against the references; the model's embeddings. */
    private static float[] assertGolden(Path dir, int threads) throws IOException {
        float[] input = Fixtures.input(VISION);
        try (ViTModel m = load(dir, threads)) {
            ViTConfig c = m.config();
            assertEquals(Tower.Kind.SIGLIP, c.tower().kind());
            assertEquals(c.patches(), c.tokens(), "no class token");
            int batch = input.length / c.imageFloats();
            float[] pooled = m.embeddings(input, batch);
            Fixtures.assertClose("pooler_output", Fixtures.reference(VISION, "pooler_output"), pooled, Fixtures.LOGITS_TOLERANCE);
            Fixtures.assertClose("last_hidden_state", Fixtures.reference(VISION, "last_hidden_state"), m.tokens(input, batch),
                    Fixtures.LOGITS_TOLERANCE);
            return pooled;
        }
    }

    private Path copyOfVision(String name) throws IOException {
        return Fixtures.copy(VISION + "/model", tmp.resolve(name));
    }

    /** The fixture's tensors under "vision_model.", as SiglipModel (and transformers 4) name them. */
    private static void prefixTensors(Path dir) throws IOException {
        Fixtures.editTensors(dir, t -> {
            Map<String, Tensor> prefixed = new LinkedHashMap<>();
            t.forEach((name, tensor) -> prefixed.put("vision_model." + name, tensor));
            t.clear();
            t.putAll(prefixed);
        });
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void visionModel(int threads) throws IOException {
        assertGolden(Fixtures.fixture(VISION + "/model"), threads);
    }

    /** A SiglipModel folder: the config nested under vision_config, tensors prefixed, a text tower beside. */
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void fullModelGivesTheSameOutputs(int threads) throws IOException {
        Path dir = copyOfVision("full");
        Fixtures.editConfig(dir, j -> {
            Map<String, Object> vision = new LinkedHashMap<>(j);
            vision.put("model_type", "siglip_vision_model");
            vision.remove("architectures");
            j.clear();
            j.put("architectures", List.of("SiglipModel"));
            j.put("model_type", "siglip");
            j.put("text_config", new LinkedHashMap<>(Map.of("hidden_size", 32L, "model_type", "siglip_text_model")));
            j.put("vision_config", vision);
        });
        prefixTensors(dir);
        Fixtures.editTensors(dir, t -> t.put("text_model.embeddings.token_embedding.weight",
                new Tensor("F32", new long[] {4, 32}, new float[4 * 32])));
        float[] vision = assertGolden(Fixtures.fixture(VISION + "/model"), threads);
        Fixtures.assertBitwiseEquals(vision, assertGolden(dir, threads), "pooler_output of the full model");
    }

    @Test
    void visionModelWithPrefixedNames() throws IOException {
        Path dir = copyOfVision("prefixed");
        prefixTensors(dir);
        assertGolden(dir, 2);
    }

    /** vision_use_head false: the tokens as before, and no pooled output, as transformers gives none. */
    @Test
    void withoutHeadTokensOnly() throws IOException {
        Path dir = copyOfVision("headless");
        Fixtures.editConfig(dir, j -> j.put("vision_use_head", false));
        float[] input = Fixtures.input(VISION);
        try (ViTModel m = load(dir, 2)) {
            assertEquals(Tower.Kind.SIGLIP_WITHOUT_HEAD, m.config().tower().kind());
            int batch = input.length / m.config().imageFloats();
            Fixtures.assertClose("last_hidden_state", Fixtures.reference(VISION, "last_hidden_state"), m.tokens(input, batch),
                    Fixtures.LOGITS_TOLERANCE);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.embeddings(input, batch));
            Fixtures.assertMessage(e.getMessage(), "no pooled output", "use tokens");
            e = assertThrows(IllegalStateException.class, () -> m.logits(input, batch));
            Fixtures.assertMessage(e.getMessage(), "no classification head");
        }
    }

    @Test
    void otherArchitectureNamesTheSupportedOne() throws IOException {
        Path dir = copyOfVision("classifier");
        Fixtures.editConfig(dir, j -> j.put("architectures", List.of("SiglipForImageClassification")));
        Exception e = assertThrows(FormatException.class, () -> ViTModel.load(dir));
        Fixtures.assertMessage(e.getMessage(), dir.resolve("config.json").toString(),
                "'SiglipForImageClassification'", "SiglipVisionModel");
    }

    /** {@code vit predict} asks for logits, which a SigLIP tower has not: exit code 2 (usage) and a one-line error. */
    @Test
    void vitPredictSaysThereIsNoHead() {
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"predict", "--threads", "1", "--model",
                Fixtures.fixture(VISION + "/model").toString(), "--input", Fixtures.fixture(VISION + "/input.npy").toString(),
                "--output", tmp.resolve("logits.npy").toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, code, "a usage error");
        Fixtures.assertMessage(err.toString().lines().findFirst().orElse(""), "no classification head", "embed or tokens");
    }
}
