package dev.vectorvit.model;

import static dev.vectorvit.model.Fixtures.assertBitwiseEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.ImagePreprocessing;
import dev.vectorvit.io.ImagePreprocessing.ResizeMode;
import dev.vectorvit.io.Json;
import dev.vectorvit.io.Npy;
import dev.vectorvit.io.NpyArray;
import dev.vectorvit.io.SafeTensorsWriter.Tensor;
import dev.vectorvit.kernels.AntialiasedGrid;
import dev.vectorvit.kernels.PositionGrid;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Models run at a height x width that is not square ({@link ViTModel.Options#withImageSize(int, int)}): the
 * ViT of {@code vit-interp} (trained at 32 x 32, 4 x 4 patches of 8) against {@link ReferenceViT}, a
 * double-precision forward written apart from the model code and itself held to transformers' logits; every
 * format's positions at the run grid; the same bits for any thread count and batch.
 */
class NonSquareSizeTest {
    private static final String VIT = "variants/vit-interp";
    /**
     * How far the float32 model may lie from the double reference, on the logits and on every token after
     * the final LayerNorm: measured below 3.8e-6 and 1.4e-6 over these cases, five times that allowed (a
     * position row out of place moves them by 1e-2 and more).
     */
    private static final double TOLERANCE = 2e-5;

    @TempDir
    Path tmp;

    private static ViTModel load(Path dir, int threads, int height, int width) throws IOException {
        return ViTModel.load(dir, ViTModel.Options.defaults().withThreads(threads).withImageSize(height, width));
    }

    /**
     * The reference against PyTorch's float64 logits: vit-tiny at its own 32 x 32 (torchvision; measured
     * 2e-15), vit-interp at 48 x 48, positions resampled from 4 x 4 by transformers' interpolate_pos_encoding
     * (measured 1.2e-7: transformers' resampled positions differ from the exact ones in the last bits of
     * float32; its float32 model lies 5.8e-7 away).
     */
    @ParameterizedTest(name = "{0} at {2}")
    @CsvSource({"vit-tiny, vit-tiny/hf, 32, 1e-12", "variants/vit-interp, variants/vit-interp/model, 48, 5e-7"})
    void referenceIsPyTorchsFloat64(String fixture, String model, int size, double bound) throws IOException {
        ReferenceViT ref = new ReferenceViT(Fixtures.fixture(model));
        float[] input = Fixtures.input(fixture);
        double[] want = Fixtures.logits(fixture);
        int images = input.length / (3 * size * size), classes = want.length / images;
        double worst = 0;
        for (int i = 0; i < images; i++) {
            double[] got = ref.logits(ref.tokens(input, i, size, size));
            for (int k = 0; k < classes; k++) {
                worst = Math.max(worst, Math.abs(want[i * classes + k] - got[k]));
            }
        }
        assertTrue(worst <= bound, "max |difference| " + worst);
    }

    /**
     * Taller, wider, one side the trained one (that axis copied, the other resampled), both sides new: the
     * logits and every token against the reference, on 1 and 3 threads.
     */
    @ParameterizedTest(name = "{0}x{1}, {2} threads")
    @CsvSource({"32, 48, 1", "32, 48, 3", "48, 32, 1", "56, 24, 3", "16, 40, 1"})
    void vitAgreesWithTheDoubleReference(int height, int width, int threads) throws IOException {
        Path dir = Fixtures.fixture(VIT + "/model");
        assertAgreesWithReference(dir, height, width, threads);
    }

    /**
     * A checkpoint trained at 32 x 16 (config.json's image_size [32, 16], a 4 x 2 grid of positions): at its
     * own size its positions are used as they are, at 48 x 40 the non-square grid is resampled to 6 x 5.
     */
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"32, 16", "48, 40"})
    void checkpointTrainedAtANonSquareSize(int height, int width) throws IOException {
        Path dir = Fixtures.copy(VIT + "/model", tmp);
        Fixtures.editConfig(dir, c -> c.put("image_size", List.of(32L, 16L)));
        String name = "vit.embeddings.position_embeddings";
        Fixtures.editTensors(dir, t -> {
            float[] all = t.get(name).values(), kept = new float[9 * 48];
            System.arraycopy(all, 0, kept, 0, 48);
            for (int y = 0; y < 4; y++) {
                System.arraycopy(all, (1 + y * 4) * 48, kept, (1 + y * 2) * 48, 2 * 48);
            }
            t.put(name, new Tensor("F32", new long[] {1, 9, 48}, kept));
        });
        try (ViTModel own = ViTModel.load(dir, ViTModel.Options.defaults().withThreads(1))) {
            assertEquals(List.of(32, 16, 9), List.of(own.config().imageHeight(), own.config().imageWidth(),
                    own.config().tokens()), "the size of config.json's [height, width]");
        }
        assertAgreesWithReference(dir, height, width, 2);
    }

    private static void assertAgreesWithReference(Path dir, int height, int width, int threads) throws IOException {
        ReferenceViT ref = new ReferenceViT(dir);
        try (ViTModel m = load(dir, threads, height, width)) {
            ViTConfig c = m.config();
            int gh = height / 8, gw = width / 8, t = 1 + gh * gw, d = c.hidden();
            assertEquals(List.of(height, width, gh, gw, t), List.of(c.imageHeight(), c.imageWidth(), c.gridHeight(),
                    c.gridWidth(), c.tokens()));
            float[] images = Fixtures.randomImages(c, 2, 31L * height + width);
            assertEquals(2 * 3 * height * width, images.length);
            float[] logits = m.logits(images, 2), tokens = m.tokens(images, 2);
            int classes = c.classes();
            assertEquals(2 * t * d, tokens.length);
            for (int i = 0; i < 2; i++) {
                double[][] want = ref.tokens(images, i, height, width);
                float[] image = Arrays.copyOfRange(tokens, i * t * d, (i + 1) * t * d);
                Fixtures.assertClose("image " + i + " tokens", Arrays.stream(want).flatMapToDouble(Arrays::stream)
                        .toArray(), image, TOLERANCE);
                Fixtures.assertClose("image " + i + " logits", ref.logits(want),
                        Arrays.copyOfRange(logits, i * classes, (i + 1) * classes), TOLERANCE);
            }
        }
    }

    /**
     * What each format's loader makes of its positions for a non-square run grid: the prefix rows as the
     * checkpoint has them, a zero row per register, then the checkpoint's grid through the format's kernel
     * to (height / p) x (width / p), rows first (the kernels are held to dense double references by their
     * properties; this holds the wiring: names, offsets, which side is which).
     */
    @ParameterizedTest(name = "{0} at {5}x{6}")
    @CsvSource({
            "variants/vit-interp/model,       vit.embeddings.position_embeddings,                1, 0, false, 32, 48",
            "variants/deit-distilled/model,   deit.embeddings.position_embeddings,               2, 0, false, 48, 24",
            "variants/dinov2/model,           embeddings.position_embeddings,                    1, 0, false, 28, 70",
            "variants/dinov2-registers/model, embeddings.position_embeddings,                    1, 4, true,  70, 28",
            "variants/clip-vision/model,      vision_model.embeddings.position_embedding.weight, 1, 0, false, 24, 48",
            "variants/siglip-vision/model,    embeddings.position_embedding.weight,              0, 0, false, 40, 16",
            "vit-tiny/timm,                   pos_embed,                                         1, 0, false, 16, 56"})
    void positionsAreTheCheckpointGridAtTheRunGrid(String fixture, String tensor, int prefix, int registers,
                                                   boolean antialias, int height, int width) throws IOException {
        Path dir = Fixtures.fixture(fixture);
        float[] trained = Fixtures.readTensors(dir.resolve("model.safetensors")).get(tensor).values();
        try (ViTModel m = load(dir, 1, height, width); Arena a = Arena.ofConfined()) {
            ViTConfig c = m.config();
            int d = c.hidden(), p = c.patchSize(), g = (int) Math.round(Math.sqrt(trained.length / d - prefix));
            assertEquals(List.of(height / p, width / p), List.of(c.gridHeight(), c.gridWidth()));
            assertEquals(prefix + registers + (height / p) * (width / p), c.tokens());
            MemorySegment want = Memory.floats(a, (long) c.tokens() * d);
            MemorySegment.copy(trained, 0, want, ValueLayout.JAVA_FLOAT, 0, prefix * d);
            MemorySegment grid = Memory.copyOf(a, Arrays.copyOfRange(trained, prefix * d, trained.length));
            long at = (long) (prefix + registers) * d;
            if (antialias) {
                AntialiasedGrid.interpolate(grid, 0, g, g, d, want, at, c.gridHeight(), c.gridWidth());
            } else {
                PositionGrid.interpolate(grid, 0, g, g, d, want, at, c.gridHeight(), c.gridWidth());
            }
            int n = c.tokens() * d;
            assertBitwiseEquals(Memory.toArray(want, 0, n), Memory.toArray(m.weights().positions(), 0, n), fixture);
        }
    }

    /**
     * The same bits on 1 or 3 threads, and for an image alone or in a batch of 3, at a non-square size: a
     * ViT, DeiT, DINOv2 with registers (antialiased positions), CLIP and SigLIP, each's every token.
     */
    @ParameterizedTest(name = "{0} at {1}x{2}")
    @CsvSource({
            "variants/vit-interp/model,       32, 48",
            "variants/deit-distilled/model,   40, 16",
            "variants/dinov2-registers/model, 28, 70",
            "variants/clip-vision/model,      48, 24",
            "variants/siglip-vision/model,    24, 40"})
    void sameBitsForAnyThreadCountAndBatch(String fixture, int height, int width) throws IOException {
        Path dir = Fixtures.fixture(fixture);
        try (ViTModel one = load(dir, 1, height, width); ViTModel three = load(dir, 3, height, width)) {
            ViTConfig c = one.config();
            int n = c.imageFloats(), rows = c.tokens() * c.hidden();
            assertEquals(3 * height * width, n);
            float[] images = Fixtures.randomImages(c, 3, 7);
            float[] batch = one.tokens(images, 3);
            assertBitwiseEquals(batch, three.tokens(images, 3), "3 threads vs 1");
            for (int i = 0; i < 3; i++) {
                float[] alone = three.tokens(Arrays.copyOfRange(images, i * n, (i + 1) * n), 1);
                assertBitwiseEquals(Arrays.copyOfRange(batch, i * rows, (i + 1) * rows), alone, "image " + i + " alone");
            }
        }
    }

    /** The attention maps and their rollout lie on the gh x gw grid, rows first. */
    @Test
    void attentionMapsHaveTheRunGrid() throws IOException {
        try (ViTModel m = load(Fixtures.fixture(VIT + "/model"), 1, 16, 40)) {
            AttentionMaps maps = m.attention(Fixtures.randomImages(m.config(), 2, 3), 2);
            assertArrayEquals(new int[] {2, 5}, new int[] {maps.gridHeight(), maps.gridWidth()});
            assertEquals(2 * 10, maps.rollout().length);
            assertTrue(maps.probability(0, 1, 2, 0, 10) > 0, "the last patch's column is there");
        }
    }

    /**
     * A non-square size resizes images to exactly that size, no crop, with the folder's filter, rescale, mean
     * and std: from Bit's (DINOv2) and CLIP's shortest edge and crop, timm's shorter side and crop, DeiT's
     * resize and crop, ViT's resize; a folder that never resizes (do_resize false) still does not.
     */
    @ParameterizedTest(name = "{0} {1} at {2}x{3}")
    @CsvSource(delimiter = '|', value = {
            "variants/dinov2-real/model | -                                              | 224 | 448 | STRETCH",
            "variants/clip-full/model   | -                                              | 320 | 224 | STRETCH",
            "vit-tiny/timm              | -                                              | 32  | 48  | STRETCH",
            "vit-tiny/hf                | -                                              | 48  | 24  | STRETCH",
            "vit-tiny/hf                | {\"image_processor_type\": \"DeiTImageProcessor\"} | 16  | 40  | STRETCH",
            "vit-tiny/hf                | {\"do_resize\": false}                           | 40  | 32  | NONE"})
    void nonSquareSizeResizesToExactlyThatSize(String fixture, String preprocessor, int height, int width,
                                               ResizeMode mode) throws IOException {
        Path dir = Fixtures.fixture(fixture);
        if (!preprocessor.equals("-")) {
            dir = Fixtures.copy(fixture, tmp);
            Files.writeString(dir.resolve("preprocessor_config.json"), preprocessor);
        }
        try (ViTModel own = ViTModel.load(dir, ViTModel.Options.defaults().withThreads(1));
             ViTModel m = load(dir, 1, height, width)) {
            ImagePreprocessing base = own.preprocessing(), pre = m.preprocessing();
            assertEquals(List.of(height, width, height, width), List.of(pre.height(), pre.width(), pre.resizeHeight(),
                    pre.resizeWidth()));
            assertEquals(mode, pre.resizeMode());
            assertEquals(base.interpolation(), pre.interpolation());
            assertEquals(base.rescaleFactor(), pre.rescaleFactor());
            assertArrayEquals(base.mean(), pre.mean());
            assertArrayEquals(base.std(), pre.std());
        }
    }

    // ---- the command line ----

    /** {@code vit embed --tokens --input} at 32x48: [N, 1 + 4 x 6, D], the API's bits; a square array is refused. */
    @Test
    void embedTokensOfAnArrayAtHeightByWidth() throws IOException {
        Path dir = Fixtures.fixture(VIT + "/model"), in = tmp.resolve("in.npy"), out = tmp.resolve("tokens.npy");
        try (ViTModel m = load(dir, 2, 32, 48); Arena a = Arena.ofConfined()) {
            float[] images = Fixtures.randomImages(m.config(), 3, 11);
            Npy.write(in, Memory.copyOf(a, images), 0, new long[] {3, 3, 32, 48});
            Vit.exits(0, "embed", "--threads", "2", "--image-size", "32x48", "--model", dir.toString(), "--input",
                    in.toString(), "--tokens", "--output", out.toString());
            NpyArray got = Npy.read(out);
            assertArrayEquals(new long[] {3, 25, 48}, got.shape());
            assertBitwiseEquals(m.tokens(images, 3), Fixtures.toFloats(got.toDoubles()), "vit embed --tokens");
        }
        String err = Vit.exits(1, "embed", "--image-size", "48x32", "--model", dir.toString(), "--input", in.toString(),
                "--output", tmp.resolve("never.npy").toString());
        Fixtures.assertMessage(err.strip(), "shape [3, 3, 32, 48] is not [N, 3, 48, 32]");
    }

    /** {@code vit predict} of image files at 40x24: resized to exactly that, one row of logits per file, the API's bits. */
    @Test
    void predictImageFilesAtHeightByWidth() throws IOException {
        Path dir = Fixtures.fixture(Fixtures.TINY_HF), out = tmp.resolve("logits.npy");
        List<Path> images = Fixtures.images();
        Vit.exits(0, Stream.concat(Stream.of("predict", "--threads", "1", "--image-size", "40x24", "--model",
                dir.toString(), "--quiet", "--output", out.toString()), images.stream().map(Path::toString))
                .toArray(String[]::new));
        NpyArray got = Npy.read(out);
        assertArrayEquals(new long[] {images.size(), 10}, got.shape());
        try (ViTModel m = load(dir, 1, 40, 24)) {
            float[] tensors = m.preprocess(images);
            assertEquals(images.size() * 3 * 40 * 24, tensors.length);
            assertBitwiseEquals(m.logits(tensors, images.size()), Fixtures.toFloats(got.toDoubles()), "vit predict");
        }
    }

    /** {@code vit explain --rollout} at 16x40: [N, 2, 5]; {@code vit bench --json} names the size and the tokens. */
    @Test
    void explainAndBenchAtHeightByWidth() throws IOException {
        String dir = Fixtures.fixture(VIT + "/model").toString();
        Path in = tmp.resolve("in.npy"), rollout = tmp.resolve("rollout.npy");
        try (Arena a = Arena.ofConfined()) {
            Npy.write(in, Memory.copyOf(a, new float[2 * 3 * 16 * 40]), 0, new long[] {2, 3, 16, 40});
        }
        Vit.exits(0, "explain", "--threads", "1", "--image-size", "16x40", "--model", dir, "--input", in.toString(),
                "--rollout", rollout.toString());
        assertArrayEquals(new long[] {2, 2, 5}, Npy.read(rollout).shape());
        String json = Vit.prints(0, "bench", "--threads", "1", "--image-size", "16x40", "--model", dir,
                "--iterations", "1", "--warmup", "0", "--json");
        Map<String, Object> bench = Json.object(Json.parse(json.strip(), "stdout"), "bench", "stdout");
        assertEquals(List.of(16L, 40L, 11L), List.of(bench.get("image_height"), bench.get("image_width"),
                bench.get("tokens")));
    }

    /**
     * Sizes the command line refuses as usage errors (exit 2, one line): malformed, below 1, not a multiple
     * of the model's patch (8 here; 16 for --random-weights' ViT-B/16).
     */
    @ParameterizedTest(name = "--image-size {0}")
    @CsvSource(delimiter = '|', value = {
            "abc       | --image-size must be N or HxW (e.g. 224 or 224x320), got 'abc'",
            "32x       | --image-size must be N or HxW (e.g. 224 or 224x320), got '32x'",
            "x48       | --image-size must be N or HxW (e.g. 224 or 224x320), got 'x48'",
            "32x48x8   | --image-size must be N or HxW (e.g. 224 or 224x320), got '32x48x8'",
            "32 x 48   | --image-size must be N or HxW (e.g. 224 or 224x320), got '32 x 48'",
            "9999999999| --image-size must be N or HxW (e.g. 224 or 224x320), got '9999999999'",
            "0         | --image-size must be >= 1, got 0",
            "32x0      | --image-size must be >= 1, got 32x0",
            "-8x16     | --image-size must be >= 1, got -8x16",
            "44x48     | --image-size 44x48: MODEL cannot run at it: image size 44x48 is not a multiple of patch size 8",
            "32x36     | --image-size 32x36: MODEL cannot run at it: image size 32x36 is not a multiple of patch size 8"})
    void badSizesAreUsageErrors(String size, String message) {
        String dir = Fixtures.fixture(VIT + "/model").toString();
        String err = Vit.exits(2, "embed", "--image-size", size, "--model", dir, "--input", "in.npy", "--output",
                tmp.resolve("never.npy").toString());
        assertEquals("error: " + message.replace("MODEL", dir), err.lines().findFirst().orElse(""));
    }

    /**
     * Random weights run at the options' size (so --random-weights and bench without --model do), and the
     * command line refuses one that ViT-B/16's patch of 16 does not divide.
     */
    @Test
    void randomWeightsRunAtTheSizeAskedFor() {
        String err = Vit.exits(2, "predict", "--random-weights", "--image-size", "224x100", "--output",
                tmp.resolve("never.npy").toString(), "x.png");
        assertEquals("error: --image-size 224x100: ViT-B/16 cannot run at it: image size 224x100 is not a multiple of "
                + "patch size 16", err.lines().findFirst().orElse(""));
        try (ViTModel m = ViTModel.random(Fixtures.smallConfig(), 42, ViTModel.Options.defaults().withThreads(1)
                .withImageSize(16, 40))) {
            assertEquals(List.of(16, 40, 1 + 2 * 5), List.of(m.config().imageHeight(), m.config().imageWidth(),
                    m.config().tokens()));
            assertEquals(5, m.logits(Fixtures.randomImages(m.config(), 1, 1), 1).length);
        }
    }
}
