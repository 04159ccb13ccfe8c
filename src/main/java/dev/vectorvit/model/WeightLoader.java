package dev.vectorvit.model;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.SafeTensors;
import dev.vectorvit.kernels.AntialiasedGrid;
import dev.vectorvit.kernels.PackedMatrix;
import dev.vectorvit.kernels.PositionGrid;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Reads a checkpoint's tensors into {@link ViTWeights} by the names its {@link CheckpointFormat} gives,
 * checking every shape against the config before any is used (a mismatch names the tensor and both
 * shapes). Linear weights are packed and the rest copied into {@code arena}, so the file can be closed
 * afterwards.
 */
public final class WeightLoader {
    private final SafeTensors st;
    private final ModelSource src;
    private final CheckpointFormat format;
    private final ViTConfig c;
    /** The config at the size the model runs at (c is the checkpoint's, whose grid its positions have). */
    private final ViTConfig run;
    private final Arena arena;
    private final int threads;
    /** While true, each tensor is only checked (name and shape), nothing is read or made. */
    private boolean checkOnly;

    private WeightLoader(SafeTensors st, ModelSource src, CheckpointFormat format, ViTConfig run, Arena arena,
                         int threads) {
        this.st = st;
        this.src = src;
        this.format = format;
        this.c = src.config();
        this.run = run;
        this.arena = arena;
        this.threads = threads;
    }

    /** The model's weights for running at {@code run}'s size, its blocks packed by up to {@code threads} threads at once. */
    static ViTWeights load(SafeTensors st, ModelSource src, ViTConfig run, Arena arena, int threads) throws IOException {
        CheckpointFormat f = src.format().forTensors(st.names());
        if (!st.contains(f.marker())) {
            throw new FormatException(src.weightsFile() + ": no tensor '" + f.marker() + "': the weights are not in the "
                    + f.name() + " format that " + src.configFile().getFileName() + " describes");
        }
        WeightLoader loader = new WeightLoader(st, src, f, run, arena, threads);
        ViTWeights w = f.weights(loader, src.config(), loader.layers());
        // Blocks beyond the config's depth would be ignored silently, and the logits wrong.
        ViTConfig c = src.config();
        String extra = f.layerPrefix(c.layers());
        if (st.names().stream().anyMatch(n -> n.startsWith(extra))) {
            throw new FormatException(src.weightsFile() + ": has tensors '" + extra + "*' but "
                    + src.configFile().getFileName() + " describes " + c.layers() + " layers");
        }
        return w;
    }

    /**
     * The blocks, packed on several threads: first touch of the packed memory is most of a load, and it
     * scales with threads (two threads halved it on a 2-core VM). Every block's tensors are checked first,
     * in order, so a bad file gets the same error as one read serially, and the config's depth sizes
     * nothing before the file confirms it (a depth of 2^31 - 1 fails at the first missing block).
     */
    private ViTWeights.Layer[] layers() throws IOException {
        checkOnly = true;
        for (int i = 0; i < c.layers(); i++) {
            format.layer(this, c, i);
        }
        checkOnly = false;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, c.layers())));
        try {
            List<Future<ViTWeights.Layer>> blocks = new ArrayList<>();
            for (int i = 0; i < c.layers(); i++) {
                int index = i;
                blocks.add(pool.submit(() -> format.layer(this, c, index)));
            }
            ViTWeights.Layer[] out = new ViTWeights.Layer[c.layers()];
            for (int i = 0; i < out.length; i++) {
                out[i] = result(blocks.get(i));
            }
            return out;
        } finally {
            // Blocks still being packed when one failed write into the arena the caller closes next: wait.
            pool.shutdownNow();
            boolean interrupted = false;
            while (true) {
                try {
                    if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The block a task made, its failure rethrown as it was thrown. */
    private static ViTWeights.Layer result(Future<ViTWeights.Layer> block) throws IOException {
        try {
            return block.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while loading the weights");
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** A tensor of shape {@code expected} copied into the model's memory. */
    MemorySegment copy(String name, long... expected) throws IOException {
        return copy(arena, name, expected);
    }

    /** A tensor copied into {@code into}: scratch memory, for weights that a kernel repacks into {@link #arena}. */
    MemorySegment copy(Arena into, String name, long... expected) throws IOException {
        check(name, expected);
        if (checkOnly) {
            return null;
        }
        return st.read(name, data -> {
            MemorySegment out = Memory.floats(into, data.byteSize() / Float.BYTES);
            out.copyFrom(data);
            return out;
        });
    }

    /** A weight [out, in...] (trailing dimensions flattened into in), packed for the GEMM. */
    PackedMatrix linear(String name, long... expected) throws IOException {
        check(name, expected);
        if (checkOnly) {
            return null;
        }
        int out = (int) expected[0];
        return st.read(name, data -> {
            int in = (int) (data.byteSize() / Float.BYTES / out);
            return PackedMatrix.pack(data, 0, in, out, in, arena);
        });
    }

    /**
     * A weight [out, in] whose rows are scaled by the vector {@code scale} [out], packed: a linear layer
     * followed by a per-channel scale (DINOv2's layer scale) folded into it.
     */
    PackedMatrix scaledLinear(String name, String scale, int out, int in) throws IOException {
        PackedMatrix w = linear(name, out, in);
        check(scale, out);
        if (checkOnly) {
            return null;
        }
        return st.read(scale, s -> {
            w.scaleRows(s, 0);
            return w;
        });
    }

    /** A vector [n] times the vector {@code scale} [n], element by element (a bias under a layer scale). */
    MemorySegment scaledCopy(String name, String scale, int n) throws IOException {
        MemorySegment v = copy(name, n), s = copy(scale, n);
        if (checkOnly) {
            return null;
        }
        for (long i = 0; i < n; i++) {
            v.setAtIndex(ValueLayout.JAVA_FLOAT, i, v.getAtIndex(ValueLayout.JAVA_FLOAT, i) * s.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        }
        return v;
    }

    /**
     * The position embeddings {@code name} [1, k + grid, D] (grid: the checkpoint's patches) as the run grid
     * needs them, [k + registers + run grid, D]: the k prefix positions as they are, a zero row for each of
     * {@code registers} tokens (which have no position, so adding it changes nothing), then the patch grid
     * resampled bicubically to (run height / patch) x (run width / patch) where it differs (Hugging Face's
     * {@code interpolate_pos_encoding} with {@code size=(new_height, new_width)}), {@code antialias}ed as
     * DINOv2 with registers does.
     */
    MemorySegment positions(String name, int registers, boolean antialias) throws IOException {
        return positions(name, false, c.prefixTokens() - registers, registers, antialias);
    }

    /** CLIP's and SigLIP's positions, an embedding table [prefix tokens + grid, D], resampled as {@link #positions}. */
    MemorySegment positionTable(String name) throws IOException {
        return positions(name, true, c.prefixTokens(), 0, false);
    }

    /** {@link #positions} of a tensor [1, k + grid, D], or [k + grid, D] for a {@code table}. */
    private MemorySegment positions(String name, boolean table, int k, int registers, boolean antialias)
            throws IOException {
        int d = c.hidden(), gh = c.gridHeight(), gw = c.gridWidth(), rh = run.gridHeight(), rw = run.gridWidth();
        long n = k + (long) gh * gw;
        check(name, table ? new long[] {n, d} : new long[] {1, n, d});
        if (checkOnly) {
            return null;
        }
        MemorySegment out = Memory.floats(arena, (long) run.tokens() * d);
        long patchesAt = (long) (k + registers) * d;
        return st.read(name, data -> {
            MemorySegment.copy(data, 0, out, 0, (long) k * d * Float.BYTES);
            if (gh == rh && gw == rw) {
                MemorySegment.copy(data, (long) k * d * Float.BYTES, out, patchesAt * Float.BYTES,
                        (long) gh * gw * d * Float.BYTES);
            } else if (antialias) {
                AntialiasedGrid.interpolate(data, (long) k * d, gh, gw, d, out, patchesAt, rh, rw);
            } else {
                PositionGrid.interpolate(data, (long) k * d, gh, gw, d, out, patchesAt, rh, rw);
            }
            return out;
        });
    }

    /** Weights [rows, cols] stacked into one [names x rows, cols] (Hugging Face's separate q, k and v), packed. */
    PackedMatrix stackedLinear(int rows, int cols, String... names) throws IOException {
        if (checkOnly) {
            return check(new long[] {rows, cols}, names);
        }
        if (PackedMatrix.stacksInPlace(rows)) { // each tensor packed into its panels as it is read: no stacked copy
            PackedMatrix.Stack packed = PackedMatrix.stack(names.length * rows, cols, arena);
            for (String name : names) {
                check(name, rows, cols);
                st.read(name, data -> {
                    packed.add(data, 0, cols, rows);
                    return null;
                });
            }
            return packed.done();
        }
        try (Arena scratch = Memory.scratch()) {
            MemorySegment all = stack(scratch, new long[] {rows, cols}, names);
            return PackedMatrix.pack(all, 0, cols, names.length * rows, cols, arena);
        }
    }

    /** Tensors of one shape stacked one after the other in the model's memory. */
    MemorySegment stacked(long[] shape, String... names) throws IOException {
        if (checkOnly) {
            return check(shape, names);
        }
        return stack(arena, shape, names);
    }

    /** The model's memory, where what the weights become must lie. */
    Arena arena() {
        return arena;
    }

    /** A linear head {@code name}.weight [classes, the classifier's inputs] and {@code name}.bias [classes]. */
    ViTWeights.Linear head(String name, ViTConfig c) throws IOException {
        return new ViTWeights.Linear(linear(name + ".weight", c.classes(), c.classifier().headInputs(c.hidden())),
                copy(name + ".bias", c.classes()));
    }

    /** Tensors of different shapes one after the other in the model's memory (class and register tokens). */
    MemorySegment joined(String[] names, long[]... shapes) throws IOException {
        if (checkOnly) {
            for (int i = 0; i < names.length; i++) {
                check(names[i], shapes[i]);
            }
            return null;
        }
        return concat(arena, names, shapes);
    }

    private MemorySegment stack(Arena into, long[] shape, String... names) throws IOException {
        long[][] shapes = new long[names.length][];
        Arrays.fill(shapes, shape);
        return concat(into, names, shapes);
    }

    /** Tensor i of {@code names}, of shape {@code shapes[i]}, after tensor i - 1 in one new segment. */
    private MemorySegment concat(Arena into, String[] names, long[]... shapes) throws IOException {
        long total = 0;
        for (long[] shape : shapes) {
            total += Arrays.stream(shape).reduce(1, Math::multiplyExact);
        }
        MemorySegment all = Memory.floats(into, total);
        long at = 0;
        for (int i = 0; i < names.length; i++) {
            check(names[i], shapes[i]);
            long bytes = Arrays.stream(shapes[i]).reduce(1, Math::multiplyExact) * Float.BYTES, from = at;
            st.read(names[i], data -> all.asSlice(from, bytes).copyFrom(data));
            at += bytes;
        }
        return all;
    }

    /** Checks each tensor of {@code names} against {@code shape}; returns null (there is nothing to make). */
    private <T> T check(long[] shape, String... names) throws FormatException {
        for (String name : names) {
            check(name, shape);
        }
        return null;
    }

    /** Checks that the tensor exists with shape {@code expected}. */
    private void check(String name, long... expected) throws FormatException {
        if (!st.contains(name)) {
            throw new FormatException(src.weightsFile() + ": missing tensor '" + name + "' (" + format.name() + " format)");
        }
        long[] shape = st.shape(name);
        if (!Arrays.equals(shape, expected)) {
            throw new FormatException(src.weightsFile() + ": tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + " but " + src.configFile().getFileName() + " implies " + Arrays.toString(expected));
        }
    }
}
