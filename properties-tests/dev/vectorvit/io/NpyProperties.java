package dev.vectorvit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vectorvit.io.Fuzz.Outcome;
import dev.vectorvit.model.Fixtures;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing {@link Npy#read} and the conversions of what it returns: mutations of the vit-tiny input.npy
 * (float32, shape (2, 3, 32, 32), a 118-byte header) are read and converted to float32 and to doubles
 * ({@link Fuzz}'s contract). 1,000 random mutations, bytes and header dicts, plus every extreme value of
 * the header length field in versions 1.0, 2.0 and 3.0 (3 x 84 = 252 cases).
 */
final class NpyProperties {
    /** The header region of the fixture: magic, version, length and dict. */
    private static final int HEADER_END = 128;

    private static final List<String> DESCRS = List.of("'<f4'", "'>f4'", "'|f4'", "'<f8'", "'>f8'", "'<f2'",
            "'|b1'", "'|u1'", "'<i8'", "'<u4'", "'<c16'", "'<f16'", "'<f32'", "'<U8'", "'O'", "'<f4 '", "''",
            "'<F4'", "\"<f4\"", "4", "True", "'<f4", "('<f4',)");
    private static final List<String> FORTRAN = List.of("False", "True", "0", "'False'", "None", "false");
    /** Shapes: the fixture's and others of its 24,576 bytes of data, and impossible ones. */
    private static final List<String> SHAPES = List.of("(2, 3, 32, 32)", "(6144,)", "(3072, 2)", "(1536, 4)",
            "(1, 1, 6144)", "(3072,)", "(12288,)", "(24576,)", "(2, 3, 32, 32, 1)", "()", "(0,)",
            "(2, 3, 32, 32, 0)", "(3073, 2)", "(-1, 6144)", "(-6144,)", "(6144)", "(9223372036854775807,)",
            "(9223372036854775807, 9223372036854775807)", "(4294967296, 4294967296)", "(2147483648,)",
            "(99999999999999999999,)", "(-9223372036854775808,)", "((2,),)", "[2, 3, 32, 32]", "(2 3)", "(2,,)",
            "(,)", "(", "(" + "1, ".repeat(10_000) + ")");
    /** Dict layouts around descr (1), fortran_order (2) and shape (3). */
    private static final List<String> FRAMES = List.of(
            "{'descr': %1$s, 'fortran_order': %2$s, 'shape': %3$s, }",
            "{'shape': %3$s, 'fortran_order': %2$s, 'descr': %1$s}",
            "{\"descr\": %1$s, \"fortran_order\": %2$s, \"shape\": %3$s}",
            "{'descr':%1$s,'fortran_order':%2$s,'shape':%3$s}",
            "{'descr': %1$s, 'fortran_order': %2$s}",
            "{'descr': %1$s, 'fortran_order': %2$s, 'shape': %3$s, 'shape': %3$s}",
            "{'descr': %1$s, 'fortran_order': %2$s, 'shape': %3$s, 'extra': 1}",
            "{'descr': %1$s, 'fortran_order': %2$s, 'shape': %3$s} trailing",
            "'descr': %1$s, 'fortran_order': %2$s, 'shape': %3$s",
            "{'descr': %1$s, 'fortran_order': %2$s, 'shape': %3$s,,}",
            "{'descr': %1$s 'fortran_order': %2$s 'shape': %3$s}",
            "{'descr': %1$s, 'fortran_order': %2$s, 'shape': %3$s, }\n\t\r");

    private static byte[] original;
    private static Path dir;

    @BeforeContainer
    static void setUp() throws IOException {
        original = Files.readAllBytes(Fixtures.fixture("vit-tiny/input.npy"));
        dir = Fuzz.tempDir("npy");
    }

    @AfterContainer
    static void tearDown() throws IOException {
        Fuzz.delete(dir);
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        Arbitrary<Mutation> dicts = Combinators.combine(Arbitraries.of(FRAMES), Arbitraries.of(DESCRS),
                Arbitraries.of(FORTRAN), Arbitraries.of(SHAPES))
                .as((frame, descr, fortran, shape) -> new Mutation.NpyHeader(frame.formatted(descr, fortran, shape)));
        Arbitrary<Mutation> versions = Combinators.combine(Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 1)).as(Mutation.NpyVersion::new);
        return Mutations.chained(Arbitraries.frequencyOf(
                Tuple.of(4, Mutations.bytes(HEADER_END)),
                Tuple.of(4, dicts),
                Tuple.of(1, versions),
                Tuple.of(1, Arbitraries.of(lengthFields()))));
    }

    /** Every extreme header length, in a file of each version (u16 field in 1.0, u32 in 2.0 and 3.0). */
    private static List<Mutation> lengthFields() {
        List<Mutation> out = new ArrayList<>();
        for (int major = 1; major <= 3; major++) {
            for (Mutation field : Mutations.lengthFields(8, major == 1 ? 2 : 4,
                    List.of((long) Npy.MAX_HEADER_BYTES, Npy.MAX_HEADER_BYTES + 1L))) {
                out.add(new Mutation.Chain(List.of(new Mutation.NpyVersion(major, 0), field)));
            }
        }
        return out;
    }

    @Provide
    Arbitrary<Mutation> lengthFieldValues() {
        return Arbitraries.of(lengthFields());
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 1000)
    void mutatedFileReadsOrFailsCleanly(@ForAll("mutations") Mutation mutation) throws IOException {
        check(mutation);
        Fuzz.requireShare(Outcome.ACCEPTED, 2);
        Fuzz.requireShare(Outcome.REJECTED, 50);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(generation = GenerationMode.EXHAUSTIVE)
    void extremeHeaderLengths(@ForAll("lengthFieldValues") Mutation mutation) throws IOException {
        check(mutation);
    }

    private static void check(Mutation mutation) throws IOException {
        Path file = Files.write(dir.resolve("input.npy"), mutation.apply(original));
        Fuzz.check(file, () -> readEverything(file));
    }

    /**
     * Reads the file and converts the array: float32 and doubles for the dtypes that have them,
     * FormatException for the others.
     */
    private static void readEverything(Path file) throws IOException {
        NpyArray a = Npy.read(file);
        long count = Arrays.stream(a.shape()).reduce(1, Math::multiplyExact);
        assertEquals(count, a.elementCount(), "element count of " + Arrays.toString(a.shape()));
        boolean f4 = a.descr().matches("[<>]f4");
        boolean f8 = a.descr().matches("[<>]f8");
        try (Arena arena = Arena.ofConfined()) {
            if (f4) {
                assertEquals(count * Float.BYTES, a.float32(arena).byteSize());
            } else {
                assertThrows(FormatException.class, () -> a.float32(arena), a.descr());
            }
        }
        if (f4 || f8) {
            assertEquals(count, a.toDoubles().length);
        } else {
            assertThrows(FormatException.class, a::toDoubles, a.descr());
        }
    }
}
