package dev.vectorvit.model;

import static dev.vectorvit.model.Fixtures.assertBitwiseEquals;
import static dev.vectorvit.model.Fixtures.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.SafeTensorsWriter.Tensor;
import dev.vectorvit.kernels.Activation;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Loading model folders: every way a folder can be broken fails with the right exception and a one-line
 * message naming the file and the problem; the good variants (F16/BF16 weights, labels, timm names) load;
 * and a loaded model's lifecycle and argument checks.
 */
final class ModelLoadingTest {
    @TempDir
    Path tmp;

    private Path config(Path dir) {
        return dir.resolve("config.json");
    }

    private Path weights(Path dir) {
        return dir.resolve("model.safetensors");
    }

    /** A copy of the vit-tiny Hugging Face folder. */
    private Path tinyHf() throws IOException {
        return Fixtures.copy(Fixtures.TINY_HF, tmp);
    }

    /** Asserts that loading {@code dir} is a FormatException with a one-line message holding {@code parts}. */
    private static String loadFails(Path dir, String... parts) {
        FormatException e = assertThrows(FormatException.class, () -> ViTModel.load(dir).close());
        assertMessage(e.getMessage(), parts);
        return e.getMessage();
    }

    // ---- the folder and its files ----

    @Test
    void missingFolder() {
        Path dir = tmp.resolve("no-such-model");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ViTModel.load(dir));
        assertEquals(dir.toString(), e.getFile());
        assertMessage(e.getMessage(), dir.toString(), "model folder not found");
    }

    @Test
    void aFileIsNotAModelFolder() throws IOException {
        Path file = Files.writeString(tmp.resolve("config.json"), "{}");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ViTModel.load(file));
        assertMessage(e.getMessage(), file.toString(), "model folder not found");
    }

    @ParameterizedTest
    @CsvSource({"config.json", "model.safetensors"})
    void missingFile(String name) throws IOException {
        Path dir = tinyHf();
        Files.delete(dir.resolve(name));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ViTModel.load(dir));
        assertEquals(dir.resolve(name).toString(), e.getFile());
        assertMessage(e.getMessage(), dir.resolve(name).toString(), "missing in the model folder");
    }

    @Test
    void malformedConfig() throws IOException {
        Path dir = tinyHf();
        Files.writeString(config(dir), "{\"hidden_size\": 64,\n \"num_hidden_layers\": 2,,}");
        loadFails(dir, config(dir).toString(), "line 2");
    }

    @Test
    void configThatIsNotAnObject() throws IOException {
        Path dir = tinyHf();
        Files.writeString(config(dir), "[1, 2]");
        loadFails(dir, config(dir).toString(), "must be an object");
    }

    @Test
    void configThatIsNeitherHuggingFaceNorTimm() throws IOException {
        Path dir = tinyHf();
        Files.writeString(config(dir), "{\"model_type\": \"resnet\", \"num_labels\": 10}");
        loadFails(dir, config(dir).toString(), "model_type 'resnet' is not supported", "model_type 'vit'",
                "model_type 'deit'", "timm vit_*");
    }

    @Test
    void configValueOfTheWrongType() throws IOException {
        Path dir = tinyHf();
        Fixtures.editConfig(dir, c -> c.put("num_hidden_layers", "2"));
        loadFails(dir, config(dir).toString(), "num_hidden_layers must be an integer", "\"2\"");
    }

    @Test
    void configValueOutOfRange() throws IOException {
        Path dir = tinyHf();
        Fixtures.editConfig(dir, c -> c.put("num_attention_heads", 0L));
        loadFails(dir, config(dir).toString(), "num_attention_heads = 0 is out of range");
    }

    @Test
    void configDimensionsThatDoNotFit() throws IOException {
        Path dir = tinyHf();
        Fixtures.editConfig(dir, c -> c.put("num_attention_heads", 5L));
        loadFails(dir, config(dir).toString(), "hidden size 64 is not a multiple of heads 5");
    }

    @Test
    void unsupportedHiddenAct() throws IOException {
        Path dir = tinyHf();
        Fixtures.editConfig(dir, c -> c.put("hidden_act", "relu"));
        loadFails(dir, config(dir).toString(), "hidden_act 'relu' is not supported");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"0\": \"a\", \"one\": \"b\"}        | id2label key 'one' is not an integer",
            "{\"0\": \"a\", \"2\": \"b\"}          | id2label ids must be 0..1 once each, found 2",
            "{\"-1\": \"a\", \"0\": \"b\"}         | id2label ids must be 0..1 once each, found -1",
            "{\"0\": \"a\", \"00\": \"b\"}         | id2label ids must be 0..1 once each, found 0",
            "{\"0\": \"a\", \"1\": 7}              | id2label.1 must be a string, found the number 7"})
    void id2labelWithBadKeysOrValues(String id2label, String problem) throws IOException {
        Path dir = tinyHf();
        Files.writeString(config(dir), Files.readString(config(dir))
                .replaceFirst("\"id2label\": \\{[^}]*}", "\"id2label\": " + id2label));
        loadFails(dir, config(dir).toString(), problem);
    }

    // ---- model.safetensors that SafeTensors.open refuses ----

    @Test
    void weightsTooShortForTheLengthField() throws IOException {
        Path dir = tinyHf();
        Files.write(weights(dir), new byte[] {1, 2, 3, 4, 5});
        loadFails(dir, weights(dir).toString(), "5 bytes is too short for a safetensors file");
    }

    @Test
    void weightsTruncatedInTheData() throws IOException {
        Path dir = tinyHf();
        truncate(weights(dir), Files.size(weights(dir)) / 2);
        loadFails(dir, weights(dir).toString(), "end beyond the data area");
    }

    @Test
    void headerLengthLargerThanTheFile() throws IOException {
        Path dir = tinyHf();
        long header = headerLength(weights(dir));
        truncate(weights(dir), Long.BYTES + header / 2);
        loadFails(dir, weights(dir).toString(), "header length " + header + " exceeds the " + header / 2
                + " bytes that follow the length field");
    }

    @Test
    void headerLengthOverTheLimit() throws IOException {
        Path dir = tinyHf();
        try (var ch = Files.newByteChannel(weights(dir), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 100_000_001L));
        }
        loadFails(dir, weights(dir).toString(), "header length 100000001 exceeds the limit of 100000000 bytes");
    }

    @Test
    void offsetsOutOfBounds() throws IOException {
        Path dir = tinyHf();
        long size = Files.size(weights(dir));
        Fixtures.editHeader(dir, h -> Fixtures.object(h, "classifier.bias").put("data_offsets", List.of(size, size + 40)));
        loadFails(dir, weights(dir).toString(), "tensor 'classifier.bias' data_offsets [" + size + ", " + (size + 40)
                + "] end beyond the data area");
    }

    @Test
    void overlappingOffsets() throws IOException {
        Path dir = tinyHf();
        // classifier.bias (10 floats) moved onto the first 40 bytes of vit.layernorm.bias.
        Fixtures.editHeader(dir, h -> {
            long begin = (Long) ((List<?>) Fixtures.object(h, "vit.layernorm.bias").get("data_offsets")).getFirst();
            Fixtures.object(h, "classifier.bias").put("data_offsets", List.of(begin, begin + 40));
        });
        loadFails(dir, weights(dir).toString(), "'vit.layernorm.bias'", "'classifier.bias'", "overlap");
    }

    @Test
    void offsetsNotMatchingDtypeTimesShape() throws IOException {
        Path dir = tinyHf();
        Fixtures.editHeader(dir, h -> Fixtures.object(h, "classifier.bias").put("shape", List.of(11L)));
        loadFails(dir, weights(dir).toString(), "tensor 'classifier.bias'", "do not match F32 x [11] (44 bytes)");
    }

    @Test
    void unknownDtype() throws IOException {
        Path dir = tinyHf();
        Fixtures.editHeader(dir, h -> Fixtures.object(h, "classifier.bias").put("dtype", "Q4_0"));
        loadFails(dir, weights(dir).toString(), "tensor 'classifier.bias' has unknown dtype 'Q4_0'");
    }

    @Test
    void knownDtypeThatIsNotAFloat() throws IOException {
        Path dir = tinyHf();
        Fixtures.editHeader(dir, h -> Fixtures.object(h, "classifier.bias").put("dtype", "I32"));
        loadFails(dir, weights(dir).toString(), "tensor 'classifier.bias' has dtype I32");
    }

    // ---- weights that do not fit the config ----

    @Test
    void missingTensor() throws IOException {
        Path dir = tinyHf();
        Fixtures.editTensors(dir, t -> t.remove("vit.encoder.layer.1.output.dense.bias"));
        loadFails(dir, weights(dir).toString(), "missing tensor 'vit.encoder.layer.1.output.dense.bias'");
    }

    @Test
    void misShapedTensor() throws IOException {
        Path dir = tinyHf();
        String name = "vit.encoder.layer.0.intermediate.dense.weight";
        Fixtures.editTensors(dir, t -> t.put(name,
                new Tensor("F32", new long[] {128, 64}, Arrays.copyOf(t.get(name).values(), 128 * 64))));
        loadFails(dir, weights(dir).toString(), "tensor '" + name + "'", "[128, 64]", "config.json implies [256, 64]");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "hidden_size,       32,  vit.encoder.layer.0.layernorm_before.weight, [64],           [32]",
            "intermediate_size, 128, vit.encoder.layer.0.intermediate.dense.weight, '[256, 64]', '[128, 64]'",
            "image_size,        64,  vit.embeddings.position_embeddings,          '[1, 17, 64]', '[1, 65, 64]'",
            "num_channels,      1,   vit.embeddings.patch_embeddings.projection.weight, '[64, 3, 8, 8]', '[64, 1, 8, 8]'"})
    void configDisagreesWithTheWeights(String key, long value, String tensor, String actual, String implied)
            throws IOException {
        Path dir = tinyHf();
        Fixtures.editConfig(dir, c -> c.put(key, value));
        loadFails(dir, weights(dir).toString(), "tensor '" + tensor + "' has shape " + actual,
                "config.json implies " + implied);
    }

    /**
     * config.json's image_size as [height, width], as transformers also reads it: [32, 32] is 32; [32, 48]
     * implies 4 x 6 positions, which the weights' 4 x 4 contradict; other lists are refused naming the key.
     */
    @Test
    void imageSizeAsHeightAndWidth() throws IOException {
        Path dir = tinyHf();
        Fixtures.editConfig(dir, c -> c.put("image_size", List.of(32L, 32L)));
        try (ViTModel pair = ViTModel.load(dir); ViTModel one = ViTModel.load(Fixtures.fixture(Fixtures.TINY_HF))) {
            assertEquals(one.config(), pair.config());
        }
        Fixtures.editConfig(dir, c -> c.put("image_size", List.of(32L, 48L)));
        loadFails(dir, "tensor 'vit.embeddings.position_embeddings' has shape [1, 17, 64]",
                "config.json implies [1, 25, 64]");
        for (List<Object> bad : List.<List<Object>>of(List.of(32L), List.of(32L, 48L, 3L), List.of(32L, 0L),
                List.of("32", 32L), List.of(32L, 4294967328L))) {
            Fixtures.editConfig(dir, c -> c.put("image_size", bad));
            loadFails(dir, config(dir).toString(), "image_size");
        }
    }

    @Test
    void configWithFewerClassesThanTheHead() throws IOException {
        Path dir = tinyHf();
        Fixtures.editConfig(dir, c -> c.put("id2label", new LinkedHashMap<>(Map.of("0", "cat", "1", "dog"))));
        loadFails(dir, weights(dir).toString(), "tensor 'classifier.weight' has shape [10, 64]",
                "config.json implies [2, 64]");
    }

    @Test
    void configWithMoreLayersThanTheWeights() throws IOException {
        Path dir = tinyHf();
        Fixtures.editConfig(dir, c -> c.put("num_hidden_layers", 3L));
        loadFails(dir, weights(dir).toString(), "missing tensor 'vit.encoder.layer.2.");
    }

    /** The depth is not trusted to size anything before the weights confirm it (found by ModelFolderProperties). */
    @Test
    void configWithAHugeDepth() throws IOException {
        Path dir = tinyHf();
        Fixtures.editConfig(dir, c -> c.put("num_hidden_layers", (long) Integer.MAX_VALUE));
        loadFails(dir, weights(dir).toString(), "missing tensor 'vit.encoder.layer.2.");
    }

    /** A config with fewer layers than the weights would silently drop blocks: refused. */
    @Test
    void configWithFewerLayersThanTheWeights() throws IOException {
        Path hf = Fixtures.copy(Fixtures.TINY_HF, tmp.resolve("hf"));
        Fixtures.editConfig(hf, c -> c.put("num_hidden_layers", 1L));
        loadFails(hf, weights(hf).toString(), "tensors 'vit.encoder.layer.1.*'", "describes 1 layers");
        Path timm = Fixtures.copy(Fixtures.TINY_TIMM, tmp.resolve("timm"));
        Fixtures.editConfig(timm, c -> Fixtures.object(c, "model_args").put("depth", 1L));
        loadFails(timm, weights(timm).toString(), "tensors 'blocks.1.*'", "describes 1 layers");
    }

    @Test
    void huggingFaceConfigWithTimmWeights() throws IOException {
        Path dir = tinyHf();
        Files.copy(Fixtures.fixture(Fixtures.TINY_TIMM).resolve("model.safetensors"), weights(dir),
                StandardCopyOption.REPLACE_EXISTING);
        loadFails(dir, weights(dir).toString(), "no tensor 'vit.embeddings.cls_token'", "Hugging Face ViT format",
                "config.json");
    }

    @Test
    void timmConfigWithHuggingFaceWeights() throws IOException {
        Path dir = Fixtures.copy(Fixtures.TINY_TIMM, tmp);
        Files.copy(Fixtures.fixture(Fixtures.TINY_HF).resolve("model.safetensors"), weights(dir),
                StandardCopyOption.REPLACE_EXISTING);
        loadFails(dir, weights(dir).toString(), "no tensor 'cls_token'", "timm ViT format");
    }

    private static long headerLength(Path file) throws IOException {
        byte[] first = Arrays.copyOf(Files.readAllBytes(file), Long.BYTES);
        return ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static void truncate(Path file, long size) throws IOException {
        try (var ch = Files.newByteChannel(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    // ---- half-precision checkpoints ----

    /**
     * F16 and BF16 checkpoints load, widened exactly: their logits are bit for bit those of an F32
     * checkpoint holding the rounded weights, and close to the original F32 model's. The bound: rounding
     * perturbs each weight by a relative u (2^-11 for F16, 2^-8 for BF16); through two blocks, the patch
     * embedding and the head, that moves these logits (|logit| < 1.6) by a few u: the bound is 8u, 2^-8
     * for F16 and 2^-5 for BF16 (measured: 3.7u and 2.6u).
     */
    @ParameterizedTest
    @CsvSource({"F16, 11", "BF16, 8"})
    void halfPrecisionWeights(String dtype, int mantissaBits) throws IOException {
        float[] input = Fixtures.input("vit-tiny");
        int batch = input.length / (3 * 32 * 32);
        Path half = Fixtures.copy(Fixtures.TINY_HF, tmp.resolve("half"));
        Fixtures.convertTensors(half, dtype);
        // The rounded weights as F32: what SafeTensors reads back from the half-precision file.
        Path rounded = Fixtures.copy(Fixtures.TINY_HF, tmp.resolve("rounded"));
        Files.copy(weights(half), weights(rounded), StandardCopyOption.REPLACE_EXISTING);
        Fixtures.convertTensors(rounded, "F32");
        ViTModel.Options one = ViTModel.Options.defaults().withThreads(1);
        float[] full, fromHalf, fromRounded;
        try (ViTModel m = ViTModel.load(Fixtures.fixture(Fixtures.TINY_HF), one)) {
            full = m.logits(input, batch);
        }
        try (ViTModel m = ViTModel.load(half, one)) {
            fromHalf = m.logits(input, batch);
        }
        try (ViTModel m = ViTModel.load(rounded, one)) {
            fromRounded = m.logits(input, batch);
        }
        assertBitwiseEquals(fromRounded, fromHalf, dtype + " widened exactly");
        double u = Math.scalb(1.0, -mantissaBits);
        double worst = Fixtures.maxAbsDifference(Fixtures.toDoubles(full), fromHalf);
        assertTrue(worst > 0, "rounding the weights changes the logits");
        assertTrue(worst <= 8 * u, dtype + ": max |logit difference| " + worst + " > 8u = " + 8 * u);
    }

    // ---- labels and config parsing ----

    @Test
    void labelsComeFromId2labelAndLabelNames() throws IOException {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            expected.add("class_" + i);
        }
        for (String layout : List.of(Fixtures.TINY_HF, Fixtures.TINY_TIMM)) {
            try (ViTModel m = ViTModel.load(Fixtures.fixture(layout))) {
                assertEquals(expected, m.config().labels(), layout);
            }
        }
        List<String> animals = List.of("tench", "goldfish", "shark", "tiger shark", "hammerhead", "ray", "stingray",
                "cock", "hen", "ostrich");
        Path hf = Fixtures.copy(Fixtures.TINY_HF, tmp.resolve("hf"));
        Fixtures.editConfig(hf, c -> {
            Map<String, Object> id2label = new LinkedHashMap<>();
            for (int i = animals.size() - 1; i >= 0; i--) { // order of the keys does not matter, their value does
                id2label.put(Integer.toString(i), animals.get(i));
            }
            c.put("id2label", id2label);
        });
        Path timm = Fixtures.copy(Fixtures.TINY_TIMM, tmp.resolve("timm"));
        Fixtures.editConfig(timm, c -> c.put("label_names", animals));
        for (Path dir : List.of(hf, timm)) {
            try (ViTModel m = ViTModel.load(dir)) {
                assertEquals(animals, m.config().labels(), dir.toString());
                float[] logits = new float[10];
                logits[7] = 5;
                Prediction top = m.top(logits, 1).getFirst();
                assertEquals(new Prediction(7, "cock", top.probability()), top);
            }
        }
    }

    @Test
    void defaultLabelsWithoutNames() throws IOException {
        Path timm = Fixtures.copy(Fixtures.TINY_TIMM, tmp);
        Fixtures.editConfig(timm, c -> c.remove("label_names"));
        try (ViTModel m = ViTModel.load(timm)) {
            assertEquals("LABEL_0", m.config().labels().getFirst());
            assertEquals("LABEL_9", m.config().labels().getLast());
        }
    }

    /** Default labels are not made one by one: 2^31 - 1 classes without names fail on the head's shape. */
    @Test
    void hugeClassCountWithoutNames() throws IOException {
        ViTConfig c = TimmViT.config(Map.of("architecture", "vit_tiny_patch16_224",
                "num_classes", (long) Integer.MAX_VALUE), null, "config.json");
        assertEquals(Integer.MAX_VALUE, c.labels().size());
        assertEquals("LABEL_2147483646", c.labels().getLast());
        Path timm = Fixtures.copy(Fixtures.TINY_TIMM, tmp);
        Fixtures.editConfig(timm, j -> {
            j.remove("label_names");
            j.put("num_classes", (long) Integer.MAX_VALUE);
        });
        loadFails(timm, weights(timm).toString(), "tensor 'head.weight' has shape [10, 64]", "[2147483647, 64]");
    }

    @Test
    void timmArchitectureNames() throws FormatException {
        ViTConfig base = TimmViT.config(Map.of("architecture", "vit_base_patch16_224"), null, "config.json");
        assertEquals(new ViTConfig(224, 16, 3, 768, 12, 12, 3072, 1000, 1e-6f, Activation.GELU_ERF, null), base);

        ViTConfig small = TimmViT.config(Map.of("architecture", "vit_small_patch32_384.augreg_in21k_ft_in1k",
                "num_classes", 21843L), null, "config.json");
        assertEquals(new ViTConfig(384, 32, 3, 384, 12, 6, 1536, 21843, 1e-6f, Activation.GELU_ERF, null), small);

        ViTConfig large = TimmViT.config(Map.of("architecture", "vit_large_patch14_224"),
                Map.of("input_size", List.of(3L, 196L, 196L), "num_classes", 10L), "config.json");
        assertEquals(List.of(196, 196), List.of(large.imageHeight(), large.imageWidth()),
                "pretrained_cfg.input_size wins over the name");
        assertEquals(14, large.patchSize());
        assertEquals(1024, large.hidden());
        assertEquals(24, large.layers());
        assertEquals(16, large.heads());
        assertEquals(10, large.classes(), "pretrained_cfg.num_classes when there is no top-level one");

        ViTConfig args = TimmViT.config(Map.of("architecture", "vit_tiny_patch16_224",
                "model_args", Map.of("depth", 6L, "mlp_ratio", 2.5)), null, "config.json");
        assertEquals(192, args.hidden());
        assertEquals(6, args.layers(), "model_args win over the name");
        assertEquals(480, args.mlp());
    }

    /** timm's non-square sizes: model_args' img_size [h, w], pretrained_cfg's input_size [3, h, w]. */
    @Test
    void timmHeightAndWidth() throws FormatException {
        ViTConfig args = TimmViT.config(Map.of("architecture", "vit_base_patch16_224",
                "model_args", Map.of("img_size", List.of(224L, 320L))), null, "config.json");
        assertEquals(List.of(224, 320, 14, 20), List.of(args.imageHeight(), args.imageWidth(), args.gridHeight(),
                args.gridWidth()));
        ViTConfig input = TimmViT.config(Map.of("architecture", "vit_base_patch16_224"),
                Map.of("input_size", List.of(3L, 160L, 256L)), "config.json");
        assertEquals(List.of(160, 256, 1 + 10 * 16), List.of(input.imageHeight(), input.imageWidth(), input.tokens()));
    }

    @Test
    void timmArchitectureThatIsNotAViT() {
        FormatException e = assertThrows(FormatException.class,
                () -> TimmViT.config(Map.of("architecture", "resnet50"), null, "some/config.json"));
        assertMessage(e.getMessage(), "some/config.json", "timm architecture 'resnet50'");
    }

    @Test
    void timmArchitectureWithANumberBeyondAnInt() {
        FormatException e = assertThrows(FormatException.class,
                () -> TimmViT.config(Map.of("architecture", "vit_tiny_patch99999999999_224"), null, "some/config.json"));
        assertMessage(e.getMessage(), "some/config.json", "'vit_tiny_patch99999999999_224'", "patch size out of range");
    }

    @Test
    void huggingFaceConfigParsing() throws FormatException {
        ViTConfig defaults = new HuggingFaceViT().config(Map.of("hidden_size", 768L), "config.json");
        assertEquals(new ViTConfig(224, 16, 3, 768, 12, 12, 3072, 2, 1e-12f, Activation.GELU_ERF, null), defaults);

        ViTConfig c = new HuggingFaceViT().config(Map.of("hidden_size", 96L, "num_hidden_layers", 3L,
                "num_attention_heads", 4L, "intermediate_size", 200L, "image_size", 40L, "patch_size", 10L,
                "hidden_act", "gelu_new", "layer_norm_eps", 1e-5, "num_labels", 3L), "config.json");
        assertEquals(new ViTConfig(40, 10, 3, 96, 3, 4, 200, 3, 1e-5f, Activation.GELU_TANH, null), c);

        ViTConfig labelled = new HuggingFaceViT().config(Map.of("hidden_size", 768L, "num_labels", 5L,
                "id2label", Map.of("1", "dog", "0", "cat")), "config.json");
        assertEquals(List.of("cat", "dog"), labelled.labels(), "id2label wins over num_labels");
    }

    @Test
    void folderSourceAndLayout() throws IOException {
        for (String layout : List.of(Fixtures.TINY_HF, Fixtures.TINY_TIMM)) {
            Path dir = Fixtures.fixture(layout);
            try (ViTModel m = ViTModel.load(dir)) {
                assertEquals(dir, m.source().dir());
                assertEquals(layout.endsWith("hf") ? "Hugging Face ViT" : "timm ViT", m.source().format().name());
                assertEquals(new ViTConfig(32, 8, 3, 64, 2, 4, 256, 10, 1e-6f, Activation.GELU_ERF,
                        m.config().labels()), m.config());
            }
        }
        try (ViTModel m = ViTModel.random(Fixtures.smallConfig(), 1, ViTModel.Options.defaults())) {
            assertNull(m.source());
        }
    }

    // ---- lifecycle ----

    @Test
    void closedModelRefusesWork() throws IOException {
        ViTModel m = ViTModel.load(Fixtures.fixture(Fixtures.TINY_HF), ViTModel.Options.defaults().withThreads(1));
        InferenceSession session = m.newSession(1);
        float[] input = Fixtures.input("vit-tiny");
        m.logits(input, 2); // leaves a pooled session behind, which close() stops
        m.close();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment in = Memory.copyOf(a, input);
            MemorySegment out = Memory.floats(a, 20);
            assertClosed(() -> m.forward(in, 0, 2, out, 0));
            assertClosed(() -> m.logits(input, 2));
            assertClosed(() -> m.newSession(1));
            assertClosed(() -> m.classify(Fixtures.images(), 1));
            assertClosed(() -> session.forward(in, 0, 2, out, 0));
        }
        assertDoesNotThrow(m::close, "close is idempotent");
        assertDoesNotThrow(session::close);
    }

    private static void assertClosed(Executable call) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertMessage(e.getMessage(), "closed");
    }

    // ---- argument checks ----

    @Test
    void workspaceLimitRefusesABigBatchUpFront() throws IOException {
        ViTModel.Options options = ViTModel.Options.defaults().withThreads(1).withWorkspaceLimitBytes(1 << 20);
        try (ViTModel m = ViTModel.load(Fixtures.fixture(Fixtures.TINY_HF), options);
             Arena a = Arena.ofConfined()) {
            ViTConfig c = m.config();
            int batch = 64;
            long need = InferenceSession.workspaceBytes(c, batch, 1);
            assertTrue(need > 2 << 20, "the batch needs several MiB: " + need);
            MemorySegment in = Memory.floats(a, (long) batch * c.imageFloats());
            MemorySegment out = Memory.floats(a, (long) batch * c.classes());
            out.fill((byte) 0x7f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.forward(in, 0, batch, out, 0));
            assertMessage(e.getMessage(), String.format(java.util.Locale.ROOT, "batch 64 needs %.1f MiB", need / 1048576.0),
                    "limit of 1.0 MiB", "withWorkspaceLimitBytes");
            assertEquals(-1, out.mismatch(Memory.floats(a, out.byteSize() / 4).fill((byte) 0x7f)),
                    "the logits are untouched");
            // A batch that fits still runs on the same model.
            float[] input = Fixtures.input("vit-tiny");
            assertEquals(20, m.logits(input, 2).length);
        }
    }

    @Test
    void segmentsTooSmall() throws IOException {
        try (ViTModel m = ViTModel.load(Fixtures.fixture(Fixtures.TINY_HF), ViTModel.Options.defaults().withThreads(1));
             Arena a = Arena.ofConfined()) {
            MemorySegment in = Memory.floats(a, 2 * 3072);
            MemorySegment out = Memory.floats(a, 20);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.forward(in, 0, 3, out, 0));
            assertMessage(e.getMessage(), "input", "9216 floats", "6144");
            e = assertThrows(IllegalArgumentException.class, () -> m.forward(in, 1, 2, out, 0));
            assertMessage(e.getMessage(), "input", "at offset 1");
            e = assertThrows(IllegalArgumentException.class, () -> m.forward(in, 0, 2, Memory.floats(a, 19), 0));
            assertMessage(e.getMessage(), "logits", "20 floats", "19");
            e = assertThrows(IllegalArgumentException.class, () -> m.forward(in, 0, 2, out, 5));
            assertMessage(e.getMessage(), "logits", "at offset 5");
            e = assertThrows(IllegalArgumentException.class, () -> m.logits(new float[3072 + 1], 1));
            assertMessage(e.getMessage(), "3073 floats for 1 images of 3x32x32");
        }
    }

    @Test
    void batchZero() throws IOException {
        try (ViTModel m = ViTModel.load(Fixtures.fixture(Fixtures.TINY_HF), ViTModel.Options.defaults().withThreads(1));
             InferenceSession s = m.newSession(1);
             Arena a = Arena.ofConfined()) {
            MemorySegment in = Memory.floats(a, 3072);
            MemorySegment out = Memory.floats(a, 10);
            assertMessage(assertThrows(IllegalArgumentException.class, () -> m.forward(in, 0, 0, out, 0)).getMessage(),
                    "batch must be >= 1, got 0");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> s.forward(in, 0, 0, out, 0)).getMessage(),
                    "batch must be >= 1, got 0");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> m.logits(new float[0], 0)).getMessage(),
                    "batch must be >= 1, got 0");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> m.forward(in, 0, -1, out, 0)).getMessage(),
                    "batch must be >= 1, got -1");
        }
    }

    @Test
    void optionsAreChecked() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> ViTModel.Options.defaults().withThreads(0)).getMessage(), "threads must be in [1, 65535], got 0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> ViTModel.Options.defaults().withThreads(65536)).getMessage(), "threads must be in [1, 65535], got 65536");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> ViTModel.Options.defaults().withWorkspaceLimitBytes(0)).getMessage(), "workspace limit");
    }

    @Test
    void loadedLogitsMatchTheReference() throws IOException {
        // The folder copy used by every test above loads and computes what the original does.
        Path dir = tinyHf();
        float[] input = Fixtures.input("vit-tiny");
        try (ViTModel m = ViTModel.load(dir, ViTModel.Options.defaults().withThreads(1))) {
            float[] got = m.logits(input, 2);
            Fixtures.assertClose("logits", Fixtures.logits("vit-tiny"), got, Fixtures.LOGITS_TOLERANCE);
            assertArrayEquals(got, m.logits(input, 2));
        }
    }
}
