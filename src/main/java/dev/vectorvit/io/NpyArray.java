package dev.vectorvit.io;

import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * An array read by {@link Npy#read}: its dtype descriptor (e.g. {@code '<f4'}), its C-order shape and
 * its raw bytes, in the file's byte order. The reader has checked that the bytes are exactly
 * {@code elementCount() * itemsize}.
 */
public final class NpyArray {
    private final String source;
    private final String descr;
    private final long[] shape;
    private final long elementCount;
    private final MemorySegment data;

    NpyArray(String source, String descr, long[] shape, long elementCount, MemorySegment data) {
        this.source = source;
        this.descr = descr;
        this.shape = shape.clone();
        this.elementCount = elementCount;
        this.data = data.asReadOnly();
    }

    /** The file the array was read from. */
    public String source() {
        return source;
    }

    /** NumPy's dtype descriptor, e.g. {@code "<f4"}. */
    public String descr() {
        return descr;
    }

    /** A copy of the shape ({@code []} for a scalar). */
    public long[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        return elementCount;
    }

    /** The raw bytes, read-only, in the byte order {@link #descr} gives. */
    public MemorySegment data() {
        return data;
    }

    /** The data as native-order float32 in a 64-byte aligned segment of {@code arena}. */
    public MemorySegment float32(Arena arena) throws FormatException {
        if (!descr.equals("<f4") && !descr.equals(">f4")) {
            throw new FormatException(source + ": expected float32 ('<f4'), found '" + descr + "'");
        }
        ValueLayout.OfFloat layout = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order());
        MemorySegment out = arena.allocate(elementCount * Float.BYTES, Memory.ALIGNMENT);
        MemorySegment.copy(data, layout, 0, out, ValueLayout.JAVA_FLOAT, 0, elementCount);
        return out;
    }

    /** The data widened to doubles (exactly), for float32 or float64 arrays. */
    public double[] toDoubles() throws FormatException {
        // The data fits a byte[], so the element count fits an int.
        double[] out = new double[(int) elementCount];
        switch (descr) {
            case "<f4", ">f4" -> {
                ValueLayout.OfFloat layout = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order());
                for (int i = 0; i < out.length; i++) {
                    out[i] = data.getAtIndex(layout, i);
                }
            }
            case "<f8", ">f8" -> MemorySegment.copy(data,
                    ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order()), 0, out, 0, out.length);
            default -> throw new FormatException(source + ": expected float32 or float64 ('<f4', '<f8'), found '"
                    + descr + "'");
        }
        return out;
    }

    private ByteOrder order() {
        return descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }
}
