package dev.vectorvit.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes {@code .safetensors} files for tests. {@link #write} lays the tensors out contiguously in the
 * map's iteration order and pads the header with spaces to a multiple of 8 bytes, as the reference
 * writer does; {@link #writeRaw} writes any header, valid or not.
 */
public final class SafeTensorsWriter {
    private SafeTensorsWriter() {}

    /**
     * A tensor to write: {@code dtype} is F32, F16 or BF16; {@code values} (row-major, as many as the
     * shape holds) are rounded to the dtype to nearest, ties to even.
     */
    public record Tensor(String dtype, long[] shape, float[] values) {
        public Tensor {
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            if (count != values.length) {
                throw new IllegalArgumentException(values.length + " values for a shape of " + count + " elements");
            }
            if (!dtype.equals("F32") && !dtype.equals("F16") && !dtype.equals("BF16")) {
                throw new IllegalArgumentException("the writer supports F32, F16 and BF16, not " + dtype);
            }
        }

        int elementBytes() {
            return dtype.equals("F32") ? 4 : 2;
        }
    }

    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /** Writes {@code tensors} with {@code metadata} (omitted when empty) as {@code __metadata__}. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        List<String> members = new ArrayList<>();
        if (!metadata.isEmpty()) {
            members.add(quote("__metadata__") + ":{" + metadata.entrySet().stream()
                    .map(e -> quote(e.getKey()) + ":" + quote(e.getValue()))
                    .collect(Collectors.joining(",")) + "}");
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            long begin = data.size();
            ByteBuffer bytes = ByteBuffer.allocate(t.values.length * t.elementBytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : t.values) {
                switch (t.dtype) {
                    case "F32" -> bytes.putFloat(v);
                    case "F16" -> bytes.putShort(Float.floatToFloat16(v));
                    default -> bytes.putShort(bfloat16(v));
                }
            }
            data.write(bytes.array());
            members.add(quote(e.getKey()) + ":{\"dtype\":\"" + t.dtype + "\",\"shape\":"
                    + Arrays.toString(t.shape).replace(" ", "") + ",\"data_offsets\":[" + begin + "," + data.size() + "]}");
        }
        StringBuilder header = new StringBuilder("{").append(String.join(",", members)).append('}');
        int length = header.toString().getBytes(StandardCharsets.UTF_8).length;
        header.repeat(' ', (8 - length % 8) % 8);
        writeRaw(file, header.toString(), data.toByteArray());
    }

    /** Writes the 8-byte length of {@code header}'s UTF-8 bytes, those bytes, then {@code data}. */
    public static void writeRaw(Path file, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(data);
        Files.write(file, out.array());
    }

    /** float32 to bfloat16, rounding to nearest even; NaN stays a (quiet) NaN. */
    static short bfloat16(float v) {
        if (Float.isNaN(v)) {
            return (short) 0x7FC0;
        }
        int bits = Float.floatToRawIntBits(v);
        return (short) ((bits + 0x7FFF + (bits >>> 16 & 1)) >>> 16);
    }

    /** A JSON string literal of {@code s} (shared with the model tests' config writer). */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
