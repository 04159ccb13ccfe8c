package dev.vectorvit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vectorvit.io.Fuzz.Outcome;
import dev.vectorvit.model.Fixtures;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing {@link SafeTensors}: mutations of the vit-tiny model.safetensors (Hugging Face layout) are
 * opened and every tensor read ({@link Fuzz}'s contract). 1,000 random mutations plus every extreme
 * value of the header length field (84 cases).
 */
final class SafeTensorsProperties {
    private static final Set<String> READABLE = Set.of("F32", "F16", "BF16");

    private static byte[] original;
    private static Path dir;

    @BeforeContainer
    static void setUp() throws IOException {
        original = Files.readAllBytes(Fixtures.fixture(Fixtures.TINY_HF).resolve("model.safetensors"));
        dir = Fuzz.tempDir("safetensors");
    }

    @AfterContainer
    static void tearDown() throws IOException {
        Fuzz.delete(dir);
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        return Mutations.safeTensors(original);
    }

    @Provide
    Arbitrary<Mutation> lengthFieldValues() {
        return Arbitraries.of(Mutations.safeTensorsLengthFields());
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 1000)
    void mutatedFileOpensOrFailsCleanly(@ForAll("mutations") Mutation mutation) throws IOException {
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
        Path file = Files.write(dir.resolve("model.safetensors"), mutation.apply(original));
        Fuzz.check(file, () -> readEverything(file));
    }

    /**
     * Opens the file and reads every tensor: a segment of the shape's size, or FormatException for a
     * dtype that floats() does not read.
     */
    private static void readEverything(Path file) throws IOException {
        try (SafeTensors st = SafeTensors.open(file)) {
            st.metadata();
            for (String name : st.names()) {
                long[] shape = st.shape(name);
                if (READABLE.contains(st.dtype(name))) {
                    MemorySegment floats = st.floats(name);
                    long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
                    assertEquals(count * Float.BYTES, floats.byteSize(), name + ": bytes of " + Arrays.toString(shape));
                    if (count > 0) { // readable from first to last float
                        floats.getAtIndex(ValueLayout.JAVA_FLOAT, 0);
                        floats.getAtIndex(ValueLayout.JAVA_FLOAT, count - 1);
                    }
                } else {
                    assertThrows(FormatException.class, () -> st.floats(name), name);
                }
            }
        }
    }
}
