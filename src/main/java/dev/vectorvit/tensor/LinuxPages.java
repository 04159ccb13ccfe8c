package dev.vectorvit.tensor;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * What this library asks of Linux's page handling, through libc's {@code mmap}, {@code madvise} and
 * {@code munmap} bound once: anonymous mappings advised into 2 MiB pages ({@link LargePageArena}), and the
 * pages of a file mapping mapped in one call ({@link #populate}). Available on Linux x86-64 and AArch64
 * where native access is enabled for this module; elsewhere {@link #available} is false and
 * {@link #populate} does nothing.
 */
public final class LinuxPages {
    // Linux's values, the same on x86-64 and AArch64.
    private static final int PROT_READ_WRITE = 0x3, MAP_PRIVATE_ANONYMOUS = 0x22;
    private static final int MADV_HUGEPAGE = 14, MADV_POPULATE_READ = 22;
    private static final LinuxPages LIBC = find();

    private final MethodHandle mmap, madvise, munmap;
    private final long pageSize;

    private LinuxPages(MethodHandle mmap, MethodHandle madvise, MethodHandle munmap, long pageSize) {
        this.mmap = mmap;
        this.madvise = madvise;
        this.munmap = munmap;
        this.pageSize = pageSize;
    }

    /** Whether the calls are bound: Linux on x86-64 or AArch64, with native access for this module. */
    public static boolean available() {
        return LIBC != null;
    }

    /**
     * Maps the pages that hold {@code slice}, a slice of a read-only file mapping that starts on a page
     * boundary (as {@code FileChannel.map} from position 0 does), in one {@code madvise(MADV_POPULATE_READ)}
     * (Linux 5.14 and later), so that reading it takes no page faults. Why: reading a mapped file faults
     * once per 16 pages or so, and on this project's VMs a fault cost about 10 µs; ViT-B/16's weights took
     * 6,000 of them. Returns whether the kernel did it; an older kernel refuses the advice, and the reads
     * then fault as they would have.
     */
    public static boolean populate(MemorySegment slice) {
        if (LIBC == null || slice.byteSize() == 0) {
            return false;
        }
        long start = slice.address() & -LIBC.pageSize;
        return LIBC.advise(start, slice.address() + slice.byteSize() - start, MADV_POPULATE_READ) == 0;
    }

    /** The calls, or null where this platform or the JVM's flags rule them out. */
    static LinuxPages libc() {
        return LIBC;
    }

    private static LinuxPages find() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("aarch64"))
                || !LinuxPages.class.getModule().isNativeAccessEnabled()) {
            return null;
        }
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        ValueLayout.OfLong sizeT = ValueLayout.JAVA_LONG;
        MethodHandle pageSize = linker.downcallHandle(libc.findOrThrow("getpagesize"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
        try {
            return new LinuxPages(
                    linker.downcallHandle(libc.findOrThrow("mmap"), FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_LONG, sizeT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)),
                    linker.downcallHandle(libc.findOrThrow("madvise"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_LONG, sizeT, ValueLayout.JAVA_INT)),
                    linker.downcallHandle(libc.findOrThrow("munmap"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_LONG, sizeT)),
                    (int) pageSize.invokeExact());
        } catch (Throwable t) {
            throw new IllegalStateException("cannot bind libc's page calls", t);
        }
    }

    /** A private anonymous read-write mapping of {@code bytes}: zero, backed on first touch. */
    long mapAnonymous(long bytes) {
        long address;
        try {
            address = (long) mmap.invokeExact(0L, bytes, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap failed", t);
        }
        if (address == -1L) { // MAP_FAILED
            throw new OutOfMemoryError("cannot map " + bytes + " bytes of native memory");
        }
        return address;
    }

    /** The hint only: a kernel without transparent huge pages refuses it, and 4 KiB pages serve as before. */
    void hugePages(long address, long bytes) {
        int ignored = advise(address, bytes, MADV_HUGEPAGE);
    }

    void unmap(long address, long bytes) {
        try {
            int ignored = (int) munmap.invokeExact(address, bytes);
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed", t);
        }
    }

    private int advise(long address, long bytes, int advice) {
        try {
            return (int) madvise.invokeExact(address, bytes, advice);
        } catch (Throwable t) {
            throw new IllegalStateException("madvise failed", t);
        }
    }
}
