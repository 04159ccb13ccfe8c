package dev.vectorvit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {
    private static final String SRC = "test.json";

    @TempDir
    Path dir;

    private static Object parse(String text) throws FormatException {
        return Json.parse(text, SRC);
    }

    /** Asserts that {@code text} is rejected with a message naming the source and {@code problem}. */
    private static FormatException rejects(String text, String problem) {
        FormatException e = assertThrows(FormatException.class, () -> parse(text), text);
        assertTrue(e.getMessage().startsWith(SRC + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), () -> "expected '" + problem + "' in: " + e.getMessage());
        return e;
    }

    @Test
    void parsesEveryKindOfValue() throws FormatException {
        Object v = parse(" {\"s\": \"x\", \"i\": -12, \"d\": 1.5, \"t\": true, \"f\": false, \"n\": null,"
                + " \"a\": [1, [], {}], \"o\": {\"k\": \"v\"}}\r\n\t");
        Map<String, Object> m = Json.object(v, "root", SRC);
        assertInstanceOf(LinkedHashMap.class, m);
        assertEquals(List.of("s", "i", "d", "t", "f", "n", "a", "o"), List.copyOf(m.keySet()), "member order");
        assertEquals("x", m.get("s"));
        assertEquals(-12L, m.get("i"));
        assertEquals(1.5, m.get("d"));
        assertEquals(true, m.get("t"));
        assertEquals(false, m.get("f"));
        assertSame(Json.NULL, m.get("n"));
        assertEquals(List.of(1L, List.of(), Map.of()), m.get("a"));
        assertEquals(Map.of("k", "v"), m.get("o"));
    }

    @Test
    void scalarsAtTheTopLevel() throws FormatException {
        assertEquals("a", parse("\"a\""));
        assertEquals(0L, parse("0"));
        assertSame(Json.NULL, parse(" null "));
        assertEquals("null", Json.NULL.toString());
    }

    @Test
    void integersThatFitALongAreLongsOtherNumbersDoubles() throws FormatException {
        assertEquals(Long.MAX_VALUE, parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, parse("-9223372036854775808"));
        assertEquals(9.223372036854775808e18, parse("9223372036854775808"));
        assertEquals(0L, parse("-0"));
        assertEquals(1000.0, parse("1e3"));
        assertEquals(2.0, parse("2.0"));
        assertEquals(-0.0125, parse("-1.25E-2"));
        assertEquals(1e-6, parse("1e-06"));
        assertEquals(5.0, parse("5E+0"));
    }

    @Test
    void stringEscapes() throws FormatException {
        assertEquals("\"\\/\b\f\n\r\t", parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
        assertEquals("caf\u00e9 \u20ac", parse("\"caf\\u00e9 \\u20AC\""));
        assertEquals("\uD83D\uDE00", parse("\"\\uD83D\\ude00\""), "surrogate pair");
        assertEquals("\uD83D\uDE00 raw", parse("\"\uD83D\uDE00 raw\""));
        assertEquals("a\u0000b", parse("\"a\\u0000b\""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``                 | unexpected end of input",
        "`   `              | unexpected end of input",
        "{                  | expected a string key, found end of input",
        "{\"a\":1,}         | expected a string key, found '}'",
        "{1:2}              | expected a string key, found '1'",
        "{\"a\" 1}          | expected ':', found '1'",
        "{\"a\":1 \"b\":2}  | expected '}', found '\"'",
        "{\"a\":1,\"a\":2}  | duplicate key 'a' at offset 7",
        "[1,]               | unexpected ']', expected a value",
        "[1 2]              | expected ']', found '2'",
        "[                  | unexpected end of input",
        "01                 | unexpected '1' after the JSON value",
        "[1] x              | unexpected 'x' after the JSON value",
        "1.                 | expected a digit, found end of input",
        "1.e5               | expected a digit, found 'e'",
        "-                  | expected a digit",
        "-a                 | expected a digit, found 'a'",
        ".5                 | unexpected '.', expected a value",
        "+1                 | unexpected '+', expected a value",
        "1e                 | expected a digit",
        "1e999              | number 1e999 is out of the double range",
        "-1e999             | is out of the double range",
        "NaN                | unexpected 'N', expected a value",
        "Infinity           | unexpected 'I'",
        "tru                | unexpected 't', expected a value",
        "nul                | unexpected 'n'",
        "True               | unexpected 'T'",
        "'a'                | unexpected ''', expected a value",
        "// c               | unexpected '/'",
        "\"abc              | unterminated string at offset 0",
        "\"a\\              | unterminated escape sequence",
        "\"\\x\"            | invalid escape sequence \\x",
        "\"\\u12G4\"        | invalid \\u escape",
        "\"\\u12\"          | truncated \\u escape",
        "\"\\ud800\"        | unpaired surrogate \\uD800",
        "\"\\ud800\\u0041\" | unpaired surrogate \\uD800",
        "\"\\ud800x\"       | unpaired surrogate \\uD800",
        "\"\\udc00\"        | unpaired surrogate \\uDC00",
    })
    void rejectsMalformedText(String text, String problem) {
        rejects(text, problem);
    }

    @Test
    void rejectsCharactersJsonDoesNotAllow() {
        rejects("\"a\tb\"", "unescaped character U+0009 in a string");
        rejects("\"a\nb\"", "unescaped character U+000A in a string");
        rejects("\uFEFF{}", "unexpected character U+FEFF");
        rejects("[1,\u00A02]", "character U+00A0");
        rejects("\"\\u\u0661\u0662\u0663\u0664\"", "invalid \\u escape"); // non-ASCII digits
        rejects("1\u0000", "character U+0000 after the JSON value");
    }

    @Test
    void errorsGiveOffsetLineAndColumn() {
        rejects("[1,\n 2,,]", "at offset 7 (line 2, column 4)");
    }

    @Test
    void nestingIsLimitedTo64() throws FormatException {
        assertInstanceOf(List.class, parse("[".repeat(64) + "]".repeat(64)));
        rejects("[".repeat(65) + "]".repeat(65), "nesting deeper than 64 at offset 64");
        rejects("{\"a\":".repeat(65) + "1" + "}".repeat(65), "nesting deeper than 64");
        // Without the limit this would overflow the stack; it must fail at depth 65, cheaply.
        rejects("[".repeat(1_000_000), "nesting deeper than 64");
    }

    @Test
    void accessorsReturnTypedValues() throws FormatException {
        Map<String, Object> m = Json.object(parse("{\"i\":3,\"d\":0.5,\"s\":\"x\",\"b\":true,\"a\":[1]}"), "root", SRC);
        assertEquals(3L, Json.integer(Json.member(m, "i", "root", SRC), "i", SRC));
        assertEquals(3.0, Json.number(m.get("i"), "i", SRC));
        assertEquals(0.5, Json.number(m.get("d"), "d", SRC));
        assertEquals("x", Json.string(m.get("s"), "s", SRC));
        assertTrue(Json.bool(m.get("b"), "b", SRC));
        assertEquals(List.of(1L), Json.array(m.get("a"), "a", SRC));
    }

    @Test
    void accessorsNameTheKeyAndWhatWasFound() throws FormatException {
        Map<String, Object> m = Json.object(
                parse("{\"s\":\"64\",\"d\":1.5,\"n\":null,\"big\":12345678901234567890,\"long\":\""
                        + "x".repeat(100) + "\"}"), "config", SRC);
        assertMessage(() -> Json.integer(m.get("s"), "hidden_size", SRC),
                "test.json: hidden_size must be an integer, found the string \"64\"");
        assertMessage(() -> Json.integer(m.get("d"), "hidden_size", SRC),
                "test.json: hidden_size must be an integer, found the number 1.5");
        assertMessage(() -> Json.integer(m.get("big"), "size", SRC),
                "test.json: size must be an integer, found the number 1.2345678901234567E19");
        assertMessage(() -> Json.number(m.get("n"), "eps", SRC), "test.json: eps must be a number, found null");
        assertMessage(() -> Json.string(m.get("d"), "act", SRC), "test.json: act must be a string, found the number 1.5");
        assertMessage(() -> Json.bool(m.get("s"), "qkv_bias", SRC),
                "test.json: qkv_bias must be a boolean, found the string \"64\"");
        assertMessage(() -> Json.array(m, "shape", SRC), "test.json: shape must be an array, found an object");
        assertMessage(() -> Json.object(List.of(), "id2label", SRC),
                "test.json: id2label must be an object, found an array");
        assertMessage(() -> Json.string(m.get("absent"), "model_type", SRC),
                "test.json: model_type must be a string, found nothing");
        assertMessage(() -> Json.member(m, "model_type", "config", SRC), "test.json: config has no 'model_type'");
        assertMessage(() -> Json.integer(m.get("long"), "k", SRC),
                "test.json: k must be an integer, found the string \"" + "x".repeat(40) + "...\"");
    }

    /** A value quoted in a message keeps it on one line: its line breaks and control characters are escapes. */
    @Test
    void messagesQuotingValuesStayOnOneLine() throws FormatException {
        Object s = parse("\"a\\nb\\r\\tc\\u0000\\u2028d\"");
        assertMessage(() -> Json.integer(s, "hidden_size", SRC),
                "test.json: hidden_size must be an integer, found the string \"a\\nb\\r\\tc\\u0000\\u2028d\"");
    }

    private static void assertMessage(Executable call, String message) {
        assertEquals(message, assertThrows(FormatException.class, call).getMessage());
    }

    @Test
    void parsesTheFixtureConfigFile() throws IOException {
        Map<String, Object> config = Json.object(Json.parse(TestResources.path("fixtures/vit-tiny/hf/config.json")),
                "config", SRC);
        assertEquals(64L, config.get("hidden_size"));
        assertEquals(1e-6, config.get("layer_norm_eps"));
        assertEquals(true, config.get("qkv_bias"));
        assertEquals(List.of("ViTForImageClassification"), config.get("architectures"));
        assertEquals(10, Json.object(config.get("id2label"), "id2label", SRC).size());
    }

    @Test
    void fileErrorsNameTheFile() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\n  \"a\": 1,\n}");
        FormatException e = assertThrows(FormatException.class, () -> Json.parse(bad));
        assertEquals(bad + ": expected a string key, found '}' at offset 12 (line 3, column 1)", e.getMessage());
    }

    @Test
    void filesMustBeUtf8() throws IOException {
        Path file = Files.write(dir.resolve("latin1.json"), "\"caf\u00e9\"".getBytes(StandardCharsets.ISO_8859_1));
        FormatException e = assertThrows(FormatException.class, () -> Json.parse(file));
        assertEquals(file + ": text is not valid UTF-8", e.getMessage());
        Path utf8 = Files.write(dir.resolve("utf8.json"), "\"caf\u00e9\"".getBytes(StandardCharsets.UTF_8));
        assertEquals("caf\u00e9", Json.parse(utf8));
    }

    @Test
    void filesAreLimitedTo16MiB() throws IOException {
        byte[] bytes = new byte[Json.MAX_FILE_BYTES];
        Arrays.fill(bytes, (byte) ' ');
        bytes[bytes.length - 1] = '7';
        Path atLimit = Files.write(dir.resolve("limit.json"), bytes);
        assertEquals(7L, Json.parse(atLimit));

        Path over = Files.write(dir.resolve("over.json"), Arrays.copyOf(bytes, bytes.length + 1));
        FormatException e = assertThrows(FormatException.class, () -> Json.parse(over));
        assertEquals(over + ": larger than the 16 MiB limit for JSON files", e.getMessage());
    }

    @Test
    void quoteWritesLiteralsTheParserReadsBack() throws FormatException {
        assertEquals("\"a\\\"b\\\\c\\n\\t\\u0001\u00e9\"", Json.quote("a\"b\\c\n\t\u0001\u00e9"));
        for (String s : List.of("", "photos/cat 1.jpg", "C:\\photos\\x.png", "tab\there", "\u0000\u001f\u007f", "\ud83d\ude00")) {
            assertEquals(s, Json.parse(Json.quote(s), "quoted"));
        }
    }
}
