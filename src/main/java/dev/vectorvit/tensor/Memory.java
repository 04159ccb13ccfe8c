package dev.vectorvit.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Allocation of float buffers on 64-byte boundaries (one cache line, one 512-bit vector). */
public final class Memory {
    /** Alignment of every buffer this library allocates. */
    public static final long ALIGNMENT = 64;

    private Memory() {}

    /** A zeroed buffer of {@code count} floats from {@code arena}. */
    public static MemorySegment floats(Arena arena, long count) {
        Checks.positive("float count", count);
        return arena.allocate(count * Float.BYTES, ALIGNMENT);
    }

    /** A buffer holding a copy of {@code values}. */
    public static MemorySegment copyOf(Arena arena, float[] values) {
        MemorySegment s = floats(arena, Math.max(1, values.length));
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_FLOAT, 0, values.length);
        return s;
    }

    /** The floats of a segment as a heap array (tests, I/O). */
    public static float[] toArray(MemorySegment segment, long offset, int count) {
        float[] out = new float[count];
        MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, offset * Float.BYTES, out, 0, count);
        return out;
    }
}
