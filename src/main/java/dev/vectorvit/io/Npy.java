package dev.vectorvit.io;

import dev.vectorvit.tensor.Checks;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * NumPy {@code .npy} files, versions 1.0, 2.0 and 3.0: the magic {@code \x93NUMPY}, two version bytes,
 * the header length (u16 little-endian in 1.0, u32 after), a header holding a Python dict literal such
 * as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}, then the C-order data.
 *
 * <p>The reader checks the header against the file's size before it allocates anything, so a hostile
 * shape cannot make it allocate more than the file holds. The writer produces the bytes
 * {@code numpy.save} would for a float32 array.
 */
public final class Npy {
    /** Largest header accepted; numpy's own headers are a few hundred bytes. */
    public static final int MAX_HEADER_BYTES = 1 << 20;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy aligns the data to this many bytes. */
    private static final int ALIGN = 64;
    /** numpy leaves room for the first dimension to grow to this many digits. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final int WRITE_CHUNK_BYTES = 1 << 20;

    private Npy() {}

    /** Reads a whole {@code .npy} file; the array's bytes live on the heap (at most 2 GiB). */
    public static NpyArray read(Path file) throws IOException {
        String source = file.toString();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < MAGIC.length + 4) {
                throw new FormatException(source + ": " + size + " bytes is too short for a .npy file");
            }
            ByteBuffer preamble = readFully(channel, 0, (int) Math.min(size, MAGIC.length + 6), source)
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < MAGIC.length; i++) {
                if (preamble.get(i) != MAGIC[i]) {
                    throw new FormatException(source + ": not a .npy file (it does not start with \\x93NUMPY)");
                }
            }
            int major = preamble.get(6) & 0xFF;
            int minor = preamble.get(7) & 0xFF;
            if (major < 1 || major > 3 || minor != 0) {
                throw new FormatException(source + ": unsupported .npy version " + major + "." + minor
                        + " (supported: 1.0, 2.0, 3.0)");
            }
            int prefix = major == 1 ? 10 : 12;
            if (size < prefix) {
                throw new FormatException(source + ": " + size + " bytes is too short for a .npy " + major
                        + ".0 file");
            }
            long headerLength = major == 1
                    ? preamble.getShort(8) & 0xFFFFL
                    : preamble.getInt(8) & 0xFFFFFFFFL;
            if (headerLength > MAX_HEADER_BYTES) {
                throw new FormatException(source + ": header length " + headerLength + " exceeds the limit of "
                        + MAX_HEADER_BYTES + " bytes");
            }
            if (headerLength > size - prefix) {
                throw new FormatException(source + ": header length " + headerLength + " exceeds the "
                        + (size - prefix) + " bytes that follow the preamble");
            }
            byte[] headerBytes = readFully(channel, prefix, (int) headerLength, source).array();
            // Versions 1.0 and 2.0 store the header in Latin-1, 3.0 in UTF-8.
            String text = major == 3
                    ? Json.utf8(headerBytes, source)
                    : new String(headerBytes, StandardCharsets.ISO_8859_1);
            Header header = Header.parse(text, source);

            long dataStart = prefix + headerLength;
            long available = size - dataStart;
            long count = 1;
            long bytes;
            try {
                for (long d : header.shape) {
                    count = Math.multiplyExact(count, d);
                }
                bytes = Math.multiplyExact(count, header.itemSize);
            } catch (ArithmeticException e) {
                throw new FormatException(source + ": shape " + tuple(header.shape)
                        + " has more bytes than a long can count", e);
            }
            String what = "shape " + tuple(header.shape) + " of '" + header.descr + "'";
            if (bytes > available) {
                throw new FormatException(source + ": truncated: " + what + " needs " + bytes
                        + " bytes of data, only " + available + " follow the header");
            }
            if (bytes < available) {
                throw new FormatException(source + ": " + (available - bytes) + " stray bytes after the " + bytes
                        + " bytes of data of " + what);
            }
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new FormatException(source + ": " + what + " needs " + bytes
                        + " bytes, more than the 2 GiB this reader holds in memory");
            }
            ByteBuffer data = readFully(channel, dataStart, (int) bytes, source);
            return new NpyArray(source, header.descr, header.shape, count, MemorySegment.ofBuffer(data));
        }
    }

    /** {@code length} bytes from {@code position}; the file ending sooner (it shrank) is a FormatException. */
    private static ByteBuffer readFully(FileChannel channel, long position, int length, String source)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new FormatException(source + ": truncated: ended after " + (position + buffer.position())
                        + " bytes");
            }
        }
        return buffer.flip();
    }

    /**
     * Writes {@code shape}'s element count of native-order floats from {@code floats}, starting at float
     * {@code offsetFloats}, as a little-endian float32 {@code .npy} 1.0 file. The file is written under a
     * temporary name in the same directory and then moved over {@code file} atomically, so a failure
     * never leaves a partial file behind.
     */
    public static void write(Path file, MemorySegment floats, long offsetFloats, long[] shape) throws IOException {
        long count = 1;
        for (long d : shape) {
            if (d < 0 || d > 0 && count > Long.MAX_VALUE / d) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape)
                        + " has a negative dimension or too many elements");
            }
            count *= d;
        }
        Checks.alive("floats", floats);
        long have = floats.byteSize() / Float.BYTES;
        if (offsetFloats < 0 || offsetFloats > have || count > have - offsetFloats) {
            throw new IllegalArgumentException("floats: shape " + Arrays.toString(shape) + " at offset "
                    + offsetFloats + " needs " + count + " floats past the offset, segment holds " + have);
        }
        byte[] header = header(shape);
        Path target = file.toAbsolutePath();
        // Errors name the file asked for, not the temporary one (here and in the catch below).
        if (target.getParent() != null && !Files.isDirectory(target.getParent())) {
            throw new NoSuchFileException(file.toString(), null, "folder " + target.getParent() + " does not exist");
        }
        Path temp = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeFully(channel, ByteBuffer.wrap(header));
                // Bounded chunks: a large array is never copied whole onto the heap.
                byte[] chunk = new byte[(int) Math.min(count * Float.BYTES, WRITE_CHUNK_BYTES)];
                MemorySegment chunkSegment = MemorySegment.ofArray(chunk);
                ValueLayout.OfFloat little = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                for (long done = 0; done < count; ) {
                    int n = (int) Math.min(count - done, chunk.length / Float.BYTES);
                    MemorySegment.copy(floats, ValueLayout.JAVA_FLOAT_UNALIGNED, (offsetFloats + done) * Float.BYTES,
                            chunkSegment, little, 0, n);
                    writeFully(channel, ByteBuffer.wrap(chunk, 0, n * Float.BYTES));
                    done += n;
                }
                channel.force(false); // the data is on disk before the name points at it
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                t.addSuppressed(suppressed);
            }
            if (t instanceof FileSystemException e && temp.toString().equals(e.getFile())) {
                FileSystemException named = new FileSystemException(file.toString(), null,
                        e.getReason() != null ? e.getReason() : e.getClass().getSimpleName());
                named.initCause(e);
                throw named;
            }
            throw t;
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** numpy's 1.0 header for a C-order float32 array, padded so that the data starts 64-byte aligned. */
    static byte[] header(long[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': ")
                .append(tuple(shape)).append(", }");
        if (shape.length > 0) {
            dict.repeat(' ', GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length());
        }
        int unpadded = MAGIC.length + 4 + dict.length() + 1; // + the final '\n'
        dict.repeat(' ', ALIGN - unpadded % ALIGN).append('\n'); // 1 to 64 spaces, as numpy pads
        if (dict.length() > 0xFFFF) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has too many dimensions for a .npy 1.0 header");
        }
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + dict.length()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) dict.length());
        out.put(dict.toString().getBytes(StandardCharsets.US_ASCII));
        return out.array();
    }

    /** A shape as Python writes a tuple: {@code ()}, {@code (5,)}, {@code (2, 3)}. */
    private static String tuple(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /**
     * The header's dict literal. Only what numpy writes is accepted: string keys; string, boolean and
     * integer-tuple values; single or double quotes, any spacing, trailing commas.
     */
    private record Header(String descr, long[] shape, int itemSize) {
        static Header parse(String text, String source) throws FormatException {
            Map<String, Object> dict = new Literal(text, source).dictionary();
            for (String key : dict.keySet()) {
                if (!key.equals("descr") && !key.equals("fortran_order") && !key.equals("shape")) {
                    throw new FormatException(source + ": unexpected header key '" + key + "'");
                }
            }
            if (!(dict.get("descr") instanceof String descr)) {
                throw new FormatException(source + ": header needs 'descr', a string such as '<f4'");
            }
            if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
                throw new FormatException(source + ": header needs 'fortran_order', True or False");
            }
            if (fortran) {
                throw new FormatException(source + ": fortran_order True is not supported (save the array in C order)");
            }
            if (!(dict.get("shape") instanceof long[] shape)) {
                throw new FormatException(source + ": header needs 'shape', a tuple of integers");
            }
            for (long d : shape) {
                if (d < 0) {
                    throw new FormatException(source + ": shape " + tuple(shape) + " has a negative dimension");
                }
            }
            // Numeric dtypes only: b(ool), i(nt), u(nsigned), f(loat), c(omplex), with a byte order mark.
            if (!descr.matches("[<>|][biufc](1|2|4|8|16|32)")) {
                throw new FormatException(source + ": unsupported dtype '" + descr
                        + "' (this reader handles numeric dtypes such as '<f4' and '<f8')");
            }
            return new Header(descr, shape, Integer.parseInt(descr.substring(2)));
        }
    }

    /** A cursor over a Python literal: dict, str, True/False, tuple of ints. */
    private static final class Literal {
        private final String text;
        private final String source;
        private int pos;

        Literal(String text, String source) {
            this.text = text;
            this.source = source;
        }

        /** The whole text as one dict (surrounding whitespace allowed). */
        Map<String, Object> dictionary() throws FormatException {
            skipSpace();
            expect('{');
            Map<String, Object> dict = new HashMap<>();
            while (!consume('}')) {
                int keyAt = pos;
                String key = string();
                if (dict.containsKey(key)) {
                    throw error(keyAt, "duplicate key '" + key + "'");
                }
                expect(':');
                dict.put(key, value());
                separator('}');
            }
            skipSpace();
            if (pos < text.length()) {
                throw error(pos, "unexpected text after the dict");
            }
            return dict;
        }

        private Object value() throws FormatException {
            skipSpace();
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            for (String word : List.of("True", "False")) {
                if (text.startsWith(word, pos)) {
                    pos += word.length();
                    return word.equals("True");
                }
            }
            throw error(pos, "expected a string, True, False or a tuple");
        }

        /** A tuple of integers, as a long[]; {@code (5)} is not a tuple in Python, {@code (5,)} is. */
        private long[] tuple() throws FormatException {
            int open = pos;
            expect('(');
            List<Long> items = new ArrayList<>();
            boolean trailingComma = false;
            while (!consume(')')) {
                items.add(integer());
                trailingComma = separator(')');
            }
            if (items.size() == 1 && !trailingComma) {
                throw error(open, "a one-element tuple needs a trailing comma");
            }
            return items.stream().mapToLong(Long::longValue).toArray();
        }

        private long integer() throws FormatException {
            skipSpace();
            int start = pos;
            boolean negative = consume('-');
            if (!isDigit(peek())) {
                throw error(pos, "expected an integer");
            }
            long value = 0;
            while (isDigit(peek())) {
                int digit = text.charAt(pos++) - '0';
                if (value > (Long.MAX_VALUE - digit) / 10) {
                    throw error(start, "integer too large");
                }
                value = value * 10 + digit;
            }
            return negative ? -value : value;
        }

        private String string() throws FormatException {
            skipSpace();
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw error(pos, "expected a quoted string");
            }
            int open = pos++;
            int end = text.indexOf(quote, pos);
            if (end < 0) {
                throw error(open, "unterminated string");
            }
            String s = text.substring(pos, end);
            if (s.indexOf('\\') >= 0 || s.indexOf('\n') >= 0) {
                throw error(open, "escapes and line breaks in strings are not supported");
            }
            pos = end + 1;
            return s;
        }

        /** After an item: a comma (true) or the closing bracket, left for the caller to consume (false). */
        private boolean separator(char close) throws FormatException {
            if (consume(',')) {
                return true;
            }
            skipSpace();
            if (peek() != close) {
                throw error(pos, "expected ',' or '" + close + "'");
            }
            return false;
        }

        private boolean consume(char c) {
            skipSpace();
            if (pos < text.length() && text.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) throws FormatException {
            if (!consume(c)) {
                throw error(pos, "expected '" + c + "'");
            }
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        /** The character at {@code pos}, or 0 at the end. */
        private char peek() {
            return pos < text.length() ? text.charAt(pos) : 0;
        }

        private void skipSpace() {
            while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t'
                    || text.charAt(pos) == '\n' || text.charAt(pos) == '\r')) {
                pos++;
            }
        }

        private FormatException error(int at, String problem) {
            String shown = text.strip();
            return new FormatException(source + ": bad header: " + problem + " at offset " + at + " of "
                    + (shown.length() <= 200 ? shown : shown.substring(0, 200) + "..."));
        }
    }
}
