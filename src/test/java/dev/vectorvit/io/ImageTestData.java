package dev.vectorvit.io;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files under src/test/resources/images (made by make_references.py there) and a minimal reader for
 * its .npy files: float32 little-endian, C order, format version 1.0, which is all that script writes.
 * Deliberately local, so these tests do not depend on the library's own .npy reader.
 */
final class ImageTestData {
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([0-9,\\s]*)\\)");

    private ImageTestData() {}

    /** An n-dimensional float32 array. */
    record Floats(int[] shape, float[] data) {}

    static Path resource(String name) {
        try {
            return Path.of(ImageTestData.class.getResource("/images/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource images/" + name, e);
        }
    }

    static Floats npy(String name) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(resource(name))).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        b.get(magic);
        if (!Arrays.equals(magic, "\u0093NUMPY".getBytes(StandardCharsets.ISO_8859_1)) || b.get() != 1 || b.get() != 0) {
            throw new IOException(name + ": not a version 1.0 .npy file");
        }
        byte[] headerBytes = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(headerBytes);
        String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
        Matcher shape = SHAPE.matcher(header);
        if (!header.contains("'descr': '<f4'") || !header.contains("'fortran_order': False") || !shape.find()) {
            throw new IOException(name + ": expected a C-order '<f4' array, header " + header.strip());
        }
        int[] dims = Arrays.stream(shape.group(1).split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        float[] data = new float[b.remaining() / Float.BYTES];
        b.asFloatBuffer().get(data);
        if (data.length != Arrays.stream(dims).reduce(1, Math::multiplyExact)) {
            throw new IOException(name + ": " + data.length + " floats for shape " + Arrays.toString(dims));
        }
        return new Floats(dims, data);
    }
}
