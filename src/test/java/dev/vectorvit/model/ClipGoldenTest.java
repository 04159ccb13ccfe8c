package dev.vectorvit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vectorvit.cli.Main;
import dev.vectorvit.io.Npy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CLIP's image tower against Hugging Face transformers' float64 outputs (fixtures/variants): a
 * {@code CLIPVisionModelWithProjection} ({@code image_embeds}, {@code last_hidden_state}) and a full
 * {@code CLIPModel} ({@code image_embeds} L2-normalized), from pixel values and from its PNGs.
 */
class ClipGoldenTest {
    private static final String VISION = "variants/clip-vision";
    private static final String FULL = "variants/clip-full";

    @TempDir
    Path tmp;

    private static ViTModel load(String fixture, int threads) throws IOException {
        return ViTModel.load(Fixtures.fixture(fixture + "/model"), ViTModel.Options.defaults().withThreads(threads));
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void visionWithProjection(int threads) throws IOException {
        float[] input = Fixtures.input(VISION);
        try (ViTModel m = load(VISION, threads)) {
            ViTConfig c = m.config();
            assertEquals(new Tower(Tower.Kind.CLIP, 24), c.tower());
            assertEquals(24, Output.EMBEDDING.width(c));
            int batch = input.length / c.imageFloats();
            Fixtures.assertClose("image_embeds", Fixtures.reference(VISION, "image_embeds"), m.embeddings(input, batch),
                    Fixtures.LOGITS_TOLERANCE);
            Fixtures.assertClose("last_hidden_state", Fixtures.reference(VISION, "last_hidden_state"), m.tokens(input, batch),
                    Fixtures.LOGITS_TOLERANCE);
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void fullModelFromPixelValuesAndFromItsPngs(int threads) throws IOException {
        float[] pixels = Fixtures.toFloats(Npy.read(Fixtures.fixture(FULL + "/pixel_values.npy")).toDoubles());
        List<Path> pngs = List.of(Fixtures.fixture(FULL + "/image0.png"), Fixtures.fixture(FULL + "/image1.png"));
        double[] expected = Fixtures.reference(FULL, "image_embeds");
        try (ViTModel m = load(FULL, threads)) {
            assertEquals(2, m.config().layers(), "the vision tower's depth, not the text tower's");
            Fixtures.assertClose("image_embeds from pixel_values.npy", expected, m.embed(pixels, 2, true),
                    Fixtures.LOGITS_TOLERANCE);
            Fixtures.assertClose("image_embeds from the PNGs", expected, m.embed(m.preprocess(pngs), 2, true),
                    Fixtures.LOGITS_TOLERANCE);
        }
    }

    @Test
    void noClassificationHead() throws IOException {
        float[] input = Fixtures.input(VISION);
        try (ViTModel m = load(VISION, 1)) {
            int batch = input.length / m.config().imageFloats();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.logits(input, batch));
            Fixtures.assertMessage(e.getMessage(), "no classification head", "embed or tokens");
            assertThrows(IllegalStateException.class,
                    () -> m.classify(List.of(Fixtures.fixture(FULL + "/image0.png")), 1));
        }
    }

    /** {@code vit embed} of the PNGs: CLIPModel's image_embeds once each row is scaled to unit length. */
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void fullModelThroughVitEmbed(int threads) throws IOException {
        Path out = tmp.resolve("embeds.npy");
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"embed", "--quiet", "--threads", Integer.toString(threads), "--model",
                Fixtures.fixture(FULL + "/model").toString(), "--output", out.toString(),
                Fixtures.fixture(FULL + "/image0.png").toString(), Fixtures.fixture(FULL + "/image1.png").toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(0, code, err::toString);
        double[] rows = Npy.read(out).toDoubles();
        int width = rows.length / 2;
        for (int r = 0; r < 2; r++) {
            double sum = 0;
            for (int i = r * width; i < (r + 1) * width; i++) {
                sum += rows[i] * rows[i];
            }
            for (int i = r * width; i < (r + 1) * width; i++) {
                rows[i] /= Math.sqrt(sum);
            }
        }
        Fixtures.assertClose("image_embeds", Fixtures.reference(FULL, "image_embeds"), Fixtures.toFloats(rows),
                Fixtures.LOGITS_TOLERANCE);
    }

    /** {@code vit classify} of a model without head: exit code 2 (usage) and a one-line error before any image is read. */
    @Test
    void vitClassifySaysThereIsNoHead() {
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"classify", "--quiet", "--model", Fixtures.fixture(FULL + "/model").toString(),
                Fixtures.fixture(FULL + "/image0.png").toString()}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertEquals(2, code, "a usage error");
        Fixtures.assertMessage(err.toString().lines().findFirst().orElse(""), "no classification head", "embed or tokens");
    }
}
