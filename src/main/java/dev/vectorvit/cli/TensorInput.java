package dev.vectorvit.cli;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.Npy;
import dev.vectorvit.io.NpyArray;
import dev.vectorvit.model.Embeddings;
import dev.vectorvit.model.InferenceSession;
import dev.vectorvit.model.Output;
import dev.vectorvit.model.ViTConfig;
import dev.vectorvit.model.ViTModel;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

/** The {@code --input IN.npy} option: preprocessed images, instead of image files. */
final class TensorInput {
    static final List<OptionSpec> OPTIONS = List.of(OptionSpec.value("--input", "IN.npy", "Preprocessed images "
            + "instead of image files: float32 [N, C, H, W], normalized as the model expects."));

    final Path file;

    TensorInput(Arguments args) {
        file = args.path("--input");
    }

    /** The images of an .npy file, {@code count} of them one after the other. */
    record Tensors(MemorySegment data, int count) {}

    /** Whether --input is given; a usage error unless exactly one of it and {@code images} is. */
    boolean given(List<Path> images) {
        if ((file == null) == images.isEmpty()) {
            throw new UsageException("give --input IN.npy or image files, one of the two");
        }
        return file != null;
    }

    /** Reads the file into {@code arena}; a shape other than the model's [N, C, H, W] is a FormatException. */
    Tensors read(ViTConfig c, Arena arena) throws IOException {
        NpyArray array = Npy.read(file);
        long[] shape = array.shape();
        long[] want = {-1, c.channels(), c.imageHeight(), c.imageWidth()};
        if (shape.length != 4 || shape[0] < 1 || shape[1] != want[1] || shape[2] != want[2] || shape[3] != want[3]) {
            throw new FormatException(array.source() + ": shape " + Arrays.toString(shape) + " is not [N, " + want[1]
                    + ", " + want[2] + ", " + want[3] + "] as the model needs");
        }
        return new Tensors(array.float32(arena), Math.toIntExact(shape[0]));
    }

    /**
     * Runs the images through {@code m}, {@code batch} per forward pass, and writes {@code output} of each, in
     * order, to {@code out} as a float32 .npy of shape [N, {@link Common#rowShape}]; embeddings scaled to unit
     * L2 norm if {@code normalize}.
     */
    void run(ViTModel m, Output output, boolean normalize, int batch, Path out) throws IOException {
        ViTConfig c = m.config();
        int width = output.width(c);
        try (Arena arena = Arena.ofShared(); InferenceSession session = m.newSession(m.options().threads())) {
            Tensors in = read(c, arena);
            MemorySegment rows = Memory.floats(arena, (long) in.count() * width);
            for (int start = 0; start < in.count(); start += batch) {
                int count = Math.min(batch, in.count() - start);
                long at = (long) start * width;
                output.run(session, in.data(), (long) start * c.imageFloats(), count, rows, at);
                if (normalize) {
                    float[] chunk = Memory.toArray(rows, at, count * width);
                    Embeddings.normalize(chunk, width);
                    MemorySegment.copy(chunk, 0, rows, ValueLayout.JAVA_FLOAT, at * Float.BYTES, chunk.length);
                }
            }
            Npy.write(out, rows, 0, LongStream.concat(LongStream.of(in.count()),
                    Arrays.stream(Common.rowShape(output, c)).asLongStream()).toArray());
        }
    }
}
