package dev.vectorvit.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.stream.LongStream;

/**
 * A float32 {@code [N, ...]} {@code .npy} file written row by row (each row the floats of one {@code [...]}),
 * N unknown in advance. After each {@link #flush} the file is a complete array of the rows so far: the
 * header's first dimension is rewritten in place, which numpy's header leaves room for (it is the same
 * length for any N), so an interrupted run leaves a valid file.
 */
public final class NpyRows implements Closeable {
    private final FileChannel channel;
    private final int[] rowShape;
    private final int width;
    private final int headerBytes;
    private final ByteBuffer pending;
    private long rows;
    private long flushedRows;

    private NpyRows(FileChannel channel, int[] rowShape, int width, int headerBytes, int bufferedRows) {
        this.channel = channel;
        this.rowShape = rowShape;
        this.width = width;
        this.headerBytes = headerBytes;
        this.pending = ByteBuffer.allocate(bufferedRows * width * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Creates (or truncates) {@code file} as an empty {@code [0, rowShape...]} array: {@code create(f, 64)} for
     * rows of 64 floats, {@code create(f, 17, 64)} for rows of 17 x 64.
     */
    public static NpyRows create(Path file, int... rowShape) throws IOException {
        int[] shape = rowShape.clone();
        int width = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("row dimensions must be >= 1, got " + Arrays.toString(shape));
            }
            width = Math.multiplyExact(width, d);
        }
        byte[] header = Npy.header(shape(0, shape));
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            write(channel, ByteBuffer.wrap(header), 0);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        // About 1 MiB of rows between writes.
        return new NpyRows(channel, shape, width, header.length, Math.max(1, (1 << 20) / (width * Float.BYTES)));
    }

    /** {@code [rows, rowShape...]}. */
    private static long[] shape(long rows, int[] rowShape) {
        return LongStream.concat(LongStream.of(rows), Arrays.stream(rowShape).asLongStream()).toArray();
    }

    /** Appends one row of {@code width} floats. */
    public void write(float[] row) throws IOException {
        if (row.length != width) {
            throw new IllegalArgumentException(row.length + " floats for a row of " + width);
        }
        if (pending.remaining() < row.length * Float.BYTES) {
            writePending();
        }
        pending.asFloatBuffer().put(row);
        pending.position(pending.position() + row.length * Float.BYTES);
        rows++;
    }

    /** Rows written so far. */
    public long rows() {
        return rows;
    }

    /** Writes the buffered rows, then the header that counts them. */
    public void flush() throws IOException {
        writePending();
        if (flushedRows != rows) {
            byte[] header = Npy.header(shape(rows, rowShape));
            if (header.length != headerBytes) {
                throw new IllegalStateException("a .npy header of " + header.length + " bytes where "
                        + headerBytes + " were reserved");
            }
            write(channel, ByteBuffer.wrap(header), 0);
            flushedRows = rows;
        }
    }

    private void writePending() throws IOException {
        pending.flip();
        long at = headerBytes + (rows - pending.remaining() / (width * Float.BYTES)) * width * Float.BYTES;
        write(channel, pending, at);
        pending.clear();
    }

    private static void write(FileChannel channel, ByteBuffer bytes, long position) throws IOException {
        while (bytes.hasRemaining()) {
            position += channel.write(bytes, position);
        }
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            flush();
        }
    }
}
