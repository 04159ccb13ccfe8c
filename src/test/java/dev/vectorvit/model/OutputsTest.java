package dev.vectorvit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vectorvit.kernels.Activation;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The outputs a model gives besides logits: normalized embeddings, every token, and none without a head. */
class OutputsTest {

    /** ViT's last_hidden_state: its class token is the reference final_norm_cls; rows of unit norm when asked. */
    @Test
    void tokensAndNormalizedEmbeddingsOfVit() throws IOException {
        float[] input = Fixtures.input("vit-tiny");
        double[] cls = dev.vectorvit.io.Npy.read(Fixtures.fixture("vit-tiny/final_norm_cls.npy")).toDoubles();
        try (ViTModel m = ViTModel.load(Fixtures.fixture(Fixtures.TINY_HF), ViTModel.Options.defaults().withThreads(2))) {
            ViTConfig c = m.config();
            int batch = input.length / c.imageFloats(), d = c.hidden();
            float[] tokens = m.tokens(input, batch);
            assertEquals(batch * c.tokens() * d, tokens.length);
            float[] first = new float[batch * d];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(tokens, b * c.tokens() * d, first, b * d, d);
            }
            Fixtures.assertClose("class tokens", cls, first, 1e-4);
            float[] unit = m.embed(input, batch, true);
            for (int b = 0; b < batch; b++) {
                double norm = 0, dot = 0, plain = 0;
                for (int i = 0; i < d; i++) {
                    norm += unit[b * d + i] * unit[b * d + i];
                    dot += unit[b * d + i] * cls[b * d + i];
                    plain += cls[b * d + i] * cls[b * d + i];
                }
                assertEquals(1, norm, 1e-5, "unit norm of image " + b);
                assertEquals(Math.sqrt(plain), dot, 1e-4, "the reference's direction for image " + b);
            }
        }
    }

    @Test
    void aModelWithoutHeadHasEmbeddingsButNoLogits() {
        ViTConfig c = new ViTConfig(32, 8, 3, 48, 2, 3, 96, 0, 1e-6f, Activation.GELU_ERF, null, 1, Classifier.NONE);
        try (ViTModel m = ViTModel.random(c, 7, ViTModel.Options.defaults().withThreads(1))) {
            float[] images = Fixtures.randomImages(c, 2, 3);
            assertFalse(m.hasClassifier());
            assertEquals(2 * 48, m.embeddings(images, 2).length);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.logits(images, 2));
            Fixtures.assertMessage(e.getMessage(), "model random", "has no classification head");
            assertThrows(IllegalStateException.class, () -> m.classify(List.of(), 1));
        }
    }

    @Test
    void aClassifierNeedsItsPrefixTokens() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ViTConfig(32, 8, 3, 48, 2, 3, 96, 5, 1e-6f, Activation.GELU_ERF, null, 1, Classifier.DISTILLED));
        Fixtures.assertMessage(e.getMessage(), "prefix tokens", "got 1");
    }
}
