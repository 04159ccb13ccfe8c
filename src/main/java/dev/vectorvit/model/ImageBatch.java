package dev.vectorvit.model;

import dev.vectorvit.io.ImagePreprocessing;
import dev.vectorvit.io.Images;
import dev.vectorvit.tensor.Memory;
import java.awt.image.BufferedImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Up to {@code capacity} preprocessed images and their outputs, off-heap and reused batch after batch:
 * the unit of work of a folder run or a Spark partition. Fill it with {@link #add} (on any one thread),
 * {@link #run} it, read the {@link #row}s, {@link #clear} it. Not thread-safe: hand it from the thread
 * that fills it to the one that runs it through a happens-before edge (a queue).
 */
public final class ImageBatch implements AutoCloseable {
    private final ViTConfig config;
    private final ImagePreprocessing preprocessing;
    private final Output output;
    private final int capacity;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment input;
    private final MemorySegment outputs;
    private int size;

    public ImageBatch(ViTModel model, ImagePreprocessing preprocessing, Output output, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity must be >= 1, got " + capacity);
        }
        this.config = model.config();
        this.preprocessing = preprocessing;
        this.output = output;
        this.capacity = capacity;
        this.input = Memory.floats(arena, (long) capacity * config.imageFloats());
        this.outputs = Memory.floats(arena, (long) capacity * output.width(config));
    }

    public int size() {
        return size;
    }

    public boolean isFull() {
        return size == capacity;
    }

    /**
     * Preprocesses {@code image} into the next slot and returns its index.
     *
     * @throws IllegalStateException    if the batch is full
     * @throws IllegalArgumentException if the preprocessing refuses the image (see {@link Images#toTensor})
     */
    public int add(BufferedImage image) {
        if (isFull()) {
            throw new IllegalStateException("batch is full (" + capacity + " images)");
        }
        Images.toTensor(image, preprocessing, input, (long) size * config.imageFloats());
        return size++;
    }

    /** One forward pass over the images added so far; does nothing for an empty batch. */
    public void run(InferenceSession session) {
        if (size > 0) {
            output.run(session, input, 0, size, outputs, 0);
        }
    }

    /** The output of image {@code i} (logits or embedding) after {@link #run}. */
    public float[] row(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("image " + i + " of a batch of " + size);
        }
        int width = output.width(config);
        return Memory.toArray(outputs, (long) i * width, width);
    }

    /** Empties the batch for the next images. */
    public void clear() {
        size = 0;
    }

    @Override
    public void close() {
        arena.close();
    }
}
