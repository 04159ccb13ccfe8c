package dev.vectorvit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vectorvit.io.Fuzz.Outcome;
import dev.vectorvit.model.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Fuzzing {@link Json#parse(Path)}: mutations of the vit-tiny config.json files (Hugging Face and timm)
 * are parsed ({@link Fuzz}'s contract), and what parses survives a round trip through
 * {@link Fixtures#toJson}. 1,000 random mutations (bytes and JSON edits of either file), plus every one of
 * {@link Mutations#NASTY_JSON} as the whole document, an array element and an object member
 * (3 x 98 = 294 cases).
 */
final class JsonProperties {
    private static final List<String> LAYOUTS = List.of(Fixtures.TINY_HF, Fixtures.TINY_TIMM);

    private static final Map<String, byte[]> CONFIGS = new HashMap<>();
    private static Path dir;

    @BeforeContainer
    static void setUp() throws IOException {
        for (String layout : LAYOUTS) {
            CONFIGS.put(layout, Files.readAllBytes(Fixtures.fixture(layout).resolve("config.json")));
        }
        dir = Fuzz.tempDir("json");
    }

    @AfterContainer
    static void tearDown() throws IOException {
        Fuzz.delete(dir);
    }

    /** A mutation of one layout's config.json. */
    record Case(String layout, Mutation mutation) {}

    @Provide
    Arbitrary<Case> mutations() {
        return Arbitraries.oneOf(LAYOUTS.stream()
                .map(layout -> Mutations.json(CONFIGS.get(layout)).map(m -> new Case(layout, m))).toList());
    }

    @Provide
    Arbitrary<String> documents() {
        List<String> documents = new ArrayList<>();
        for (String v : Mutations.NASTY_JSON) {
            documents.addAll(List.of(v, "[1, " + v + "]", "{\"a\": " + v + "}"));
        }
        return Arbitraries.of(documents);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 1000)
    void mutatedConfigParsesOrFailsCleanly(@ForAll("mutations") Case c) throws IOException {
        check(c.mutation().apply(CONFIGS.get(c.layout())));
        Fuzz.requireShare(Outcome.ACCEPTED, 5);
        Fuzz.requireShare(Outcome.REJECTED, 10);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(generation = GenerationMode.EXHAUSTIVE)
    void nastyValues(@ForAll("documents") String document) throws IOException {
        check(document.getBytes(StandardCharsets.UTF_8));
    }

    private static void check(byte[] text) throws IOException {
        Path file = Files.write(dir.resolve("config.json"), text);
        Fuzz.check(file, () -> {
            Object parsed = Json.parse(file);
            assertEquals(parsed, Json.parse(Fixtures.toJson(parsed), "round trip"), "parse(toJson(parse(file)))");
        });
    }
}
