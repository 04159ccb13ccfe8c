package dev.vectorvit.io;

import dev.vectorvit.io.Mutation.Base;
import dev.vectorvit.io.Mutation.Op;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of {@link Mutation}s: byte-level damage anywhere in a file (biased towards its header,
 * where the parsing happens), length fields set to extreme values, and edits of JSON documents and
 * {@code .npy} header dicts with the values a hostile or broken writer would put there.
 */
final class Mutations {
    /** Longest run of one byte inserted (a string or number a megabyte long). */
    static final int LONG_RUN = 1 << 20;

    /**
     * JSON texts to put where a value was, each one a parser or a reader of the value's meaning should
     * refuse or survive: the wrong type for any key, numbers at and beyond the limits of int, long and
     * double, non-JSON literals, deep nesting, long strings, broken escapes, duplicate keys.
     */
    static final List<String> NASTY_JSON = List.of(
            "0", "-1", "1", "2", "3", "7", "8", "64", "-0", "-0.0", "0.5", "4.0", "1E+2", "1e-7",
            "2147483647", "2147483648", "-2147483648", "4294967295", "4294967296", "4294967297",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            "18446744073709551615", "123456789012345678901234567890", "1e308", "1e309", "-1e400", "1e-400",
            "9".repeat(100_000), "0." + "0".repeat(100_000) + "1",
            "NaN", "Infinity", "-Infinity", "nan", "inf", "0x10", "01", "+1", "1.", ".5", "1e", "-",
            "null", "true", "false", "nul", "{}", "[]", "[[]]", "[1,2]", "[-1]", "[0]", "[3,32,32]", "[3,0,0]",
            "[9223372036854775807,9223372036854775807]", "[4294967296,4294967296,4294967296]",
            "[0,9223372036854775807]", "[1.5]", "[\"a\"]", "{\"a\":1,\"a\":2}", "{\"height\":32}",
            "\"\"", "\"gelu\"", "\"gelu_new\"", "\"relu\"", "\"F32\"", "\"F16\"", "\"BF16\"", "\"I64\"", "\"BOOL\"",
            "\"vit_base_patch16_224\"", "\"vit_tiny_patch99999999999_224\"", "\"vit_huge_patch1_2147483648\"",
            "\"bicubic\"", "\"center\"", "\"0\"", "\"a\\nb\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\uDC00\\uD800\"",
            "\"\\x\"", "\"unterminated", "\"" + "a".repeat(LONG_RUN) + "\"",
            "[".repeat(10_000), "[".repeat(10_000) + "]".repeat(10_000), "{\"a\":".repeat(10_000),
            "[".repeat(Json.MAX_DEPTH - 1) + "]".repeat(Json.MAX_DEPTH - 1),
            "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1), "", " ", "//", "/*", ",", ":", "}", "]");

    /**
     * The part of {@link #NASTY_JSON} that a value of any one key can go wrong by: each JSON type, integers
     * at the limits of int and long and beyond, non-finite and non-JSON numbers, a long string, a string
     * with a line break, a timm name with a number beyond an int, deep nesting.
     */
    static final List<String> WRONG_VALUES = List.of("0", "-1", "2147483647", "2147483648", "4294967296",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "0.5", "-0.0", "1e309", "NaN",
            "-Infinity", "null", "true", "\"\"", "\"a\\nb\"", "\"vit_tiny_patch99999999999_224\"",
            "\"" + "a".repeat(LONG_RUN) + "\"", "{}", "[]", "[-1]", "[1.5]", "[\"a\"]",
            "[4294967296,4294967296,4294967296]", "[".repeat(10_000));

    /** The keys the readers look for: config.json (both layouts), its pretrained_cfg, safetensors headers. */
    static final List<String> READ_KEYS = List.of("hidden_size", "num_hidden_layers", "num_attention_heads",
            "intermediate_size", "image_size", "patch_size", "num_channels", "num_labels", "id2label",
            "hidden_act", "layer_norm_eps", "architecture", "model_args", "pretrained_cfg", "num_classes",
            "label_names", "img_size", "embed_dim", "depth", "num_heads", "mlp_ratio", "input_size", "mean", "std",
            "crop_pct", "crop_mode", "interpolation", "__metadata__", "dtype", "shape", "data_offsets",
            "num_register_tokens", "use_swiglu_ffn", "model_type", "architectures", "vision_config", "projection_dim",
            "vision_use_head");

    /** Keys that ADD puts in objects: {@link #READ_KEYS} and some that no reader knows. */
    static final List<String> KEYS = Stream.concat(READ_KEYS.stream(),
            Stream.of("unknown", "0", "", "\u00e9\u4e2d", "a\nb")).toList();

    /** Byte strings a parser reacts to: quotes, brackets, digits, escapes, invalid UTF-8, NUL. */
    private static final List<byte[]> TOKENS = List.of(
            bytes("\""), bytes("{"), bytes("}"), bytes("["), bytes("]"), bytes(","), bytes(":"), bytes("\\"),
            bytes("-"), bytes("9"), bytes("e"), bytes("."), bytes("\n"), bytes(" "), bytes("'"), bytes("("),
            bytes(")"), bytes("True"), bytes("NaN"), bytes("\\u"), bytes("99999999999999999999"),
            new byte[] {0}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0x80}, new byte[] {(byte) 0xC0},
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80});

    private Mutations() {}

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A position: three times in four within the first {@code hot} bytes, else anywhere (modulo the length). */
    static Arbitrary<Integer> positions(int hot) {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0, hot - 1)),
                Tuple.of(1, Arbitraries.integers().between(0, Integer.MAX_VALUE)));
    }

    /** Bytes to write or insert: random ones, a token, or a long run of one character. */
    static Arbitrary<byte[]> patches() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16);
        Arbitrary<byte[]> run = Combinators.combine(Arbitraries.of('[', '{', '9', 'a', ' ', '"'),
                Arbitraries.of(1_000, 10_000, LONG_RUN)).as((c, n) -> bytes(String.valueOf(c).repeat(n)));
        return Arbitraries.frequencyOf(Tuple.of(4, random), Tuple.of(4, Arbitraries.of(TOKENS)), Tuple.of(1, run));
    }

    /** Bit flips, overwrites, truncations and insertions, at {@link #positions}. */
    static Arbitrary<Mutation> bytes(int hot) {
        Arbitrary<Integer> at = positions(hot);
        return Arbitraries.oneOf(
                Combinators.combine(at, Arbitraries.integers().between(0, 7)).as(Mutation.FlipBit::new),
                Combinators.combine(at, patches()).as(Mutation.Overwrite::new),
                at.map(Mutation.Truncate::new),
                Combinators.combine(at, patches()).as(Mutation.Insert::new));
    }

    /**
     * Every extreme value of the little-endian length field of {@code width} bytes at {@code at}: values
     * near 2^64, 2^63, 2^32 and 2^31, {@code absolutes} (the reader's limits), the file's size and the
     * field's own value, each give or take a little.
     */
    static List<Mutation> lengthFields(int at, int width, List<Long> absolutes) {
        List<Mutation> out = new ArrayList<>();
        List<Long> values = new ArrayList<>(List.of(0L, 1L, 7L, 8L, -1L, -2L, Long.MAX_VALUE, Long.MIN_VALUE,
                Long.MIN_VALUE + 1, 1L << 62, 1L << 32, (1L << 32) - 1, (1L << 32) + 1, 1L << 31, (1L << 31) - 1,
                0xFFFFL, 0x10000L));
        values.addAll(absolutes);
        for (long v : values) {
            out.add(new Mutation.PutField(at, width, Base.ZERO, v));
        }
        for (long delta = -16; delta <= 16; delta++) {
            out.add(new Mutation.PutField(at, width, Base.FILE_SIZE, delta));
            if (delta != 0) {
                out.add(new Mutation.PutField(at, width, Base.FIELD, delta));
            }
        }
        return out;
    }

    /** Every path (object keys, array indices) to a value of {@code document}, the root's empty path first. */
    static List<List<Object>> paths(Object document) {
        List<List<Object>> out = new ArrayList<>();
        collect(document, new ArrayList<>(), out);
        return out;
    }

    private static void collect(Object value, List<Object> path, List<List<Object>> out) {
        out.add(List.copyOf(path));
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                path.add(e.getKey());
                collect(e.getValue(), path, out);
                path.removeLast();
            }
        } else if (value instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                path.add(i);
                collect(l.get(i), path, out);
                path.removeLast();
            }
        }
    }

    /** Replacements (mostly), deletions and additions at any of {@code paths}, with {@link #NASTY_JSON} values. */
    static Arbitrary<Mutation.JsonEdit> jsonEdits(List<List<Object>> paths) {
        return Combinators.combine(
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(Op.REPLACE)), Tuple.of(1, Arbitraries.just(Op.DELETE)),
                        Tuple.of(2, Arbitraries.just(Op.ADD))),
                Arbitraries.of(paths), Arbitraries.of(KEYS), Arbitraries.of(NASTY_JSON)).as(Mutation.JsonEdit::new);
    }

    /** One mutation three times in four, else a chain of two or three. */
    static Arbitrary<Mutation> chained(Arbitrary<Mutation> one) {
        return Arbitraries.frequencyOf(Tuple.of(3, one),
                Tuple.of(1, one.list().ofMinSize(2).ofMaxSize(3).map(Mutation.Chain::new)));
    }

    /**
     * Mutations of a safetensors file: byte damage (mostly in the header), edits of the header's JSON
     * (the file rewritten with a length field to match) and extreme values of the length field.
     */
    static Arbitrary<Mutation> safeTensors(byte[] file) {
        int headerEnd = Long.BYTES + (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        List<List<Object>> paths;
        try {
            paths = paths(Json.parse(new String(file, Long.BYTES, headerEnd - Long.BYTES, StandardCharsets.UTF_8), "header"));
        } catch (FormatException e) {
            throw new IllegalArgumentException("not a valid safetensors file", e);
        }
        return chained(Arbitraries.frequencyOf(
                Tuple.of(4, bytes(headerEnd)),
                Tuple.of(4, jsonEdits(paths).map(Mutation.SafeTensorsHeader::new)),
                Tuple.of(1, Arbitraries.of(safeTensorsLengthFields()))));
    }

    /** {@link #lengthFields} of a safetensors file's u64 header length. */
    static List<Mutation> safeTensorsLengthFields() {
        return lengthFields(0, Long.BYTES, List.of(SafeTensors.MAX_HEADER_BYTES, SafeTensors.MAX_HEADER_BYTES + 1));
    }

    /** Mutations of a JSON file: byte damage anywhere and (twice as often) edits at any path of it. */
    static Arbitrary<Mutation> json(byte[] file) {
        List<List<Object>> paths;
        try {
            paths = paths(Json.parse(new String(file, StandardCharsets.UTF_8), "json"));
        } catch (FormatException e) {
            throw new IllegalArgumentException("not valid JSON", e);
        }
        return chained(Arbitraries.frequencyOf(
                Tuple.of(1, bytes(file.length)),
                Tuple.of(2, jsonEdits(paths).map(Mutation.class::cast))));
    }
}
