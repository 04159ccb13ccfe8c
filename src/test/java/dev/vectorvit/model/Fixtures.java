package dev.vectorvit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.Json;
import dev.vectorvit.io.Npy;
import dev.vectorvit.io.SafeTensors;
import dev.vectorvit.io.SafeTensorsWriter;
import dev.vectorvit.io.SafeTensorsWriter.Tensor;
import dev.vectorvit.io.TestResources;
import dev.vectorvit.kernels.Activation;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Shared helpers of the model, command line and README tests: the reference fixtures (see
 * src/test/resources/fixtures/README.md), copies of them to break, and the small writers that break them
 * (config.json edited as JSON, model.safetensors rewritten tensor by tensor or header by header).
 */
public final class Fixtures {
    /** Hugging Face layout of vit-tiny: 32x32 images, patch 8, hidden 64, 2 layers, 4 heads, 10 classes. */
    public static final String TINY_HF = "vit-tiny/hf";
    /** The same weights in timm's layout. */
    public static final String TINY_TIMM = "vit-tiny/timm";
    /** How far float32 inference may be from the float64 PyTorch logits (GoldenTest's bound). */
    public static final double LOGITS_TOLERANCE = 1e-4;

    private Fixtures() {}

    /** A fixture folder such as {@link #TINY_HF}, or a file in one, e.g. {@code "vit-tiny/input.npy"}. */
    public static Path fixture(String name) {
        return TestResources.path("fixtures/" + name);
    }

    /** The fixture's input batch (float32 NCHW, normalized), e.g. of {@code "vit-tiny"}. */
    public static float[] input(String model) throws IOException {
        return toFloats(Npy.read(fixture(model + "/input.npy")).toDoubles());
    }

    /** Output {@code output} of a variants case, e.g. ("variants/clip-vision", "image_embeds"), as its .npy holds it. */
    public static double[] reference(String variant, String output) throws IOException {
        return Npy.read(fixture(variant + "/" + output + ".npy")).toDoubles();
    }

    /** The fixture's float64 reference logits, batch x classes. */
    public static double[] logits(String model) throws IOException {
        return Npy.read(fixture(model + "/logits.npy")).toDoubles();
    }

    /** The PNG and JPEG files under src/test/resources/images, sorted by name. */
    public static List<Path> images() throws IOException {
        try (Stream<Path> files = Files.list(TestResources.path("images"))) {
            return files.filter(p -> p.getFileName().toString().matches(".*\\.(png|jpg)")).sorted().toList();
        }
    }

    /** A copy of fixture folder {@code name} (config.json + model.safetensors) as {@code dir/copy}. */
    public static Path copy(String name, Path dir) throws IOException {
        Path from = fixture(name);
        Path to = Files.createDirectories(dir.resolve("copy"));
        for (String file : List.of("config.json", "model.safetensors")) {
            Files.copy(from.resolve(file), to.resolve(file));
        }
        return to;
    }

    // ---- config.json ----

    /** Parses {@code dir/config.json}, lets {@code edit} change the (mutable) maps, writes it back. */
    public static void editConfig(Path dir, Consumer<Map<String, Object>> edit) throws IOException {
        Path file = dir.resolve("config.json");
        Map<String, Object> json = Json.object(Json.parse(file), "config", file.toString());
        edit.accept(json);
        Files.writeString(file, toJson(json));
    }

    /** JSON text that {@link #toJson} writes as it is, valid or not: a value no parser would return. */
    public record RawJson(String text) {}

    /**
     * JSON text of what {@link Json#parse} returns (maps, lists, strings, numbers, booleans, NULL), with
     * any {@link RawJson} in it written verbatim.
     */
    public static String toJson(Object value) {
        return switch (value) {
            case RawJson raw -> raw.text();
            case Map<?, ?> m -> m.entrySet().stream()
                    .map(e -> SafeTensorsWriter.quote((String) e.getKey()) + ":" + toJson(e.getValue()))
                    .collect(Collectors.joining(",", "{", "}"));
            case List<?> l -> l.stream().map(Fixtures::toJson).collect(Collectors.joining(",", "[", "]"));
            case String s -> SafeTensorsWriter.quote(s);
            case Number n -> n.toString();
            case Boolean b -> b.toString();
            default -> {
                if (value == Json.NULL) {
                    yield "null";
                }
                throw new IllegalArgumentException("not a JSON value: " + value);
            }
        };
    }

    // ---- model.safetensors ----

    /** Every tensor of a safetensors file as float32 values (F16/BF16 widened exactly), in header order. */
    public static Map<String, Tensor> readTensors(Path file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(file)) {
            for (String name : st.names()) {
                long[] shape = st.shape(name);
                int count = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
                out.put(name, new Tensor("F32", shape, Memory.toArray(st.floats(name), 0, count)));
            }
        }
        return out;
    }

    /** Reads {@code dir/model.safetensors}, lets {@code edit} change the (mutable) map, writes it back. */
    public static void editTensors(Path dir, Consumer<Map<String, Tensor>> edit) throws IOException {
        Path file = dir.resolve("model.safetensors");
        Map<String, Tensor> tensors = readTensors(file);
        edit.accept(tensors);
        SafeTensorsWriter.write(file, tensors);
    }

    /** Rewrites every tensor of {@code dir/model.safetensors} in {@code dtype} (F32, F16, BF16; rounded to nearest even). */
    public static void convertTensors(Path dir, String dtype) throws IOException {
        editTensors(dir, tensors -> tensors.replaceAll((name, t) -> new Tensor(dtype, t.shape(), t.values())));
    }

    /**
     * Lets {@code edit} change the parsed header of {@code dir/model.safetensors} (one map per tensor:
     * dtype, shape, data_offsets) and writes the file back with the same data bytes: the way to make
     * headers that {@link SafeTensorsWriter#write} never would.
     */
    public static void editHeader(Path dir, Consumer<Map<String, Object>> edit) throws IOException {
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        int n = Math.toIntExact(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong());
        String text = new String(bytes, Long.BYTES, n, StandardCharsets.UTF_8);
        Map<String, Object> header = Json.object(Json.parse(text, file.toString()), "header", file.toString());
        edit.accept(header);
        SafeTensorsWriter.writeRaw(file, toJson(header), Arrays.copyOfRange(bytes, Long.BYTES + n, bytes.length));
    }

    /**
     * The (mutable) JSON object at {@code key} of a map that {@link #editConfig} or {@link #editHeader}
     * passes: a tensor's header entry (dtype, shape, data_offsets), timm's model_args.
     */
    @SuppressWarnings("unchecked") // Json builds every object as Map<String, Object>
    public static Map<String, Object> object(Map<String, Object> json, String key) {
        return (Map<String, Object>) json.get(key);
    }

    // ---- .npy ----

    /** A little-endian .npy 1.0 file of doubles ('<f8'), which Npy.write (float32 only) cannot make. */
    public static void writeFloat64Npy(Path file, long[] shape, double[] values) throws IOException {
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)"
                : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
        StringBuilder dict = new StringBuilder("{'descr': '<f8', 'fortran_order': False, 'shape': " + shapeText + ", }");
        dict.repeat(' ', 64 - (10 + dict.length() + 1) % 64).append('\n');
        ByteBuffer out = ByteBuffer.allocate(10 + dict.length() + values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) dict.length());
        out.put(dict.toString().getBytes(StandardCharsets.US_ASCII));
        for (double v : values) {
            out.putDouble(v);
        }
        Files.write(file, out.array());
    }

    // ---- random models and inputs ----

    /** A small model shape: image 32, patch 8 (17 tokens), hidden 48, 2 layers, 3 heads, mlp 96, 5 classes. */
    public static ViTConfig smallConfig() {
        return new ViTConfig(32, 8, 3, 48, 2, 3, 96, 5, 1e-6f, Activation.GELU_ERF, null);
    }

    /** {@code n} images for {@code c}, values uniform in [-1, 1), the same for the same seed. */
    public static float[] randomImages(ViTConfig c, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n * c.imageFloats()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return out;
    }

    // ---- assertions ----

    /** Equal bit for bit (not merely ==: -0 differs from 0, NaNs by payload), naming the first difference. */
    public static void assertBitwiseEquals(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        int i = firstBitDifference(expected, actual);
        if (i >= 0) {
            throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]
                    + " bit for bit");
        }
    }

    /** The first index where the two arrays' bits differ, -1 if none (arrays of one length). */
    public static int firstBitDifference(float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the largest of {@code v[from .. from + n - 1]}, counted from {@code from}; the first of ties. */
    public static int argmax(double[] v, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[from + i] > v[from + best]) {
                best = i;
            }
        }
        return best;
    }

    /** Largest |expected - actual|. */
    public static double maxAbsDifference(double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "length");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        return worst;
    }

    /** Every |expected - actual| at most {@code tolerance}. */
    public static void assertClose(String what, double[] expected, float[] actual, double tolerance) {
        double worst = maxAbsDifference(expected, actual);
        assertTrue(worst <= tolerance, what + ": max abs difference " + worst + " > " + tolerance);
    }

    /** A one-line message that contains every one of {@code parts}. */
    public static void assertMessage(String message, String... parts) {
        assertFalse(message == null || message.isEmpty(), "no message");
        assertFalse(message.contains("\n") || message.contains("\r"), () -> "not one line: " + message);
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected '" + part + "' in: " + message);
        }
    }

    public static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    public static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
