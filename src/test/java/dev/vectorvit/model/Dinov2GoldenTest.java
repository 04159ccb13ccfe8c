package dev.vectorvit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vectorvit.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DINOv2 and DINOv2 with registers against Hugging Face transformers' float64 outputs (fixtures/variants):
 * {@code last_hidden_state} as {@link ViTModel#tokens}, {@code pooler_output} as {@link ViTModel#embeddings}.
 */
class Dinov2GoldenTest {
    private static final String REAL = "variants/dinov2-real";

    @TempDir
    Path tmp;

    private static double[] reference(String fixture, String output) throws IOException {
        return Npy.read(Fixtures.fixture(fixture + "/" + output + ".npy")).toDoubles();
    }

    /**
     * The tensor-level cases: trained at 56 (4 x 4 patches of 14), run at 42 (3 x 3), so the positions are
     * resampled; with registers, 4 more tokens after the class token (10 and 14 tokens per image).
     */
    @ParameterizedTest(name = "{0} on {2} threads")
    @CsvSource({"variants/dinov2, 10, 1", "variants/dinov2, 10, 3", "variants/dinov2-registers, 14, 1",
            "variants/dinov2-registers, 14, 3"})
    void tensorsThroughTheApi(String fixture, int tokens, int threads) throws IOException {
        float[] input = Fixtures.input(fixture);
        ViTModel.Options options = ViTModel.Options.defaults().withThreads(threads).withImageSize(42);
        try (ViTModel m = ViTModel.load(Fixtures.fixture(fixture + "/model"), options)) {
            ViTConfig c = m.config();
            assertEquals(tokens, c.tokens());
            assertEquals(56, m.source().config().imageHeight(), "the checkpoint's own size stays in its source");
            assertFalse(m.hasClassifier());
            int batch = input.length / c.imageFloats();
            Fixtures.assertClose("last_hidden_state", reference(fixture, "last_hidden_state"), m.tokens(input, batch),
                    Fixtures.LOGITS_TOLERANCE);
            Fixtures.assertClose("pooler_output", reference(fixture, "pooler_output"), m.embeddings(input, batch),
                    Fixtures.LOGITS_TOLERANCE);
        }
    }

    /** {@code vit embed --input} of the tensor-level cases writes pooler_output. */
    @ParameterizedTest(name = "{0} on {1} threads")
    @CsvSource({"variants/dinov2, 1", "variants/dinov2, 3", "variants/dinov2-registers, 1", "variants/dinov2-registers, 3"})
    void tensorsThroughVitEmbed(String fixture, int threads) throws IOException {
        Path out = tmp.resolve("embeddings.npy");
        Vit.exits(0, "embed", "--threads", Integer.toString(threads), "--image-size", "42", "--model",
                Fixtures.fixture(fixture + "/model").toString(), "--input", Fixtures.fixture(fixture + "/input.npy").toString(),
                "--output", out.toString());
        Fixtures.assertClose("pooler_output", reference(fixture, "pooler_output"),
                Fixtures.toFloats(Npy.read(out).toDoubles()), Fixtures.LOGITS_TOLERANCE);
    }

    /**
     * A model configured like facebook/dinov2-base (trained at 518, 37 x 37 patches) at the 224 its
     * BitImageProcessor makes by default (16 x 16 patches), from the given pixel values.
     */
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void realFromPixelValues(int threads) throws IOException {
        float[] pixels = Fixtures.toFloats(Npy.read(Fixtures.fixture(REAL + "/pixel_values.npy")).toDoubles());
        try (ViTModel m = ViTModel.load(Fixtures.fixture(REAL + "/model"), ViTModel.Options.defaults().withThreads(threads))) {
            assertEquals(List.of(224, 224), List.of(m.config().imageHeight(), m.config().imageWidth()),
                    "the image processor's crop, not the config's 518");
            assertEquals(257, m.config().tokens());
            Fixtures.assertClose("last_hidden_state", reference(REAL, "last_hidden_state"), m.tokens(pixels, 2),
                    Fixtures.LOGITS_TOLERANCE);
            Fixtures.assertClose("pooler_output", reference(REAL, "pooler_output"), m.embeddings(pixels, 2),
                    Fixtures.LOGITS_TOLERANCE);
        }
    }

    private static List<Path> pngs() {
        return List.of(Fixtures.fixture(REAL + "/image0.png"), Fixtures.fixture(REAL + "/image1.png"));
    }

    /** The two PNG files through the model's own preprocessing (shortest edge 256 bicubic, crop 224). */
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void realFromImageFiles(int threads) throws IOException {
        try (ViTModel m = ViTModel.load(Fixtures.fixture(REAL + "/model"), ViTModel.Options.defaults().withThreads(threads))) {
            float[] pixels = m.preprocess(pngs());
            Fixtures.assertClose("pixel_values", reference(REAL, "pixel_values"), pixels, 1e-6);
            Fixtures.assertClose("last_hidden_state", reference(REAL, "last_hidden_state"), m.tokens(pixels, 2),
                    Fixtures.LOGITS_TOLERANCE);
        }
    }

    /** {@code vit embed} of the PNG files writes pooler_output. */
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void realThroughVitEmbed(int threads) throws IOException {
        Path out = tmp.resolve("embeddings.npy");
        Vit.exits(0, "embed", "--threads", Integer.toString(threads), "--model", Fixtures.fixture(REAL + "/model").toString(),
                "--output", out.toString(), pngs().get(0).toString(), pngs().get(1).toString());
        Fixtures.assertClose("pooler_output", reference(REAL, "pooler_output"),
                Fixtures.toFloats(Npy.read(out).toDoubles()), Fixtures.LOGITS_TOLERANCE);
    }
}
