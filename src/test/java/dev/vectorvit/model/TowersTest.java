package dev.vectorvit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vectorvit.kernels.Activation;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CLIP and SigLIP towers on random weights: outputs of the width their tower says, each image's the
 * same bits alone or in a batch, on 1 or 3 threads; what a tower does not give is refused.
 */
class TowersTest {
    private static ViTConfig config(Tower.Kind kind) {
        int prefix = kind == Tower.Kind.CLIP ? 1 : 0;
        return new ViTConfig(32, 8, 3, 48, 2, 3, 96, 0, 1e-5f, Activation.QUICK_GELU, null, prefix, Classifier.NONE,
                new Tower(kind, kind == Tower.Kind.CLIP ? 20 : 0));
    }

    @ParameterizedTest
    @EnumSource(value = Tower.Kind.class, names = {"CLIP", "SIGLIP", "SIGLIP_WITHOUT_HEAD"})
    void imageAloneOrInABatchOnAnyThreads(Tower.Kind kind) {
        ViTConfig c = config(kind);
        float[] images = Fixtures.randomImages(c, 3, 5);
        float[] second = Arrays.copyOfRange(images, c.imageFloats(), 2 * c.imageFloats());
        int width = Output.EMBEDDING.width(c), tokens = c.tokens() * c.hidden();
        assertEquals(kind == Tower.Kind.CLIP ? 20 : kind == Tower.Kind.SIGLIP ? 48 : 0, width);
        try (ViTModel one = ViTModel.random(c, 9, ViTModel.Options.defaults().withThreads(1));
             ViTModel three = ViTModel.random(c, 9, ViTModel.Options.defaults().withThreads(3))) {
            float[] batch = three.tokens(images, 3);
            assertEquals(3 * tokens, batch.length);
            Fixtures.assertBitwiseEquals(Arrays.copyOfRange(batch, tokens, 2 * tokens), one.tokens(second, 1),
                    "tokens of the second image");
            if (width > 0) {
                float[] pooled = three.embeddings(images, 3);
                Fixtures.assertBitwiseEquals(Arrays.copyOfRange(pooled, width, 2 * width), one.embeddings(second, 1),
                        "embedding of the second image");
            } else {
                assertThrows(IllegalStateException.class, () -> one.require(Output.EMBEDDING));
            }
            assertThrows(IllegalStateException.class, () -> one.logits(second, 1));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Tower.Kind.class, names = {"VIT", "CLIP"})
    void classTokenTowersNeedOne(Tower.Kind kind) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ViTConfig(32, 8, 3, 48, 2,
                3, 96, 0, 1e-5f, Activation.GELU_ERF, null, 0, Classifier.NONE, new Tower(kind, 0)));
        Fixtures.assertMessage(e.getMessage(), "prefix tokens must be >= 1", kind.name());
    }

    @ParameterizedTest
    @EnumSource(value = Tower.Kind.class, names = {"VIT", "SIGLIP", "SIGLIP_WITHOUT_HEAD"})
    void onlyClipProjects(Tower.Kind kind) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Tower(kind, 8));
        Fixtures.assertMessage(e.getMessage(), "only CLIP has a projection", kind.name());
    }
}
