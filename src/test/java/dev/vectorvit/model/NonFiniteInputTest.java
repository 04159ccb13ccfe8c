package dev.vectorvit.model;

import static dev.vectorvit.model.Fixtures.assertBitwiseEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * NaN and infinities in an input image (see {@link InferenceSession#forward}): every logit of that image
 * is NaN, the other images of the batch get bit for bit the logits they get alone, and nothing throws.
 */
final class NonFiniteInputTest {
    private static ViTModel model;
    private static float[] images;
    private static float[][] alone;

    /** vit-tiny with a team of two threads, its two fixture images and a third, each image's logits alone. */
    @BeforeAll
    static void load() throws IOException {
        model = ViTModel.load(Fixtures.fixture(Fixtures.TINY_HF), ViTModel.Options.defaults().withThreads(2));
        ViTConfig c = model.config();
        images = Arrays.copyOf(Fixtures.input("vit-tiny"), 3 * c.imageFloats());
        System.arraycopy(Fixtures.randomImages(c, 1, 3), 0, images, 2 * c.imageFloats(), c.imageFloats());
        alone = new float[3][];
        for (int i = 0; i < 3; i++) {
            alone[i] = model.logits(image(images, i), 1);
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static float[] image(float[] batch, int i) {
        int n = model.config().imageFloats();
        return Arrays.copyOfRange(batch, i * n, (i + 1) * n);
    }

    private static float[] row(float[] logits, int i) {
        int k = model.config().classes();
        return Arrays.copyOfRange(logits, i * k, (i + 1) * k);
    }

    @ParameterizedTest(name = "image {0}, pixel {1} = {2}")
    @CsvSource({"1, 1500, NaN", "2, 0, Infinity", "0, 3071, -Infinity"})
    void aNonFinitePixelMakesItsImageNaNAndLeavesTheOthersAlone(int bad, int pixel, float value) {
        float[] batch = images.clone();
        batch[bad * model.config().imageFloats() + pixel] = value;
        float[] logits = model.logits(batch, 3);
        for (int i = 0; i < 3; i++) {
            float[] got = row(logits, i);
            if (i == bad) {
                assertTrue(Arrays.toString(got).matches("\\[NaN(, NaN)*]"), "image " + i + ": " + Arrays.toString(got));
            } else {
                assertBitwiseEquals(alone[i], got, "image " + i + " beside an image holding " + value);
            }
        }
    }
}
