package dev.vectorvit.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Argument checks shared by every kernel: they run before any memory is touched, so that a bad
 * dimension, a short segment or a closed arena is an exception that names the argument, never a crash
 * or a silent wrong answer. Sizes are counted in floats; offsets and leading dimensions too.
 */
public final class Checks {
    private Checks() {}

    /** Requires {@code value >= 1}. */
    public static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    /** Requires a live segment of float data; a closed arena is an IllegalStateException. */
    public static void alive(String name, MemorySegment segment) {
        if (segment == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException(name + ": its arena is already closed");
        }
    }

    /**
     * Requires that a row-major {@code rows x cols} matrix with leading dimension {@code ld}, starting at
     * float offset {@code offset}, lies inside {@code segment}.
     */
    public static void matrix(String name, MemorySegment segment, long offset, long rows, long cols, long ld) {
        alive(name, segment);
        // The names are joined only to throw: a concatenation made on every call allocated on every kernel call.
        if (rows < 1) {
            positive(name + " rows", rows);
        }
        if (cols < 1) {
            positive(name + " columns", cols);
        }
        if (ld < cols) {
            throw new IllegalArgumentException(name + ": leading dimension " + ld + " < columns " + cols);
        }
        if (offset < 0) {
            throw new IllegalArgumentException(name + ": negative offset " + offset);
        }
        long lastFloat = offset + (rows - 1) * ld + cols;
        long have = segment.byteSize() / Float.BYTES;
        if (lastFloat > have) {
            throw new IllegalArgumentException(name + ": " + rows + "x" + cols + " with leading dimension " + ld
                    + " at offset " + offset + " needs " + lastFloat + " floats, segment holds " + have);
        }
    }

    /** Requires {@code length} floats from {@code offset} inside {@code segment}. */
    public static void vector(String name, MemorySegment segment, long offset, long length) {
        matrix(name, segment, offset, 1, length, length);
    }

    /**
     * Rejects an output region that shares memory with an input region. Regions are given in floats as
     * (offset, extent); comparing real addresses also catches two different segments over one buffer.
     */
    public static void noOverlap(String outName, MemorySegment out, long outOffset, long outExtent,
                                 String inName, MemorySegment in, long inOffset, long inExtent) {
        boolean overlap;
        if (out.isNative() && in.isNative()) {
            // Address arithmetic: no slices, no Optional (this runs on every kernel call).
            long o = out.address() + outOffset * Float.BYTES;
            long i = in.address() + inOffset * Float.BYTES;
            overlap = o < i + inExtent * Float.BYTES && i < o + outExtent * Float.BYTES;
        } else {
            MemorySegment o = out.asSlice(outOffset * Float.BYTES, outExtent * Float.BYTES);
            overlap = o.asOverlappingSlice(in.asSlice(inOffset * Float.BYTES, inExtent * Float.BYTES)).isPresent();
        }
        if (overlap) {
            throw new IllegalArgumentException(outName + " must not overlap " + inName);
        }
    }

    /** True when the two float offsets name the same address (an in-place operation). */
    public static boolean sameStart(MemorySegment a, long aOffset, MemorySegment b, long bOffset) {
        if (a.address() + aOffset * Float.BYTES != b.address() + bOffset * Float.BYTES || a.isNative() != b.isNative()) {
            return false;
        }
        return a.isNative() || a.heapBase().equals(b.heapBase());
    }

    /** The number of floats a {@code rows x cols} matrix with leading dimension {@code ld} spans. */
    public static long extent(long rows, long cols, long ld) {
        return (rows - 1) * ld + cols;
    }
}
