package dev.vectorvit.io;

import dev.vectorvit.model.Fixtures;
import dev.vectorvit.model.Fixtures.RawJson;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One way to damage a valid file, as a value that jqwik generates, shrinks and prints in its report.
 * {@link #apply} returns a damaged copy of the file's bytes and never fails: positions wrap around the
 * file's length, and a step that no longer fits (a header that an earlier step of a {@link Chain} broke)
 * leaves the bytes as they are.
 */
sealed interface Mutation {
    byte[] apply(byte[] file);

    /** At most this many characters of a long value in a case's name. */
    int SHOWN = 60;

    static String show(String s) {
        return s.length() <= SHOWN ? s : s.substring(0, SHOWN) + "...(" + s.length() + " chars)";
    }

    static String show(byte[] b) {
        return b.length <= SHOWN / 2 ? HexFormat.of().formatHex(b)
                : HexFormat.of().formatHex(b, 0, SHOWN / 2) + "...(" + b.length + " bytes)";
    }

    /** Flips bit {@code bit} (0..7) of the byte at {@code at}. */
    record FlipBit(int at, int bit) implements Mutation {
        @Override
        public byte[] apply(byte[] file) {
            byte[] out = file.clone();
            if (out.length > 0) {
                out[Math.floorMod(at, out.length)] ^= (byte) (1 << bit);
            }
            return out;
        }
    }

    /** Writes {@code bytes} over the file from {@code at}, as far as the file goes. */
    record Overwrite(int at, byte[] bytes) implements Mutation {
        @Override
        public byte[] apply(byte[] file) {
            byte[] out = file.clone();
            if (out.length > 0) {
                int from = Math.floorMod(at, out.length);
                System.arraycopy(bytes, 0, out, from, Math.min(bytes.length, out.length - from));
            }
            return out;
        }

        @Override
        public String toString() {
            return "Overwrite[at=" + at + ", bytes=" + show(bytes) + "]";
        }
    }

    /** Cuts the file short at {@code at}. */
    record Truncate(int at) implements Mutation {
        @Override
        public byte[] apply(byte[] file) {
            return file.length == 0 ? file : Arrays.copyOf(file, Math.floorMod(at, file.length));
        }
    }

    /** Inserts {@code bytes} before the byte at {@code at} (or at the end). */
    record Insert(int at, byte[] bytes) implements Mutation {
        @Override
        public byte[] apply(byte[] file) {
            int where = Math.floorMod(at, file.length + 1);
            byte[] out = new byte[file.length + bytes.length];
            System.arraycopy(file, 0, out, 0, where);
            System.arraycopy(bytes, 0, out, where, bytes.length);
            System.arraycopy(file, where, out, where + bytes.length, file.length - where);
            return out;
        }

        @Override
        public String toString() {
            return "Insert[at=" + at + ", bytes=" + show(bytes) + "]";
        }
    }

    /** What a {@link PutField} value is relative to. */
    enum Base {
        /** The value is {@code delta} itself. */
        ZERO,
        /** The file's length plus {@code delta}. */
        FILE_SIZE,
        /** The field's own value plus {@code delta}. */
        FIELD
    }

    /**
     * Replaces the little-endian unsigned field of {@code width} bytes at {@code at} (a header length) with
     * {@code base + delta}, truncated to the field's width.
     */
    record PutField(int at, int width, Base base, long delta) implements Mutation {
        @Override
        public byte[] apply(byte[] file) {
            if (at + width > file.length) {
                return file;
            }
            ByteBuffer b = ByteBuffer.wrap(file.clone()).order(ByteOrder.LITTLE_ENDIAN);
            long value = delta + switch (base) {
                case ZERO -> 0;
                case FILE_SIZE -> file.length;
                case FIELD -> read(b, at, width);
            };
            for (int i = 0; i < width; i++) {
                b.put(at + i, (byte) (value >>> 8 * i));
            }
            return b.array();
        }

        static long read(ByteBuffer b, int at, int width) {
            long v = 0;
            for (int i = width - 1; i >= 0; i--) {
                v = v << 8 | (b.get(at + i) & 0xFF);
            }
            return v;
        }
    }

    /** What a {@link JsonEdit} does at its path. */
    enum Op {
        /** The value at the path becomes the raw text. */
        REPLACE,
        /** The member or element at the path disappears. */
        DELETE,
        /** An object at the path gets the member {@code key: raw}, an array the element {@code raw}. */
        ADD
    }

    /**
     * An edit of a JSON document, which is parsed, changed at {@code path} (object keys and array indices
     * from the root) and written back; {@code raw} is JSON text written as it is, valid or not. A document
     * that no longer parses, or has no value at the path, is left as it is.
     */
    record JsonEdit(Op op, List<Object> path, String key, String raw) implements Mutation {
        @Override
        public byte[] apply(byte[] file) {
            return edit(new String(file, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        }

        String edit(String text) {
            Object root;
            try {
                root = Json.parse(text, "edit");
            } catch (FormatException e) {
                return text;
            }
            if (path.isEmpty()) {
                return switch (op) {
                    case REPLACE -> raw;
                    case DELETE -> "";
                    case ADD -> add(root) ? Fixtures.toJson(root) : raw;
                };
            }
            Object parent = root;
            for (Object step : path.subList(0, path.size() - 1)) {
                parent = child(parent, step);
                if (parent == null) {
                    return text;
                }
            }
            Object last = path.getLast();
            Object target = child(parent, last);
            if (target == null) {
                return text;
            }
            switch (op) {
                case REPLACE -> set(parent, last, new RawJson(raw));
                case DELETE -> remove(parent, last);
                case ADD -> {
                    if (!add(target)) {
                        set(parent, last, new RawJson(raw));
                    }
                }
            }
            return Fixtures.toJson(root);
        }

        @SuppressWarnings("unchecked") // Json builds objects as Map<String, Object>, arrays as List<Object>
        private boolean add(Object container) {
            if (container instanceof Map<?, ?> m) {
                ((Map<String, Object>) m).put(key, new RawJson(raw));
                return true;
            }
            if (container instanceof List<?> l) {
                ((List<Object>) l).add(new RawJson(raw));
                return true;
            }
            return false;
        }

        private static Object child(Object container, Object step) {
            if (container instanceof Map<?, ?> m && step instanceof String k) {
                return m.get(k);
            }
            if (container instanceof List<?> l && step instanceof Integer i && i < l.size()) {
                return l.get(i);
            }
            return null;
        }

        @SuppressWarnings("unchecked")
        private static void set(Object container, Object step, Object value) {
            if (container instanceof Map<?, ?> m) {
                ((Map<String, Object>) m).put((String) step, value);
            } else {
                ((List<Object>) container).set((Integer) step, value);
            }
        }

        private static void remove(Object container, Object step) {
            if (container instanceof Map<?, ?> m) {
                m.remove(step);
            } else {
                ((List<?>) container).remove((int) (Integer) step);
            }
        }

        @Override
        public String toString() {
            return "JsonEdit[" + op + " at " + path + (op == Op.ADD ? " key " + show(key) : "")
                    + (op == Op.DELETE ? "" : ": " + show(raw)) + "]";
        }
    }

    /**
     * A {@link JsonEdit} of a safetensors header: the file is rewritten with the edited header, its length
     * field set to match, and the original data area.
     */
    record SafeTensorsHeader(JsonEdit edit) implements Mutation {
        @Override
        public byte[] apply(byte[] file) {
            if (file.length < Long.BYTES) {
                return file;
            }
            long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (n < 0 || n > file.length - Long.BYTES) {
                return file;
            }
            byte[] header = edit.edit(new String(file, Long.BYTES, (int) n, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
            int data = Long.BYTES + (int) n;
            return ByteBuffer.allocate(Long.BYTES + header.length + file.length - data).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(header.length).put(header).put(file, data, file.length - data).array();
        }
    }

    /**
     * A {@code .npy} file's header dict replaced by {@code dict} (Python literal text, valid or not), padded
     * as numpy pads it, with a length field to match, before the original data.
     */
    record NpyHeader(String dict) implements Mutation {
        @Override
        public byte[] apply(byte[] file) {
            if (file.length < 10) {
                return file;
            }
            int n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xFFFF;
            int data = Math.min(file.length, 10 + n);
            StringBuilder text = new StringBuilder(dict);
            text.repeat(' ', 63 - (10 + text.length()) % 64).append('\n');
            byte[] header = text.toString().getBytes(StandardCharsets.ISO_8859_1);
            if (header.length > 0xFFFF) {
                return file;
            }
            return ByteBuffer.allocate(10 + header.length + file.length - data).order(ByteOrder.LITTLE_ENDIAN)
                    .put(file, 0, 8).putShort((short) header.length).put(header).put(file, data, file.length - data)
                    .array();
        }

        @Override
        public String toString() {
            return "NpyHeader[" + show(dict) + "]";
        }
    }

    /**
     * A {@code .npy} 1.0 file rewritten as version {@code major.minor}, with the header length field that
     * version has (u16 for 1.x, u32 after) and the same header text and data.
     */
    record NpyVersion(int major, int minor) implements Mutation {
        @Override
        public byte[] apply(byte[] file) {
            if (file.length < 10) {
                return file;
            }
            int n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xFFFF;
            int prefix = major == 1 ? 10 : 12;
            ByteBuffer out = ByteBuffer.allocate(file.length - 10 + prefix).order(ByteOrder.LITTLE_ENDIAN)
                    .put(file, 0, 6).put((byte) major).put((byte) minor);
            if (major == 1) {
                out.putShort((short) n);
            } else {
                out.putInt(n);
            }
            return out.put(file, 10, file.length - 10).array();
        }
    }

    /** Several mutations, one after the other. */
    record Chain(List<Mutation> steps) implements Mutation {
        @Override
        public byte[] apply(byte[] file) {
            byte[] out = file;
            for (Mutation m : steps) {
                out = m.apply(out);
            }
            return out;
        }
    }
}
