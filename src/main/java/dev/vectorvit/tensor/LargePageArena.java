package dev.vectorvit.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A shared arena for large, long-lived buffers (a model's weights, a session's workspace) whose memory Linux
 * is asked to back with 2 MiB pages (transparent huge pages, {@code madvise(MADV_HUGEPAGE)}) before anything
 * touches it. Why: the first touch of a page costs a fault, and on a virtual machine a slow one; on this
 * project's VMs first-touching 346 MB took 1.3-1.8 s in 4 KiB pages and 0.04-1.0 s in 2 MiB pages, most of
 * the time a model took to load (RESULTS.md, "Loading"). Segments are carved from anonymous
 * mappings (zero, like every arena's memory) of at least {@link #CHUNK} bytes, unmapped when the arena
 * closes; a chunk's unused tail is never touched, so it costs address space, not memory. Where the hint
 * cannot be given (not Linux on x86-64 or AArch64, or no native access for this module), or is turned off
 * with {@code -Dvectorvit.largePages=false}, this is an ordinary shared arena, as {@link #largePages()} says.
 */
public final class LargePageArena implements Arena {
    static final long PAGE = 2L << 20, CHUNK = 64L << 20;
    private static final LinuxPages NATIVE =
            Boolean.parseBoolean(System.getProperty("vectorvit.largePages", "true")) ? LinuxPages.libc() : null;

    private final Arena owner = Arena.ofShared();
    private final boolean large;
    private long nextChunk;
    private MemorySegment chunk = MemorySegment.NULL;
    private long used;

    LargePageArena(boolean large, long sizeHint) {
        this.large = large;
        this.nextChunk = Math.max(CHUNK, sizeHint);
    }

    /** A new arena, with large pages where this platform and the JVM's flags allow them. */
    public static LargePageArena ofShared() {
        return ofShared(0);
    }

    /**
     * A new arena whose first mapping holds {@code sizeHint} bytes: a caller that knows about how much it
     * will allocate gets one mapping, so one partly used 2 MiB page at its end rather than one per chunk.
     */
    public static LargePageArena ofShared(long sizeHint) {
        return new LargePageArena(available(), sizeHint);
    }

    /** Whether arenas made here ask for large pages (Linux x86-64 or AArch64, native access, not turned off). */
    public static boolean available() {
        return NATIVE != null;
    }

    /** Whether this arena's memory comes from mappings advised to use 2 MiB pages. */
    public boolean largePages() {
        return large;
    }

    @Override
    public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
        if (!large || byteAlignment > PAGE) {
            return owner.allocate(byteSize, byteAlignment);
        }
        if (!owner.scope().isAlive()) {
            throw new IllegalStateException("the arena is closed");
        }
        if (byteSize < 0) {
            throw new IllegalArgumentException("byte size must be >= 0, got " + byteSize);
        }
        if (byteAlignment <= 0 || Long.bitCount(byteAlignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two, got " + byteAlignment);
        }
        long at = (used + byteAlignment - 1) & -byteAlignment;
        if (chunk.address() == 0 || at + byteSize > chunk.byteSize()) {
            chunk = map((Math.max(nextChunk, byteSize) + PAGE - 1) & -PAGE);
            nextChunk = CHUNK;
            at = 0;
        }
        used = at + byteSize;
        return chunk.asSlice(at, byteSize);
    }

    /** An anonymous mapping of {@code bytes} (a multiple of {@link #PAGE}) starting on a 2 MiB boundary, advised. */
    private MemorySegment map(long bytes) {
        long mapped = bytes + PAGE; // room to start on a page boundary
        long raw = NATIVE.mapAnonymous(mapped);
        long start = (raw + PAGE - 1) & -PAGE;
        NATIVE.hugePages(start, bytes);
        return MemorySegment.ofAddress(start).reinterpret(bytes, owner, s -> NATIVE.unmap(raw, mapped));
    }

    @Override
    public MemorySegment.Scope scope() {
        return owner.scope();
    }

    /** Unmaps every chunk; the segments of this arena are invalid after. */
    @Override
    public void close() {
        owner.close();
    }
}
