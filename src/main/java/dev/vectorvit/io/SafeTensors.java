package dev.vectorvit.io;

import dev.vectorvit.tensor.LinuxPages;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@code .safetensors} file, memory-mapped read-only: an 8-byte little-endian header length N, N
 * bytes of JSON describing each tensor ({@code dtype}, {@code shape}, {@code data_offsets} relative to
 * the data area) and optional string {@code __metadata__}, then the data area.
 *
 * <p>{@link #open} validates the whole header against the file before any tensor byte is read, so a
 * bad file is a {@link FormatException} naming it, never a crash or garbage weights. The mapping and
 * every segment this class hands out live in an arena it owns: {@link #close} invalidates them all.
 * Accessors may be called from several threads; {@link #close} must not race with them.
 */
public final class SafeTensors implements AutoCloseable {
    /** Largest header accepted (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100_000_000;

    private static final ValueLayout.OfFloat LE_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final boolean LITTLE_ENDIAN_PLATFORM = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final String READABLE = "F32, F16, BF16";

    /** The standard dtypes, known so that any tensor's size can be checked; {@link #floats} reads three. */
    private enum DType {
        F64(8), F32(4), F16(2), BF16(2), F8_E4M3(1), F8_E5M2(1),
        I64(8), I32(4), I16(2), I8(1), U64(8), U32(4), U16(2), U8(1), BOOL(1);

        final int size;

        DType(int size) {
            this.size = size;
        }
    }

    /** One header entry; {@code begin} and {@code end} are byte offsets into the data area. */
    private record Entry(String name, DType dtype, long[] shape, long count, long begin, long end) {}

    private final Path file;
    private final String source;
    private final Arena arena;
    private final MemorySegment data;
    /** The data area as the mapping itself (data may be a plain native view of it), for {@link #read}'s unload. */
    private final MemorySegment mapped;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;
    /** F16/BF16 tensors converted once, and F32 ones that could not be used in place. */
    private final Map<String, MemorySegment> converted = new ConcurrentHashMap<>();
    /**
     * What {@link #read} converts into: a buffer per thread reading at the same time, each of the largest tensor's
     * floats, kept until {@link #close}. A buffer allocated, zeroed and freed per tensor made a BF16 ViT-B/16 load
     * 0.13 s slower (RESULTS.md).
     */
    private final Queue<MemorySegment> buffers = new ConcurrentLinkedQueue<>();
    private final long largestTensorBytes;
    private volatile boolean closed;

    private SafeTensors(Path file, Arena arena, MemorySegment data, MemorySegment mapped, Map<String, Entry> entries,
                        Map<String, String> metadata) {
        this.file = file;
        this.source = file.toString();
        this.arena = arena;
        this.data = data;
        this.mapped = mapped;
        this.entries = entries;
        this.metadata = metadata;
        this.largestTensorBytes = entries.values().stream().mapToLong(e -> e.count * Float.BYTES).max().orElse(0);
    }

    /** Maps {@code file} and validates its header; the mapping stays until {@link #close} (the file itself is closed). */
    public static SafeTensors open(Path file) throws IOException {
        String source = file.toString();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < Long.BYTES) {
                throw new FormatException(source + ": " + size
                        + " bytes is too short for a safetensors file (it starts with an 8-byte header length)");
            }
            Arena arena = Arena.ofShared();
            try {
                MemorySegment mapped = channel.map(MapMode.READ_ONLY, 0, size, arena);
                MemorySegment mapping = Memory.asPlainNative(mapped, arena);
                long n = mapping.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
                // n is unsigned: a negative long is beyond any limit too.
                if (n < 0 || n > MAX_HEADER_BYTES) {
                    throw new FormatException(source + ": header length " + Long.toUnsignedString(n)
                            + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
                }
                if (n > size - Long.BYTES) {
                    throw new FormatException(source + ": header length " + n + " exceeds the "
                            + (size - Long.BYTES) + " bytes that follow the length field");
                }
                String headerSource = source + " header";
                byte[] headerBytes = mapping.asSlice(Long.BYTES, n).toArray(ValueLayout.JAVA_BYTE);
                Map<String, Object> header = Json.object(
                        Json.parse(Json.utf8(headerBytes, headerSource), headerSource), "the header", source);
                MemorySegment data = mapping.asSlice(Long.BYTES + n);
                Map<String, String> metadata = Map.of();
                Map<String, Entry> entries = new LinkedHashMap<>();
                for (Map.Entry<String, Object> member : header.entrySet()) {
                    if (member.getKey().equals("__metadata__")) {
                        metadata = metadata(member.getValue(), source);
                    } else {
                        entries.put(member.getKey(), entry(member.getKey(), member.getValue(), data.byteSize(), source));
                    }
                }
                checkOverlaps(entries.values(), source);
                return new SafeTensors(file, arena, data, mapped.asSlice(Long.BYTES + n), Collections.unmodifiableMap(entries),
                        metadata);
            } catch (Throwable t) {
                arena.close();
                throw t;
            }
        }
    }

    private static Map<String, String> metadata(Object value, String source) throws FormatException {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : Json.object(value, "__metadata__", source).entrySet()) {
            metadata.put(e.getKey(), Json.string(e.getValue(), "__metadata__ '" + e.getKey() + "'", source));
        }
        return Collections.unmodifiableMap(metadata);
    }

    /** Validates one tensor's header entry against the data area's size. */
    private static Entry entry(String name, Object value, long dataSize, String source) throws FormatException {
        String what = "tensor '" + name + "'";
        Map<String, Object> fields = Json.object(value, what, source);
        String dtypeName = Json.string(Json.member(fields, "dtype", what, source), what + " dtype", source);
        DType dtype = Arrays.stream(DType.values()).filter(d -> d.name().equals(dtypeName)).findFirst().orElse(null);
        if (dtype == null) {
            throw new FormatException(source + ": " + what + " has unknown dtype '" + dtypeName
                    + "' (supported: " + READABLE + ")");
        }
        List<Object> dims = Json.array(Json.member(fields, "shape", what, source), what + " shape", source);
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = Json.integer(dims.get(i), what + " shape[" + i + "]", source);
        }
        long count = 1;
        long bytes;
        try {
            for (long d : shape) {
                if (d < 0) {
                    throw new FormatException(source + ": " + what + " has a negative dimension in shape "
                            + Arrays.toString(shape));
                }
                count = Math.multiplyExact(count, d);
            }
            bytes = Math.multiplyExact(count, dtype.size);
        } catch (ArithmeticException e) {
            throw new FormatException(source + ": " + what + " shape " + Arrays.toString(shape)
                    + " has more bytes than a long can count", e);
        }
        List<Object> offsets = Json.array(Json.member(fields, "data_offsets", what, source),
                what + " data_offsets", source);
        if (offsets.size() != 2) {
            throw new FormatException(source + ": " + what + " data_offsets must be [begin, end], found "
                    + offsets.size() + " values");
        }
        long begin = Json.integer(offsets.get(0), what + " data_offsets[0]", source);
        long end = Json.integer(offsets.get(1), what + " data_offsets[1]", source);
        String range = what + " data_offsets [" + begin + ", " + end + "]";
        if (begin < 0 || end < 0) {
            throw new FormatException(source + ": " + range + " are negative");
        }
        if (begin > end) {
            throw new FormatException(source + ": " + range + " begin after they end");
        }
        if (end > dataSize) {
            throw new FormatException(source + ": " + range + " end beyond the data area (" + dataSize + " bytes)");
        }
        if (end - begin != bytes) {
            throw new FormatException(source + ": " + range + " do not match " + dtype + " x "
                    + Arrays.toString(shape) + " (" + bytes + " bytes)");
        }
        return new Entry(name, dtype, shape, count, begin, end);
    }

    /** Two tensors sharing bytes would alias each other's weights. */
    private static void checkOverlaps(Iterable<Entry> entries, String source) throws FormatException {
        List<Entry> sorted = new ArrayList<>();
        for (Entry e : entries) {
            if (e.end > e.begin) { // an empty range overlaps nothing
                sorted.add(e);
            }
        }
        sorted.sort(Comparator.comparingLong(Entry::begin));
        for (int i = 1; i < sorted.size(); i++) {
            Entry a = sorted.get(i - 1);
            Entry b = sorted.get(i);
            if (b.begin < a.end) {
                throw new FormatException(source + ": tensors '" + a.name + "' [" + a.begin + ", " + a.end
                        + "] and '" + b.name + "' [" + b.begin + ", " + b.end + "] overlap");
            }
        }
    }

    /** The file as given to {@link #open}. */
    public Path file() {
        ensureOpen();
        return file;
    }

    /** The tensors' names, in header order. */
    public Set<String> names() {
        ensureOpen();
        return entries.keySet();
    }

    public boolean contains(String name) {
        ensureOpen();
        return entries.containsKey(name);
    }

    /** The tensor's dtype as the header spells it, e.g. {@code "F32"}. */
    public String dtype(String name) throws FormatException {
        return entry(name).dtype.name();
    }

    /** A copy of the tensor's shape. */
    public long[] shape(String name) throws FormatException {
        return entry(name).shape.clone();
    }

    /** The header's {@code __metadata__}; empty when there is none. */
    public Map<String, String> metadata() {
        ensureOpen();
        return metadata;
    }

    /**
     * The tensor as float32 in native byte order, read-only, valid until {@link #close}. An F32 tensor is
     * a zero-copy slice of the mapping where the platform is little-endian and the data 4-byte aligned;
     * otherwise, and for F16 and BF16 (converted exactly), it is a 64-byte aligned copy made on the first
     * call and returned again by later ones.
     */
    public MemorySegment floats(String name) throws FormatException {
        Entry e = entry(name);
        return switch (e.dtype) {
            case F32 -> {
                MemorySegment slice = data.asSlice(e.begin, e.end - e.begin);
                yield LITTLE_ENDIAN_PLATFORM && slice.address() % Float.BYTES == 0 ? slice : converted(e);
            }
            case F16, BF16 -> converted(e);
            default -> throw new FormatException(source + ": tensor '" + name + "' has dtype " + e.dtype
                    + "; floats() reads " + READABLE);
        };
    }

    /** Receives a tensor's floats from {@link #read}. */
    @FunctionalInterface
    public interface FloatsReader<T> {
        T read(MemorySegment floats) throws IOException;
    }

    /**
     * Hands the tensor to {@code reader} as float32 in native byte order, its pages of the mapping mapped
     * beforehand in one call ({@link LinuxPages#populate}) and released ({@link MemorySegment#unload}) as soon
     * as the reader returns (F16 and BF16, or unaligned F32, converted into a buffer that later reads use
     * again). A caller that copies or packs every tensor this way keeps one tensor of the file resident at a
     * time, where {@link #floats} keeps every page read until {@link #close}. The segment is valid only during
     * the call (a converted one is closed when the call returns). One mapping for the whole file, rather than
     * one per tensor, because unmapping a tensor's own mapping closes a shared arena, which waits for every
     * other thread to reach a safepoint: 10% of loading a ViT-B/16 on two threads.
     */
    public <T> T read(String name, FloatsReader<T> reader) throws IOException {
        Entry e = entry(name);
        if (e.dtype != DType.F32 && e.dtype != DType.F16 && e.dtype != DType.BF16) {
            throw new FormatException(source + ": tensor '" + name + "' has dtype " + e.dtype + "; read() reads " + READABLE);
        }
        long size = e.end - e.begin;
        MemorySegment bytes = data.asSlice(e.begin, size);
        LinuxPages.populate(bytes);
        try {
            if (e.dtype == DType.F32 && LITTLE_ENDIAN_PLATFORM && bytes.address() % Float.BYTES == 0) {
                return reader.read(bytes);
            }
            // The reader gets a view of a kept buffer that dies with the call, as memory of the call's own did;
            // a view needs native access, and without it the call allocates its own.
            MemorySegment buffer = Memory.canRetypeMappings() ? buffer() : null;
            try (Arena call = Memory.scratch()) {
                long floatBytes = e.count * Float.BYTES;
                MemorySegment into = buffer != null ? buffer.reinterpret(floatBytes, call, null)
                        : call.allocate(floatBytes, Memory.ALIGNMENT);
                return reader.read(convert(e, bytes, into));
            } finally {
                if (buffer != null) {
                    buffers.add(buffer);
                }
            }
        } finally {
            if (size > 0) {
                mapped.asSlice(e.begin, size).unload();
            }
        }
    }

    private MemorySegment converted(Entry e) {
        return converted.computeIfAbsent(e.name, k -> convert(e, data.asSlice(e.begin, e.end - e.begin),
                arena.allocate(e.count * Float.BYTES, Memory.ALIGNMENT)));
    }

    /** A free conversion buffer, or a new one. */
    private MemorySegment buffer() {
        MemorySegment b = buffers.poll();
        return b != null ? b : arena.allocate(largestTensorBytes, Memory.ALIGNMENT);
    }

    /** The entry's floats, from its bytes {@code src}, written into {@code dst} (e.count floats), read-only. */
    private static MemorySegment convert(Entry e, MemorySegment src, MemorySegment dst) {
        switch (e.dtype) {
            case F32 -> MemorySegment.copy(src, LE_FLOAT, 0, dst, ValueLayout.JAVA_FLOAT, 0, e.count);
            case F16 -> {
                for (long i = 0; i < e.count; i++) {
                    dst.setAtIndex(ValueLayout.JAVA_FLOAT, i, Float.float16ToFloat(src.getAtIndex(LE_SHORT, i)));
                }
            }
            case BF16 -> {
                // bfloat16 is the top half of a float32: widening is exact.
                for (long i = 0; i < e.count; i++) {
                    int bits = (src.getAtIndex(LE_SHORT, i) & 0xFFFF) << 16;
                    dst.setAtIndex(ValueLayout.JAVA_FLOAT, i, Float.intBitsToFloat(bits));
                }
            }
            default -> throw new AssertionError(e.dtype); // floats() converts only the dtypes above
        }
        return dst.asReadOnly();
    }

    private Entry entry(String name) throws FormatException {
        ensureOpen();
        Entry e = entries.get(name);
        if (e == null) {
            throw new FormatException(source + ": no tensor '" + name + "' (the file has " + entries.size()
                    + " tensors)");
        }
        return e;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(source + " is closed");
        }
    }

    /** Unmaps the file; every segment handed out becomes inaccessible. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
