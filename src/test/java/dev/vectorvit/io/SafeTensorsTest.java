package dev.vectorvit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.SafeTensorsWriter.Tensor;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private static float[] floats(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_FLOAT);
    }

    private static byte[] littleEndianShorts(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    /** Asserts that opening {@code file} fails with a message naming the file and {@code problem}. */
    private static String rejects(Path file, String problem) {
        FormatException e = assertThrows(FormatException.class, () -> SafeTensors.open(file).close());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(problem), () -> "expected '" + problem + "' in: " + e.getMessage());
        return e.getMessage();
    }

    /** A file whose header is {@code header} (as is) followed by {@code dataBytes} zero bytes. */
    private Path raw(String header, int dataBytes) throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafeTensorsWriter.writeRaw(file, header, new byte[dataBytes]);
        return file;
    }

    // ---- the real fixture ----

    @Test
    void opensTheVitTinyFixture() throws IOException {
        Path file = TestResources.path("fixtures/vit-tiny/hf/model.safetensors");
        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals(file, st.file());
            assertEquals(40, st.names().size(), "41 header entries, one of them __metadata__");
            assertEquals("vit.embeddings.cls_token", st.names().iterator().next(), "header order");
            assertTrue(st.contains("vit.embeddings.cls_token"));
            assertFalse(st.contains("vit.embeddings.dropout"));
            assertEquals("F32", st.dtype("vit.embeddings.cls_token"));
            assertArrayEquals(new long[] {1, 1, 64}, st.shape("vit.embeddings.cls_token"));
            assertArrayEquals(new long[] {64, 3, 8, 8}, st.shape("vit.embeddings.patch_embeddings.projection.weight"));
            assertEquals(Map.of("format", "pt"), st.metadata());

            MemorySegment cls = st.floats("vit.embeddings.cls_token");
            assertTrue(cls.isReadOnly());
            assertEquals(64 * Float.BYTES, cls.byteSize());
            // Values from numpy: np.frombuffer(data[0:256], '<f4').
            assertEquals(-0.41006726f, cls.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
            assertEquals(0.37709627f, cls.getAtIndex(ValueLayout.JAVA_FLOAT, 63));
        }
    }

    // ---- round trips ----

    @Test
    void roundTripsEveryWritableDtype() throws IOException {
        // Values exact in F16 and BF16 alike, so every dtype must give them back unchanged.
        float[] values = {0f, -0f, 1f, -2.5f, 0.375f, 96f, Float.POSITIVE_INFINITY, -0.0078125f};
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w32", new Tensor("F32", new long[] {2, 4}, values));
        tensors.put("w16", new Tensor("F16", new long[] {4, 2}, values));
        tensors.put("wbf", new Tensor("BF16", new long[] {8}, values));
        tensors.put("scalar", new Tensor("F32", new long[] {}, new float[] {3.5f}));
        tensors.put("empty", new Tensor("F16", new long[] {0, 3}, new float[0]));
        tensors.put("name with \"quotes\" \u00e9", new Tensor("F32", new long[] {1}, new float[] {7f}));
        Path file = dir.resolve("rt.safetensors");
        SafeTensorsWriter.write(file, tensors, Map.of("format", "pt", "note", "caf\u00e9"));

        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals(List.copyOf(tensors.keySet()), List.copyOf(st.names()));
            assertEquals(Map.of("format", "pt", "note", "caf\u00e9"), st.metadata());
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                assertEquals(e.getValue().dtype(), st.dtype(e.getKey()));
                assertArrayEquals(e.getValue().shape(), st.shape(e.getKey()));
                assertArrayEquals(e.getValue().values(), floats(st.floats(e.getKey())), e.getKey());
            }
        }
    }

    /**
     * F32 tensors are the file's pages, not a copy: bytes written to the file afterwards show through.
     * With native access enabled (as in this test run) they are re-typed as plain native segments, which
     * keeps the GEMM's compiled code on one segment class (see Memory.asPlainNative).
     */
    @Test
    void f32TensorsAreViewsOfTheFilesPages() throws IOException {
        Path file = dir.resolve("view.safetensors");
        SafeTensorsWriter.write(file, Map.of("x", new Tensor("F32", new long[] {2}, new float[] {1f, 2f})));
        try (SafeTensors st = SafeTensors.open(file)) {
            MemorySegment x = st.floats("x");
            assertEquals(Memory.canRetypeMappings(), !x.isMapped());
            assertTrue(x.isReadOnly());
            long last = Files.size(file) - Float.BYTES;
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
                out.write(ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, 42f), last);
            }
            assertEquals(42f, x.getAtIndex(ValueLayout.JAVA_FLOAT, 1));
        }
        assertTrue(Memory.canRetypeMappings(), "the test command enables native access for the library");
    }

    @Test
    void convertedTensorsAreMadeOnceAlignedAndReadOnly() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("h", new Tensor("F16", new long[] {3}, new float[] {1, 2, 3}));
        tensors.put("b", new Tensor("BF16", new long[] {3}, new float[] {1, 2, 3}));
        Path file = dir.resolve("half.safetensors");
        SafeTensorsWriter.write(file, tensors);
        try (SafeTensors st = SafeTensors.open(file)) {
            for (String name : List.of("h", "b")) {
                MemorySegment first = st.floats(name);
                assertSame(first, st.floats(name), "converted once, then cached");
                assertFalse(first.isMapped());
                assertTrue(first.isReadOnly());
                assertEquals(0, first.address() % Memory.ALIGNMENT);
            }
        }
    }

    @Test
    void halfPrecisionConversionsAreExact() throws IOException {
        // F16: 1, -2, 65504 (max), 2^-24 (smallest subnormal), +inf, -0, NaN.
        byte[] f16 = littleEndianShorts(0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x8000, 0x7E00);
        // BF16: 1, 3.140625, -inf, the smallest subnormal 2^-133, -0.
        byte[] bf16 = littleEndianShorts(0x3F80, 0x4049, 0xFF80, 0x0001, 0x8000);
        ByteBuffer data = ByteBuffer.allocate(f16.length + bf16.length).put(f16).put(bf16);
        Path file = dir.resolve("bits.safetensors");
        SafeTensorsWriter.writeRaw(file, "{\"h\":{\"dtype\":\"F16\",\"shape\":[7],\"data_offsets\":[0,14]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[5],\"data_offsets\":[14,24]}}", data.array());
        try (SafeTensors st = SafeTensors.open(file)) {
            float[] h = floats(st.floats("h"));
            assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, -0f, Float.NaN}, h);
            float[] b = floats(st.floats("b"));
            assertArrayEquals(new float[] {1f, 3.140625f, Float.NEGATIVE_INFINITY, 0x1p-133f, -0f}, b);
        }
    }

    @Test
    void misalignedF32IsCopiedIntoAnAlignedSegment() throws IOException {
        // Padding puts the data area 2 bytes past a 4-byte boundary.
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-3f);
        Path file = dir.resolve("odd.safetensors");
        String header = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        SafeTensorsWriter.writeRaw(file, header + " ".repeat(6 - (8 + header.length()) % 4), data.array());
        try (SafeTensors st = SafeTensors.open(file)) {
            MemorySegment x = st.floats("x");
            assertFalse(x.isMapped());
            assertEquals(0, x.address() % Memory.ALIGNMENT);
            assertArrayEquals(new float[] {1.5f, -3f}, floats(x));
            assertSame(x, st.floats("x"));
        }
    }

    @Test
    void otherStandardDtypesOpenButAreNotFloats() throws IOException {
        Path file = raw("{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"mask\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[16,19]}}", 19);
        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals("I64", st.dtype("ids"));
            assertArrayEquals(new long[] {3}, st.shape("mask"));
            FormatException e = assertThrows(FormatException.class, () -> st.floats("ids"));
            assertEquals(file + ": tensor 'ids' has dtype I64; floats() reads F32, F16, BF16", e.getMessage());
        }
    }

    @Test
    void headerPaddingAndExtraFieldsAreAccepted() throws IOException {
        Path file = raw("{\"x\":{\"shape\":[1],\"extra\":{},\"data_offsets\":[0,4],\"dtype\":\"F32\"}}   \n ", 4);
        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals(1, st.names().size());
            assertEquals(Map.of(), st.metadata());
        }
    }

    @Test
    void emptyFileOfTensors() throws IOException {
        try (SafeTensors st = SafeTensors.open(raw("{}", 0))) {
            assertTrue(st.names().isEmpty());
        }
    }

    // ---- misuse ----

    @Test
    void missingTensorNamesItAndCountsTheOthers() throws IOException {
        Path file = TestResources.path("fixtures/vit-tiny/hf/model.safetensors");
        try (SafeTensors st = SafeTensors.open(file)) {
            for (Executable call : List.<Executable>of(
                    () -> st.floats("nope"), () -> st.shape("nope"), () -> st.dtype("nope"))) {
                FormatException e = assertThrows(FormatException.class, call);
                assertEquals(file + ": no tensor 'nope' (the file has 40 tensors)", e.getMessage());
            }
        }
    }

    @Test
    void closeInvalidatesEverything() throws IOException {
        Path file = dir.resolve("c.safetensors");
        SafeTensorsWriter.write(file, Map.of("x", new Tensor("F32", new long[] {1}, new float[] {1})));
        SafeTensors st = SafeTensors.open(file);
        MemorySegment x = st.floats("x");
        st.close();
        st.close(); // idempotent
        for (Executable call : List.<Executable>of(
                st::file, st::names, st::metadata, () -> st.contains("x"), () -> st.dtype("x"),
                () -> st.shape("x"), () -> st.floats("x"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertEquals(file + " is closed", e.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> x.get(ValueLayout.JAVA_FLOAT, 0), "the mapping is gone");
    }

    @Test
    void shapeIsACopy() throws IOException {
        try (SafeTensors st = SafeTensors.open(TestResources.path("fixtures/vit-tiny/hf/model.safetensors"))) {
            long[] shape = st.shape("vit.embeddings.cls_token");
            shape[0] = 99;
            assertEquals(1, st.shape("vit.embeddings.cls_token")[0]);
            assertNotSame(st.shape("vit.embeddings.cls_token"), st.shape("vit.embeddings.cls_token"));
        }
    }

    // ---- bad files ----

    @Test
    void rejectsFilesShorterThanTheLengthField() throws IOException {
        Path file = Files.write(dir.resolve("short.safetensors"), new byte[5]);
        assertEquals(file + ": 5 bytes is too short for a safetensors file (it starts with an 8-byte header length)",
                rejects(file, "too short"));
        rejects(Files.write(dir.resolve("empty.safetensors"), new byte[0]), "0 bytes is too short");
    }

    @Test
    void rejectsHeaderLengthsBeyondTheLimitOrTheFile() throws IOException {
        Path file = dir.resolve("n.safetensors");
        Files.write(file, ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(100_000_001).array());
        rejects(file, "header length 100000001 exceeds the limit of 100000000 bytes");
        Files.write(file, ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array());
        rejects(file, "header length 18446744073709551615 exceeds the limit of 100000000 bytes");
        Files.write(file, ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN).putLong(50).array());
        rejects(file, "header length 50 exceeds the 10 bytes that follow the length field");
    }

    @Test
    void rejectsHeadersThatAreNotJsonObjects() throws IOException {
        rejects(raw("{\"x\":", 0), "header: unexpected end of input, expected a value at offset 5");
        rejects(raw("", 0), "header: unexpected end of input");
        rejects(raw("[]", 0), ": the header must be an object, found an array");
        rejects(raw("{\"x\":1, \"x\":2}", 0), "header: duplicate key 'x'");
        rejects(raw("[".repeat(65), 0), "header: nesting deeper than 64");
        Path file = dir.resolve("utf.safetensors");
        Files.write(file, new byte[] {3, 0, 0, 0, 0, 0, 0, 0, '"', (byte) 0xC3, '"'});
        rejects(file, "header: text is not valid UTF-8");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "1                                                        | tensor 'x' must be an object, found the number 1",
        "{'shape':[1],'data_offsets':[0,4]}                       | tensor 'x' has no 'dtype'",
        "{'dtype':32,'shape':[1],'data_offsets':[0,4]}            | tensor 'x' dtype must be a string, found the number 32",
        "{'dtype':'Q7','shape':[1],'data_offsets':[0,4]}          | tensor 'x' has unknown dtype 'Q7' (supported: F32, F16, BF16)",
        "{'dtype':'f32','shape':[1],'data_offsets':[0,4]}         | unknown dtype 'f32'",
        "{'dtype':'F32','data_offsets':[0,4]}                     | tensor 'x' has no 'shape'",
        "{'dtype':'F32','shape':4,'data_offsets':[0,4]}           | tensor 'x' shape must be an array, found the number 4",
        "{'dtype':'F32','shape':[2,'2'],'data_offsets':[0,16]}    | tensor 'x' shape[1] must be an integer, found the string \"2\"",
        "{'dtype':'F32','shape':[2.0],'data_offsets':[0,8]}       | tensor 'x' shape[0] must be an integer, found the number 2.0",
        "{'dtype':'F32','shape':[2,-1],'data_offsets':[0,4]}      | tensor 'x' has a negative dimension in shape [2, -1]",
        "{'dtype':'F32','shape':[4294967296,4294967296],'data_offsets':[0,4]} | tensor 'x' shape [4294967296, 4294967296] has more bytes than a long can count",
        "{'dtype':'F32','shape':[4611686018427387904],'data_offsets':[0,4]}   | has more bytes than a long can count",
        "{'dtype':'F32','shape':[1]}                              | tensor 'x' has no 'data_offsets'",
        "{'dtype':'F32','shape':[1],'data_offsets':{}}            | tensor 'x' data_offsets must be an array, found an object",
        "{'dtype':'F32','shape':[1],'data_offsets':[0,4,8]}       | tensor 'x' data_offsets must be [begin, end], found 3 values",
        "{'dtype':'F32','shape':[1],'data_offsets':[4]}           | found 1 values",
        "{'dtype':'F32','shape':[1],'data_offsets':[0,'4']}       | tensor 'x' data_offsets[1] must be an integer",
        "{'dtype':'F32','shape':[1],'data_offsets':[0,1e1]}       | tensor 'x' data_offsets[1] must be an integer, found the number 10.0",
        "{'dtype':'F32','shape':[1],'data_offsets':[0,18446744073709551620]} | data_offsets[1] must be an integer, found the number 1.8446744073709552E19",
        "{'dtype':'F32','shape':[1],'data_offsets':[-4,0]}        | tensor 'x' data_offsets [-4, 0] are negative",
        "{'dtype':'F32','shape':[0],'data_offsets':[8,4]}         | tensor 'x' data_offsets [8, 4] begin after they end",
        "{'dtype':'F32','shape':[6],'data_offsets':[0,24]}        | tensor 'x' data_offsets [0, 24] end beyond the data area (16 bytes)",
        "{'dtype':'F32','shape':[1],'data_offsets':[16,20]}       | end beyond the data area (16 bytes)",
        "{'dtype':'F32','shape':[2,2],'data_offsets':[0,12]}      | tensor 'x' data_offsets [0, 12] do not match F32 x [2, 2] (16 bytes)",
        "{'dtype':'BF16','shape':[2,2],'data_offsets':[0,16]}     | do not match BF16 x [2, 2] (8 bytes)",
        "{'dtype':'I64','shape':[1],'data_offsets':[0,4]}         | do not match I64 x [1] (8 bytes)",
        "{'dtype':'F32','shape':[],'data_offsets':[0,0]}          | do not match F32 x [] (4 bytes)",
    })
    void rejectsBadTensorEntries(String entry, String problem) throws IOException {
        // Written with ' for readability; the data area is 16 bytes.
        rejects(raw("{\"x\":" + entry.replace('\'', '"') + "}", 16), problem);
    }

    @Test
    void rejectsTheExampleMismatchWithTheExactMessage() throws IOException {
        Path file = raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 16);
        assertEquals(file + ": tensor 'x' data_offsets [0, 12] do not match F32 x [2, 2] (16 bytes)",
                rejects(file, "do not match"));
    }

    @Test
    void rejectsOverlappingTensors() throws IOException {
        String a = "\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}";
        String b = "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}";
        String c = "\"c\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}";
        // Listed out of order: the check sorts by offset.
        rejects(raw("{" + c + "," + b + "," + a + "}", 32), "tensors 'a' [0, 16] and 'b' [8, 24] overlap");
        String same = "\"d\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}";
        rejects(raw("{" + a + "," + same + "}", 32), "[0, 16] overlap");
        // Empty tensors share no bytes, wherever they point.
        String empty = "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]}";
        try (SafeTensors st = SafeTensors.open(raw("{" + a + "," + empty + "," + c + "}", 32))) {
            assertEquals(0, st.floats("e").byteSize());
        }
    }

    @Test
    void rejectsBadMetadata() throws IOException {
        String x = "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        rejects(raw("{\"__metadata__\":[\"pt\"]," + x + "}", 4), "__metadata__ must be an object, found an array");
        rejects(raw("{\"__metadata__\":{\"format\":1}," + x + "}", 4),
                "__metadata__ 'format' must be a string, found the number 1");
    }
}
