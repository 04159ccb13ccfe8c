package dev.vectorvit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Files under io/ were made by src/test/resources/io/generate.py. */
class NpyTest {
    /** The array generate.py writes in several forms: arange(6).reshape(2, 3) - 2.5. */
    private static final float[] A = {-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f};

    @TempDir
    Path dir;

    private static NpyArray read(String resource) throws IOException {
        return Npy.read(TestResources.path(resource));
    }

    private static float[] floats(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_FLOAT);
    }

    /** A .npy file with the given version, header text (as is) and data. */
    private Path npy(int major, int minor, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(12 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) major).put((byte) minor);
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        b.put(h).put(data);
        return Files.write(dir.resolve("a.npy"), Arrays.copyOf(b.array(), b.position()));
    }

    private Path npy(String header, int dataBytes) throws IOException {
        return npy(1, 0, header, new byte[dataBytes]);
    }

    private static String dict(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }\n";
    }

    /** Asserts that reading {@code file} fails with a message naming the file and {@code problem}. */
    private static String rejects(Path file, String problem) {
        FormatException e = assertThrows(FormatException.class, () -> Npy.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), () -> "expected '" + problem + "' in: " + e.getMessage());
        return e.getMessage();
    }

    // ---- real and numpy-written files ----

    @Test
    void readsTheFloat32InputFixture() throws IOException {
        NpyArray input = read("fixtures/vit-tiny/input.npy");
        assertEquals("<f4", input.descr());
        assertArrayEquals(new long[] {2, 3, 32, 32}, input.shape());
        assertEquals(6144, input.elementCount());
        assertTrue(input.source().endsWith("input.npy"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = input.float32(arena);
            assertEquals(6144L * Float.BYTES, x.byteSize());
            assertEquals(0, x.address() % Memory.ALIGNMENT);
            // Values from numpy: a.flat[0], a.flat[-1].
            assertEquals(-1.8007993f, x.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
            assertEquals(0.9343433f, x.getAtIndex(ValueLayout.JAVA_FLOAT, 6143));
            double[] d = input.toDoubles();
            for (int i = 0; i < d.length; i++) {
                assertEquals(x.getAtIndex(ValueLayout.JAVA_FLOAT, i), d[i]);
            }
            assertEquals(185.16988621390192, Arrays.stream(d).sum(), 1e-9);
        }
    }

    @Test
    void readsTheFloat64LogitsFixture() throws IOException {
        NpyArray logits = read("fixtures/vit-tiny/logits.npy");
        assertEquals("<f8", logits.descr());
        assertArrayEquals(new long[] {2, 10}, logits.shape());
        double[] d = logits.toDoubles();
        assertEquals(0.5872588166499839, d[0]);
        assertEquals(-0.8359694696476837, d[19]);
        try (Arena arena = Arena.ofConfined()) {
            FormatException e = assertThrows(FormatException.class, () -> logits.float32(arena));
            assertEquals(logits.source() + ": expected float32 ('<f4'), found '<f8'", e.getMessage());
        }
    }

    @Test
    void readsEveryVersionAndByteOrder() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            for (String name : List.of("io/v2.npy", "io/v3.npy", "io/big_endian_f4.npy")) {
                NpyArray a = read(name);
                assertArrayEquals(new long[] {2, 3}, a.shape(), name);
                assertArrayEquals(A, floats(a.float32(arena)), name);
                assertArrayEquals(Stream.of(A[0], A[1], A[2], A[3], A[4], A[5]).mapToDouble(f -> f).toArray(),
                        a.toDoubles(), name);
            }
        }
        assertEquals(">f4", read("io/big_endian_f4.npy").descr());
    }

    @Test
    void readsFloat64AndScalars() throws IOException {
        double[] d = read("io/f8.npy").toDoubles();
        for (int i = 0; i < A.length; i++) {
            assertEquals((i - 2.5) / 3, d[i]);
        }
        NpyArray scalar = read("io/scalar_f4.npy");
        assertArrayEquals(new long[0], scalar.shape());
        assertEquals(1, scalar.elementCount());
        assertArrayEquals(new double[] {7.25}, scalar.toDoubles());
    }

    @Test
    void otherDtypesReadButAreNotFloats() throws IOException {
        NpyArray ints = read("io/int64.npy");
        assertEquals("<i8", ints.descr());
        assertEquals(32, ints.data().byteSize());
        assertEquals(3L, ints.data().getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, 3));
        FormatException e = assertThrows(FormatException.class, ints::toDoubles);
        assertEquals(ints.source() + ": expected float32 or float64 ('<f4', '<f8'), found '<i8'", e.getMessage());
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(FormatException.class, () -> ints.float32(arena));
        }
    }

    @Test
    void arraysAreImmutable() throws IOException {
        NpyArray a = read("io/v2.npy");
        a.shape()[0] = 7;
        assertEquals(2, a.shape()[0]);
        assertTrue(a.data().isReadOnly());
    }

    // ---- writing ----

    @Test
    void writesExactlyWhatNumpyWrites() throws IOException {
        Path fixture = TestResources.path("fixtures/vit-tiny/input.npy");
        Path scalar = TestResources.path("io/scalar_f4.npy");
        try (Arena arena = Arena.ofConfined()) {
            Path out = dir.resolve("input.npy");
            Npy.write(out, Npy.read(fixture).float32(arena), 0, new long[] {2, 3, 32, 32});
            assertArrayEquals(Files.readAllBytes(fixture), Files.readAllBytes(out));

            Path outScalar = dir.resolve("scalar.npy");
            Npy.write(outScalar, Memory.copyOf(arena, new float[] {7.25f}), 0, new long[0]);
            assertArrayEquals(Files.readAllBytes(scalar), Files.readAllBytes(outScalar));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "2,3", "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", "0,4", "3,1000000"})
    void roundTripsAndAlignsTheData(String dims) throws IOException {
        long[] shape = dims.isEmpty() ? new long[0] : Arrays.stream(dims.split(",")).mapToLong(Long::parseLong).toArray();
        int count = (int) Arrays.stream(shape).reduce(1, Math::multiplyExact);
        float[] values = new float[count];
        Random random = new Random(count);
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        Path file = dir.resolve("rt.npy");
        try (Arena arena = Arena.ofConfined()) {
            Npy.write(file, MemorySegment.ofArray(values), 0, shape);
            NpyArray back = Npy.read(file);
            assertEquals("<f4", back.descr());
            assertArrayEquals(shape, back.shape());
            assertArrayEquals(values, floats(back.float32(arena)));
        }
        byte[] bytes = Files.readAllBytes(file);
        int dataStart = 10 + (bytes[8] & 0xFF | (bytes[9] & 0xFF) << 8);
        assertEquals(0, dataStart % 64, "data starts 64-byte aligned");
        assertEquals('\n', bytes[dataStart - 1]);
        assertEquals(bytes.length, dataStart + 4L * count);
    }

    @Test
    void writesFromAnOffset() throws IOException {
        float[] values = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        Path file = dir.resolve("slice.npy");
        try (Arena arena = Arena.ofConfined()) {
            Npy.write(file, Memory.copyOf(arena, values), 3, new long[] {5});
            assertArrayEquals(new float[] {3, 4, 5, 6, 7}, floats(Npy.read(file).float32(arena)));
        }
    }

    @Test
    void overwritesAtomicallyAndLeavesNothingBehindOnFailure() throws IOException {
        Path file = dir.resolve("out.npy");
        MemorySegment four = MemorySegment.ofArray(new float[] {1, 2, 3, 4});
        Npy.write(file, four, 0, new long[] {4});
        Npy.write(file, four, 2, new long[] {2});
        assertArrayEquals(new long[] {2}, Npy.read(file).shape(), "replaced");

        // Arguments that do not fit: nothing is written.
        assertThrows(IllegalArgumentException.class, () -> Npy.write(file, four, 1, new long[] {4}));
        assertThrows(IllegalArgumentException.class, () -> Npy.write(file, four, -1, new long[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Npy.write(file, four, 0, new long[] {-1}));
        assertThrows(IllegalArgumentException.class,
                () -> Npy.write(file, four, 0, new long[] {1L << 32, 1L << 32}));
        assertArrayEquals(new long[] {2}, Npy.read(file).shape(), "untouched");

        // The move fails (the target is a non-empty directory): the temporary file is removed.
        Path blocked = Files.createDirectories(dir.resolve("blocked.npy"));
        Files.writeString(blocked.resolve("keep"), "x");
        assertThrows(IOException.class, () -> Npy.write(blocked, four, 0, new long[] {4}));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("blocked.npy", "out.npy"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void writingNeedsALiveSegment() {
        MemorySegment closed;
        try (Arena arena = Arena.ofConfined()) {
            closed = arena.allocate(16);
        }
        assertThrows(IllegalStateException.class, () -> Npy.write(dir.resolve("x.npy"), closed, 0, new long[] {4}));
        assertFalse(Files.exists(dir.resolve("x.npy")));
    }

    // ---- header literal parsing ----

    @ParameterizedTest
    @ValueSource(strings = {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
        "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 3)}",
        "{'shape':(2,3,),'fortran_order':False,'descr':'<f4'}",
        "  {\n 'descr' : '<f4' ,\t'fortran_order' : False , 'shape' : ( 2 , 3 ) , }  \n",
    })
    void acceptsTheDictLiteralsVariousWriters(String header) throws IOException {
        NpyArray a = Npy.read(npy(1, 0, header, new byte[24]));
        assertEquals("<f4", a.descr());
        assertArrayEquals(new long[] {2, 3}, a.shape());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3) 'x': 1} | bad header: expected ',' or '}' at offset 57",
        "{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}  | bad header: expected ',' or '}'",
        "'descr': '<f4'                                          | bad header: expected '{' at offset 0",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} x | bad header: unexpected text after the dict",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3}  | bad header: expected ',' or ')'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (5)}  | bad header: a one-element tuple needs a trailing comma",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (,)}  | bad header: expected an integer",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,)} | bad header: expected ',' or ')'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3]} | bad header: expected a string, True, False or a tuple",
        "{'descr': '<f4', 'fortran_order': false, 'shape': (2,)} | bad header: expected a string, True, False or a tuple",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)} | bad header: integer too large",
        "{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}  | bad header: expected ',' or '}' at offset 17",
        "{'descr': \"<f4', 'fortran_order': False, 'shape': (2,)} | bad header: unterminated string",
        "{'descr': '<f\\4', 'fortran_order': False, 'shape': (2,)} | bad header: escapes and line breaks in strings are not supported",
        "{descr: '<f4', 'fortran_order': False, 'shape': (2,)}   | bad header: expected a quoted string",
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)} | bad header: duplicate key 'descr'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)  | bad header: expected ',' or '}'",
        "{'descr': '<f4', 'fortran_order': False}                | header needs 'shape', a tuple of integers",
        "{'descr': '<f4', 'fortran_order': False, 'shape': 'x'}  | header needs 'shape', a tuple of integers",
        "{'fortran_order': False, 'shape': (2,)}                 | header needs 'descr', a string such as '<f4'",
        "{'descr': ('<f4',), 'fortran_order': False, 'shape': (2,)} | bad header: expected an integer",
        "{'descr': '<f4', 'shape': (2,)}                         | header needs 'fortran_order', True or False",
        "{'descr': '<f4', 'fortran_order': 'no', 'shape': (2,)}  | header needs 'fortran_order', True or False",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': True} | unexpected header key 'extra'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 3)} | shape (-2, 3) has a negative dimension",
        "{'descr': '<U10', 'fortran_order': False, 'shape': (2,)} | unsupported dtype '<U10' (this reader handles numeric dtypes such as '<f4' and '<f8')",
        "{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (2,)} | unsupported dtype '<M8[ns]'",
        "{'descr': 'f4', 'fortran_order': False, 'shape': (2,)}  | unsupported dtype 'f4'",
        "{'descr': '<f3', 'fortran_order': False, 'shape': (2,)} | unsupported dtype '<f3'",
        "``                                                      | bad header: expected '{'",
    })
    void rejectsMalformedHeaders(String header, String problem) throws IOException {
        rejects(npy(1, 0, header, new byte[8]), problem);
    }

    // ---- bad files ----

    /** The header is quoted in the message, which stays one line whatever bytes the header holds. */
    @Test
    void headerErrorsAreOneLine() throws IOException {
        String message = rejects(npy("{'descr': '<f4',\n'fortran_order': False, 'shape': (2,)} x\u0085\n", 8),
                "bad header: unexpected text after the dict");
        assertTrue(message.contains("'<f4',\\n'fortran_order'") && message.endsWith("} x\\u0085"), message);
        assertFalse(message.contains("\n") || message.contains("\u0085"), message);
    }

    @Test
    void rejectsFortranOrder() throws IOException {
        Path file = TestResources.path("io/fortran.npy");
        assertEquals(file + ": fortran_order True is not supported (save the array in C order)",
                rejects(file, "fortran_order True"));
    }

    @Test
    void rejectsShortFilesAndBadMagic() throws IOException {
        rejects(Files.write(dir.resolve("s.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M'}), "4 bytes is too short for a .npy file");
        rejects(Files.write(dir.resolve("e.npy"), new byte[0]), "0 bytes is too short");
        Path file = Files.write(dir.resolve("m.npy"), "PK\u0003\u0004 this is a zip file".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(file + ": not a .npy file (it does not start with \\x93NUMPY)", rejects(file, "not a .npy file"));
        // A version 2.0 preamble needs 12 bytes.
        rejects(Files.write(dir.resolve("v2.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0, 0, 0}),
                "11 bytes is too short for a .npy 2.0 file");
    }

    @Test
    void rejectsUnknownVersions() throws IOException {
        rejects(npy(4, 0, dict("<f4", "(1,)"), new byte[4]), "unsupported .npy version 4.0 (supported: 1.0, 2.0, 3.0)");
        rejects(npy(1, 1, dict("<f4", "(1,)"), new byte[4]), "unsupported .npy version 1.1");
        rejects(npy(0, 0, dict("<f4", "(1,)"), new byte[4]), "unsupported .npy version 0.0");
    }

    @Test
    void rejectsHeaderLengthsBeyondTheLimitOrTheFile() throws IOException {
        Path file = npy(1, 0, dict("<f4", "(1,)"), new byte[4]);
        byte[] bytes = Files.readAllBytes(file);
        bytes[8] = (byte) 0xFF; // header length 0x..FF: longer than the file
        bytes[9] = 0;
        Files.write(file, bytes);
        rejects(file, "header length 255 exceeds the " + (bytes.length - 10) + " bytes that follow the preamble");

        ByteBuffer v2 = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        v2.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 2).put((byte) 0).putInt(2 << 20);
        rejects(Files.write(dir.resolve("big.npy"), v2.array()), "header length 2097152 exceeds the limit of 1048576 bytes");
        v2.putInt(8, -1); // u32 0xFFFFFFFF
        rejects(Files.write(dir.resolve("big.npy"), v2.array()), "header length 4294967295 exceeds the limit");
    }

    @Test
    void rejectsTruncatedAndOverlongData() throws IOException {
        Path fixture = TestResources.path("fixtures/vit-tiny/input.npy");
        byte[] bytes = Files.readAllBytes(fixture);
        Path cut = Files.write(dir.resolve("cut.npy"), Arrays.copyOf(bytes, bytes.length - 4));
        assertEquals(cut + ": truncated: shape (2, 3, 32, 32) of '<f4' needs 24576 bytes of data, only 24572 follow"
                + " the header", rejects(cut, "truncated"));
        Path headerOnly = Files.write(dir.resolve("header.npy"), Arrays.copyOf(bytes, 128));
        rejects(headerOnly, "needs 24576 bytes of data, only 0 follow the header");
        Path longer = Files.write(dir.resolve("long.npy"), Arrays.copyOf(bytes, bytes.length + 3));
        rejects(longer, "3 stray bytes after the 24576 bytes of data of shape (2, 3, 32, 32) of '<f4'");
    }

    @Test
    void neverTrustsTheShapeBeforeCheckingTheFileSize() throws IOException {
        // Each would need far more memory than the test heap if the reader allocated from the shape.
        rejects(npy(dict("<f4", "(1000000000000,)"), 8), "needs 4000000000000 bytes of data, only 8 follow the header");
        rejects(npy(dict("<f8", "(100000, 100000, 100000)"), 8), "needs 8000000000000000 bytes of data, only 8 follow");
        rejects(npy(dict("<f4", "(4294967296, 4294967296)"), 8),
                "shape (4294967296, 4294967296) has more bytes than a long can count");
        rejects(npy(dict("<c32", "(576460752303423488,)"), 8), "has more bytes than a long can count");
    }

    @Test
    void refusesArraysBeyondTheHeapLimitBeforeReadingThem() throws IOException {
        Path big = npy(dict("<f4", "(1073741824,)"), 0);
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(f.length() + (4L << 30)); // sparse: 4 GiB of zeros that take no disk space
        }
        rejects(big, "shape (1073741824,) of '<f4' needs 4294967296 bytes, more than the 2 GiB this reader holds");
    }

    @Test
    void emptyArraysAreFine() throws IOException {
        NpyArray empty = Npy.read(npy(dict("<f4", "(0, 1000000000000)"), 0));
        assertEquals(0, empty.elementCount());
        assertArrayEquals(new double[0], empty.toDoubles());
    }

    @Test
    void version3HeadersMustBeUtf8() throws IOException {
        Path file = npy(3, 0, dict("<f4", "(1,)"), new byte[4]);
        byte[] bytes = Files.readAllBytes(file);
        bytes[14] = (byte) 0xFF; // inside 'descr'
        Files.write(file, bytes);
        rejects(file, "text is not valid UTF-8");
        // Latin-1 in a 1.0 header is just text (here: a bad key).
        rejects(npy(1, 0, "{'\u00e9': 1}", new byte[0]), "bad header: expected a string, True, False or a tuple");
    }
}
