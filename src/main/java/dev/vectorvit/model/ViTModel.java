package dev.vectorvit.model;

import dev.vectorvit.io.SafeTensors;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A loaded Vision Transformer: its config, labels and weights (memory-mapped from {@code model.safetensors}
 * or made at random), immutable and shared by every caller. Calls take an {@link InferenceSession} from
 * a pool (one per concurrent caller, each with its own thread team and workspace) and give it back, so
 * one model serves many threads at once with results bitwise equal to serial calls.
 * Close it (try-with-resources) to unmap the weights; using it afterwards is an IllegalStateException.
 */
public final class ViTModel implements AutoCloseable {

    /**
     * @param threads             threads per forward pass (default: available processors)
     * @param workspaceLimitBytes most activation memory one session may take (default 4 GiB)
     */
    public record Options(int threads, long workspaceLimitBytes) {
        public Options {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            if (workspaceLimitBytes < 1) {
                throw new IllegalArgumentException("workspace limit must be >= 1 byte, got " + workspaceLimitBytes);
            }
        }

        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), 4L << 30);
        }

        public Options withThreads(int n) {
            return new Options(n, workspaceLimitBytes);
        }

        public Options withWorkspaceLimitBytes(long bytes) {
            return new Options(threads, bytes);
        }
    }

    private final ViTConfig config;
    private final ViTWeights weights;
    private final Options options;
    private final AutoCloseable storage;
    private final ModelSource source;
    private final ConcurrentLinkedQueue<InferenceSession> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private ViTModel(ViTConfig config, ViTWeights weights, Options options, AutoCloseable storage, ModelSource source) {
        this.config = config;
        this.weights = weights;
        this.options = options;
        this.storage = storage;
        this.source = source;
    }

    /** Loads a model folder (config.json + model.safetensors, Hugging Face or timm layout). */
    public static ViTModel load(Path dir) throws IOException {
        return load(dir, Options.defaults());
    }

    public static ViTModel load(Path dir, Options options) throws IOException {
        ModelSource src = ModelSource.read(dir);
        SafeTensors st = SafeTensors.open(src.weightsFile());
        try {
            ViTWeights w = WeightLoader.load(st, src);
            return new ViTModel(src.config(), w, options, st, src);
        } catch (IOException | RuntimeException e) {
            st.close();
            throw e;
        }
    }

    /** A model of the given shape with deterministic random weights (benchmarks and demos, no files). */
    public static ViTModel random(ViTConfig config, long seed, Options options) {
        Arena arena = Arena.ofShared();
        return new ViTModel(config, ViTWeights.random(config, seed, arena), options, arena, null);
    }

    public ViTConfig config() {
        return config;
    }

    public Options options() {
        return options;
    }

    /** Where the model came from (config, weights, preprocessing), or null for random weights. */
    public ModelSource source() {
        return source;
    }

    ViTWeights weights() {
        return weights;
    }

    long workspaceLimit() {
        return options.workspaceLimitBytes();
    }

    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("model is closed");
        }
    }

    /** A new session with {@code threads} threads; the caller closes it. */
    public InferenceSession newSession(int threads) {
        requireOpen();
        return new InferenceSession(this, threads);
    }

    /** Runs a batch with a pooled session (see {@link InferenceSession#forward}). */
    public void forward(MemorySegment input, long inputOffset, int batch, MemorySegment logits, long logitsOffset) {
        requireOpen();
        InferenceSession s = idle.poll();
        if (s == null) {
            s = newSession(options.threads());
        }
        try {
            s.forward(input, inputOffset, batch, logits, logitsOffset);
        } finally {
            if (closed) {
                s.close();
            } else {
                idle.add(s);
            }
        }
    }

    /** Logits [batch x classes] of float32 NCHW images given as an array. */
    public float[] logits(float[] images, int batch) {
        if (images.length != (long) batch * config.imageFloats()) {
            throw new IllegalArgumentException(images.length + " floats for " + batch + " images of "
                    + config.channels() + "x" + config.imageSize() + "x" + config.imageSize());
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment in = Memory.copyOf(a, images);
            MemorySegment out = Memory.floats(a, (long) batch * config.classes());
            forward(in, 0, batch, out, 0);
            return Memory.toArray(out, 0, batch * config.classes());
        }
    }

    /** Unmaps the weights and stops idle sessions' threads. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (InferenceSession s; (s = idle.poll()) != null; ) {
            s.close();
        }
        try {
            storage.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing model storage failed", e);
        }
    }
}
