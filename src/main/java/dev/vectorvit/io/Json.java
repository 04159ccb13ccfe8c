package dev.vectorvit.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A strict JSON parser (RFC 8259) for model headers and configuration files, plus typed accessors that
 * turn a wrong type into a {@link FormatException} naming the file and the key.
 *
 * <p>Values map to: objects to {@code LinkedHashMap<String, Object>} (member order kept), arrays to
 * {@code ArrayList<Object>}, strings to {@code String}, integers that fit a long to {@code Long}, every
 * other number to a finite {@code Double}, {@code true}/{@code false} to {@code Boolean}, and
 * {@code null} to {@link #NULL} (never Java null, so that {@code map.get(key) == null} always means
 * "absent"). Strictness: no comments, no trailing commas, no leading zeros, no duplicate keys (a
 * model file with two tensors of one name is ambiguous), no unescaped control characters, no unpaired
 * surrogate escapes, no numbers beyond the double range, nesting at most {@value #MAX_DEPTH} deep.
 */
public final class Json {
    /** The JSON {@code null}. */
    public static final Object NULL = Null.INSTANCE;
    /** Deepest nesting of arrays and objects accepted; bounds the parser's recursion. */
    public static final int MAX_DEPTH = 64;
    /** Largest file {@link #parse(Path)} reads. */
    public static final int MAX_FILE_BYTES = 16 << 20;

    private enum Null {
        INSTANCE;

        @Override
        public String toString() {
            return "null";
        }
    }

    private final String text;
    private final String source;
    private int pos;
    private int depth;

    private Json(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /**
     * Parses one JSON value that makes up the whole of {@code text}; {@code source} (a file name) starts
     * every error message.
     */
    public static Object parse(String text, String source) throws FormatException {
        Json p = new Json(Objects.requireNonNull(text, "text"), source);
        p.skipWhitespace();
        Object value = p.value();
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.describe() + " after the JSON value");
        }
        return value;
    }

    /** Parses a UTF-8 JSON file of at most {@value #MAX_FILE_BYTES} bytes. */
    public static Object parse(Path file) throws IOException {
        String source = file.toString();
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // Reads at most one byte past the limit: a huge file is refused without being loaded.
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new FormatException(source + ": larger than the " + (MAX_FILE_BYTES >> 20) + " MiB limit for JSON files");
        }
        return parse(utf8(bytes, source), source);
    }

    /** {@code s} as a JSON string literal, in quotes: quotes, backslashes and control characters escaped. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u").append(hex(c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Decodes strict UTF-8: a malformed byte sequence is a FormatException, never a U+FFFD. */
    static String utf8(byte[] bytes, String source) throws FormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(source + ": text is not valid UTF-8", e);
        }
    }

    // ---- typed accessors: `what` names the value (a key, a path) in the message ----

    /** {@code value} as a JSON object. */
    @SuppressWarnings("unchecked") // the parser builds every object as Map<String, Object>
    public static Map<String, Object> object(Object value, String what, String source) throws FormatException {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw wrongType(value, "an object", what, source);
    }

    /** {@code value} as a JSON array. */
    @SuppressWarnings("unchecked") // the parser builds every array as List<Object>
    public static List<Object> array(Object value, String what, String source) throws FormatException {
        if (value instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw wrongType(value, "an array", what, source);
    }

    /** {@code value} as a JSON string. */
    public static String string(Object value, String what, String source) throws FormatException {
        if (value instanceof String s) {
            return s;
        }
        throw wrongType(value, "a string", what, source);
    }

    /** {@code value} as an integer that fits a long ({@code 2.0} and {@code 1e3} are not integers). */
    public static long integer(Object value, String what, String source) throws FormatException {
        if (value instanceof Long l) {
            return l;
        }
        throw wrongType(value, "an integer", what, source);
    }

    /** {@code value} as a number, integer or not. */
    public static double number(Object value, String what, String source) throws FormatException {
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof Double d) {
            return d;
        }
        throw wrongType(value, "a number", what, source);
    }

    /** {@code value} as a boolean. */
    public static boolean bool(Object value, String what, String source) throws FormatException {
        if (value instanceof Boolean b) {
            return b;
        }
        throw wrongType(value, "a boolean", what, source);
    }

    /** The member {@code key} of {@code object}, which {@code what} names; absent is an error. */
    public static Object member(Map<String, Object> object, String key, String what, String source)
            throws FormatException {
        Object value = object.get(key);
        if (value == null) {
            throw new FormatException(source + ": " + what + " has no '" + key + "'");
        }
        return value;
    }

    private static FormatException wrongType(Object value, String expected, String what, String source) {
        String found = switch (value) {
            case null -> "nothing";
            case Map<?, ?> _ -> "an object";
            case List<?> _ -> "an array";
            case String s -> "the string \"" + (s.length() <= 40 ? s : s.substring(0, 40) + "...") + "\"";
            case Boolean b -> b.toString();
            case Number n -> "the number " + n;
            default -> value.toString();
        };
        return new FormatException(source + ": " + what + " must be " + expected + ", found " + found);
    }

    // ---- the parser ----

    private Object value() throws FormatException {
        if (pos >= text.length()) {
            throw error("unexpected end of input, expected a value");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                if (c == '-' || isDigit(c)) {
                    yield number();
                }
                throw error("unexpected " + describe() + ", expected a value");
            }
        };
    }

    private Map<String, Object> object() throws FormatException {
        enter();
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (!consume('}')) {
            do {
                skipWhitespace();
                if (pos >= text.length() || text.charAt(pos) != '"') {
                    throw error("expected a string key, found " + describe());
                }
                int keyAt = pos;
                String key = string();
                if (map.containsKey(key)) {
                    throw error(keyAt, "duplicate key '" + key + "'");
                }
                skipWhitespace();
                expect(':');
                skipWhitespace();
                map.put(key, value());
                skipWhitespace();
            } while (consume(','));
            expect('}');
        }
        depth--;
        return map;
    }

    private List<Object> array() throws FormatException {
        enter();
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (!consume(']')) {
            do {
                skipWhitespace();
                list.add(value());
                skipWhitespace();
            } while (consume(','));
            expect(']');
        }
        depth--;
        return list;
    }

    /** Steps over the opening bracket at {@code pos}, one level deeper. */
    private void enter() throws FormatException {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        pos++;
    }

    private String string() throws FormatException {
        int open = pos++;
        StringBuilder sb = null; // only strings with escapes need a copy
        int run = pos;
        while (true) {
            if (pos >= text.length()) {
                throw error(open, "unterminated string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null ? text.substring(run, pos) : sb.append(text, run, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) {
                throw error("unescaped " + describe() + " in a string");
            }
            if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(text, run, pos);
                escape(sb);
                run = pos;
            } else {
                pos++;
            }
        }
    }

    /** Appends the escape sequence at {@code pos} (a backslash) and steps over it. */
    private void escape(StringBuilder sb) throws FormatException {
        int at = pos++;
        if (pos >= text.length()) {
            throw error(at, "unterminated escape sequence");
        }
        char c = text.charAt(pos++);
        switch (c) {
            case '"', '\\', '/' -> sb.append(c);
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
                char u = hex4(at);
                if (Character.isHighSurrogate(u)) {
                    if (!text.startsWith("\\u", pos)) {
                        throw error(at, "unpaired surrogate \\u" + hex(u));
                    }
                    int lowAt = pos;
                    pos += 2;
                    char low = hex4(lowAt);
                    if (!Character.isLowSurrogate(low)) {
                        throw error(at, "unpaired surrogate \\u" + hex(u));
                    }
                    sb.append(u).append(low);
                } else if (Character.isLowSurrogate(u)) {
                    throw error(at, "unpaired surrogate \\u" + hex(u));
                } else {
                    sb.append(u);
                }
            }
            default -> throw error(at, "invalid escape sequence \\" + c);
        }
    }

    /** The four hex digits at {@code pos} of the \\u escape at {@code at}. */
    private char hex4(int at) throws FormatException {
        if (pos + 4 > text.length()) {
            throw error(at, "truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            char c = text.charAt(pos + i);
            // Character.digit would also accept non-ASCII digits.
            int d = c >= '0' && c <= '9' ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) {
                throw error(at, "invalid \\u escape");
            }
            v = v << 4 | d;
        }
        pos += 4;
        return (char) v;
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }

    private Object number() throws FormatException {
        int start = pos;
        consume('-');
        if (!consume('0')) {
            digits();
        }
        boolean integral = true;
        if (consume('.')) {
            integral = false;
            digits();
        }
        if (consume('e') || consume('E')) {
            integral = false;
            if (!consume('+')) {
                consume('-');
            }
            digits();
        }
        String literal = text.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException tooLong) {
                // beyond the long range: kept as a double, like any other non-long number
            }
        }
        double d = Double.parseDouble(literal); // the grammar above admits only valid literals
        if (Double.isInfinite(d)) {
            throw error(start, "number " + (literal.length() <= 40 ? literal : literal.substring(0, 40) + "...")
                    + " is out of the double range");
        }
        return d;
    }

    /** One or more ASCII digits. */
    private void digits() throws FormatException {
        if (pos >= text.length() || !isDigit(text.charAt(pos))) {
            throw error("expected a digit, found " + describe());
        }
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object value) throws FormatException {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected " + describe() + ", expected a value");
        }
        pos += word.length();
        return value;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private boolean consume(char c) {
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) throws FormatException {
        if (!consume(c)) {
            throw error("expected '" + c + "', found " + describe());
        }
    }

    /** The character at {@code pos}, for messages. */
    private String describe() {
        if (pos >= text.length()) {
            return "end of input";
        }
        char c = text.charAt(pos);
        return c > 0x20 && c < 0x7f ? "'" + c + "'" : "character U+" + hex(c);
    }

    private FormatException error(String problem) {
        return error(pos, problem);
    }

    private FormatException error(int offset, String problem) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new FormatException(source + ": " + problem + " at offset " + offset
                + " (line " + line + ", column " + (offset - lineStart + 1) + ")");
    }
}
