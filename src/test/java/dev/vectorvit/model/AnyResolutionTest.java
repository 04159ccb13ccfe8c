package dev.vectorvit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vectorvit.io.ImagePreprocessing;
import dev.vectorvit.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A model run at another size than it was trained at ({@link ViTModel.Options#withImageSize}): the
 * {@code vit-interp} case, a ViT trained at 32 (4 x 4 patches of 8) run at 48 (6 x 6) against transformers'
 * float64 logits with {@code interpolate_pos_encoding=True}.
 */
class AnyResolutionTest {
    private static final String CASE = "variants/vit-interp";

    @TempDir
    Path tmp;

    private static double[] reference() throws IOException {
        return Npy.read(Fixtures.fixture(CASE + "/logits.npy")).toDoubles();
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void vitAtOneAndAHalfItsGridThroughTheApi(int threads) throws IOException {
        float[] input = Fixtures.input(CASE);
        ViTModel.Options options = ViTModel.Options.defaults().withThreads(threads).withImageSize(48);
        try (ViTModel m = ViTModel.load(Fixtures.fixture(CASE + "/model"), options)) {
            assertEquals(48, m.config().imageHeight());
            assertEquals(48, m.config().imageWidth());
            assertEquals(1 + 36, m.config().tokens());
            Fixtures.assertClose("logits", reference(), m.logits(input, 2), Fixtures.LOGITS_TOLERANCE);
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void vitPredictWithImageSize(int threads) throws IOException {
        Path out = tmp.resolve("logits.npy");
        Vit.exits(0, "predict", "--threads", Integer.toString(threads), "--image-size", "48", "--model",
                Fixtures.fixture(CASE + "/model").toString(), "--input", Fixtures.fixture(CASE + "/input.npy").toString(),
                "--output", out.toString());
        Fixtures.assertClose("logits", reference(), Fixtures.toFloats(Npy.read(out).toDoubles()),
                Fixtures.LOGITS_TOLERANCE);
    }

    /** Without --image-size the model keeps its own size, and the 48 x 48 input is refused as before. */
    @Test
    void vitPredictWithoutImageSizeRefusesTheLargerInput() {
        String err = Vit.exits(1, "predict", "--threads", "1", "--model", Fixtures.fixture(CASE + "/model").toString(),
                "--input", Fixtures.fixture(CASE + "/input.npy").toString(), "--output", tmp.resolve("x.npy").toString());
        Fixtures.assertMessage(err.strip(), "is not [N, 3, 32, 32]");
    }

    @Test
    void imageSizeNotAMultipleOfThePatchNamesTheModel() {
        Path dir = Fixtures.fixture(CASE + "/model");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ViTModel.load(dir, ViTModel.Options.defaults().withThreads(1).withImageSize(44)));
        Fixtures.assertMessage(e.getMessage(), dir.toString(), "44", "patch size 8");
        String err = Vit.exits(2, "predict", "--image-size", "0", "--model", dir.toString(), "--input", "in.npy",
                "--output", "out.npy");
        Fixtures.assertMessage(err.lines().findFirst().orElse(""), "--image-size must be >= 1, got 0");
    }

    /**
     * FLOPs follow the tokens of the size run at: 6 x 6 patches and the class token; for DINOv2 with
     * registers 3 x 3 patches, the class token and 4 registers.
     */
    @Test
    void flopsCountTheTokensOfTheSizeRunAt() throws IOException {
        ViTModel.Options options = ViTModel.Options.defaults().withThreads(1);
        try (ViTModel m = ViTModel.load(Fixtures.fixture(CASE + "/model"), options.withImageSize(48));
             ViTModel r = ViTModel.load(Fixtures.fixture("variants/dinov2-registers/model"), options.withImageSize(42))) {
            // ViT: d = 48, mlp 96, 3 layers, 7 classes, patches of 3 x 8 x 8 floats.
            assertEquals(2.0 * 36 * 192 * 48, m.flops(Op.PATCH_EMBEDDING, 1));
            assertEquals(3 * 2.0 * 37 * 48 * 144, m.flops(Op.QKV, 1));
            assertEquals(3 * 2.0 * 37 * 37 * 48, m.flops(Op.ATTENTION_SCORES, 1));
            assertEquals(3 * 2.0 * 37 * 48 * 96, m.flops(Op.FC1_GELU, 1));
            // DINOv2 with registers: d = 48, mlp 4 x 48, patches of 3 x 14 x 14 floats, 14 tokens.
            assertEquals(2.0 * 9 * 588 * 48, r.flops(Op.PATCH_EMBEDDING, 1));
            assertEquals(3 * 2.0 * 14 * 14 * 48, r.flops(Op.ATTENTION_SCORES, 1));
            assertEquals(3 * 2.0 * 14 * 48 * 192, r.flops(Op.FC1_GELU, 1));
            assertEquals(0, r.flops(Op.HEAD, 1), "no classifier");
        }
    }

    /** The folder's preprocessing, made for the size run at: DINOv2's crop 224 and shortest edge 256 become 448 and 512. */
    @Test
    void preprocessingFollowsTheImageSize() throws IOException {
        try (ViTModel m = ViTModel.load(Fixtures.fixture("variants/dinov2-real/model"),
                ViTModel.Options.defaults().withThreads(1).withImageSize(448))) {
            ImagePreprocessing pre = m.preprocessing();
            assertEquals(448, pre.height());
            assertEquals(448, pre.width());
            assertEquals(512, pre.resizeHeight());
            assertEquals(ImagePreprocessing.ResizeMode.SHORTEST_EDGE_THEN_CENTER_CROP, pre.resizeMode());
            assertEquals(1 + 32 * 32, m.config().tokens());
        }
    }
}
