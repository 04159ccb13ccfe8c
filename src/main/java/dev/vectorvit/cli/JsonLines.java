package dev.vectorvit.cli;

import dev.vectorvit.io.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * JSON Lines: one object per image, {@code {"path": ..., <members>}} or {@code {"path": ..., "error": ...}}.
 * Each line is written whole, so a flushed file ends at a line boundary.
 */
final class JsonLines implements Results {
    private final Writer out;
    private final boolean ownsOut;
    private final Function<float[], String> members;

    /** @param members the JSON members after "path" for an output row, e.g. {@code "embedding":[...]} */
    JsonLines(Writer out, boolean ownsOut, Function<float[], String> members) {
        this.out = out;
        this.ownsOut = ownsOut;
        this.members = members;
    }

    static JsonLines toFile(Path file, Function<float[], String> members) throws IOException {
        return new JsonLines(Files.newBufferedWriter(file, StandardCharsets.UTF_8), true, members);
    }

    @Override
    public void image(Path path, float[] row) throws IOException {
        out.write("{\"path\":" + Json.quote(path.toString()) + "," + members.apply(row) + "}\n");
    }

    @Override
    public void error(Path path, String reason) throws IOException {
        out.write("{\"path\":" + Json.quote(path.toString()) + ",\"error\":" + Json.quote(reason) + "}\n");
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (ownsOut) {
            out.close();
        } else {
            out.flush();
        }
    }

    /** The members of an embedding's record. */
    static String embedding(float[] row) {
        return "\"embedding\":" + array(row);
    }

    /** A JSON array of numbers; a non-finite value (JSON has none) as null. */
    static String array(float[] values) {
        StringBuilder sb = new StringBuilder(values.length * 12).append('[');
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ",").append(Float.isFinite(values[i]) ? Float.toString(values[i]) : "null");
        }
        return sb.append(']').toString();
    }
}
