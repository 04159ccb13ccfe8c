package dev.vectorvit.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;

/** Allocation of float buffers on 64-byte boundaries (one cache line, one 512-bit vector). */
public final class Memory {
    /** Alignment of every buffer this library allocates. */
    public static final long ALIGNMENT = 64;
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private Memory() {}

    /**
     * A new arena for one thread's short-lived buffers (copies and conversions while loading). Shared
     * though one thread uses it, because every segment access inlines one JDK method that checks the
     * owner thread, and C2 compiles the kernels from that method's profile: confined scratch segments
     * during loading made the profile say "has an owner", C2 hoisted the owner check out of kernel loops
     * as a profiled predicate, the check failed on every call with the shared workspace, and in about one
     * run in three LayerNorm was recompiled 50-90 times and ran 20-100 times slower (RESULTS.md,
     * "Recompilation storms"; docs/experiments.md).
     */
    public static Arena scratch() {
        return Arena.ofShared();
    }

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

    /**
     * The memory of a file mapping as a plain native segment of the same arena (still zero-copy, still
     * closed with the arena), or {@code mapped} itself where this module may not call restricted methods
     * (start the JVM with {@code --enable-native-access=ALL-UNNAMED}, or {@code =dev.vectorvit} on the
     * module path; without it one warning line says so). Why: mapped segments are a subclass of the
     * native ones, and the two classes flowing through the same JDK accessors made C2 speculate wrongly in
     * the GEMM micro-kernel and recompile it without loop predication: a ViT-B/16 pass on mapped weights
     * took 530 ms instead of 220 ms.
     */
    public static MemorySegment asPlainNative(MemorySegment mapped, Arena arena) {
        if (!canRetypeMappings()) {
            if (WARNED.compareAndSet(false, true)) {
                System.err.println("warning: vectorvit reads memory-mapped weights about 2x slower without native "
                        + "access: start the JVM with --enable-native-access=ALL-UNNAMED (or =dev.vectorvit)");
            }
            return mapped;
        }
        MemorySegment plain = MemorySegment.ofAddress(mapped.address()).reinterpret(mapped.byteSize(), arena, null);
        return mapped.isReadOnly() ? plain.asReadOnly() : plain;
    }

    /** Whether {@link #asPlainNative} can re-type mappings (native access is enabled for this module). */
    public static boolean canRetypeMappings() {
        return Memory.class.getModule().isNativeAccessEnabled();
    }

    /** The floats of a segment as a heap array (tests, I/O). */
    public static float[] toArray(MemorySegment segment, long offset, int count) {
        float[] out = new float[count];
        MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, offset * Float.BYTES, out, 0, count);
        return out;
    }
}
