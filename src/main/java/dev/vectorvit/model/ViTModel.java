package dev.vectorvit.model;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.ImagePreprocessing;
import dev.vectorvit.io.ImagePreprocessing.ResizeMode;
import dev.vectorvit.io.Images;
import dev.vectorvit.io.SafeTensors;
import dev.vectorvit.kernels.ThreadTeam;
import dev.vectorvit.kernels.Warmup;
import dev.vectorvit.tensor.Checks;
import dev.vectorvit.tensor.LargePageArena;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * A loaded Vision Transformer: its config, labels and weights (read from {@code model.safetensors}, linear
 * layers packed for the GEMM, or made at random), immutable and shared by every caller. Calls take an {@link InferenceSession} from
 * a pool (one per concurrent caller, each with its own thread team and workspace) and give it back, so
 * one model serves many threads at once with results bitwise equal to serial calls.
 * Close it (try-with-resources) to free the weights; using it afterwards is an IllegalStateException.
 */
public final class ViTModel implements AutoCloseable {

    /**
     * @param threads             threads per forward pass (default: available processors)
     * @param workspaceLimitBytes most activation memory one session may take (default 4 GiB)
     * @param imageHeight         input height a loaded model runs at, or 0 (with {@code imageWidth} 0) for the
     *                            format's default ({@link CheckpointFormat#runConfig})
     * @param imageWidth          input width a loaded model runs at, or 0 for the format's default
     */
    public record Options(int threads, long workspaceLimitBytes, int imageHeight, int imageWidth) {
        public Options(int threads, long workspaceLimitBytes) {
            this(threads, workspaceLimitBytes, 0, 0);
        }

        public Options {
            if (threads < 1 || threads > ThreadTeam.MAX_SIZE) {
                throw new IllegalArgumentException("threads must be in [1, " + ThreadTeam.MAX_SIZE + "], got " + threads);
            }
            if (workspaceLimitBytes < 1) {
                throw new IllegalArgumentException("workspace limit must be >= 1 byte, got " + workspaceLimitBytes);
            }
            if ((imageHeight | imageWidth) != 0 && (imageHeight < 1 || imageWidth < 1)) {
                throw new IllegalArgumentException("image size must be >= 1 (or 0x0 for the model's own), got "
                        + imageHeight + "x" + imageWidth);
            }
        }

        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), 4L << 30);
        }

        public Options withThreads(int n) {
            return new Options(n, workspaceLimitBytes, imageHeight, imageWidth);
        }

        public Options withWorkspaceLimitBytes(long bytes) {
            return new Options(threads, bytes, imageHeight, imageWidth);
        }

        /** {@link #withImageSize(int, int)} of a square. */
        public Options withImageSize(int size) {
            return withImageSize(size, size);
        }

        /**
         * Runs a loaded model on {@code height x width} images (multiples of the patch size): its position
         * embeddings are resampled at load to (height / patch) x (width / patch) as Hugging Face's
         * {@code interpolate_pos_encoding} does, and images are resized to exactly that size where the size
         * is not square (no crop).
         */
        public Options withImageSize(int height, int width) {
            return new Options(threads, workspaceLimitBytes, height, width);
        }

        /** {@code c} at the size these options ask for, or as it is if they ask for none. */
        ViTConfig apply(ViTConfig c) {
            return imageHeight == 0 ? c : c.withImageSize(imageHeight, imageWidth);
        }
    }

    private final ViTConfig config;
    private final ViTWeights weights;
    private final Stages stages;
    private final Options options;
    private final AutoCloseable storage;
    private final ModelSource source;
    private final ConcurrentLinkedQueue<InferenceSession> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private ViTModel(ViTConfig config, ViTWeights weights, Options options, AutoCloseable storage, ModelSource source) {
        this.config = config;
        this.weights = weights;
        this.stages = new Stages(config, weights);
        this.options = options;
        this.storage = storage;
        this.source = source;
    }

    /** Loads a model folder (config.json + model.safetensors in one of the {@link CheckpointFormat}s). */
    public static ViTModel load(Path dir) throws IOException {
        return load(dir, Options.defaults());
    }

    public static ViTModel load(Path dir, Options options) throws IOException {
        Warmup.startOnce();
        ModelSource src = ModelSource.read(dir);
        // A size the caller asked for is an argument error if the model cannot run at it; the format's own, a file's.
        ViTConfig own = src.format().runConfig(src), run;
        try {
            run = options.apply(own);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(dir + ": cannot run at image size " + options.imageHeight() + "x"
                    + options.imageWidth() + ": " + e.getMessage(), e);
        }
        // The weights are packed or copied into the model's own memory, so the file is closed (unmapped) after;
        // they take about the file's size (a CLIP or SigLIP file's text tower is reserved, never touched).
        Arena arena = LargePageArena.ofShared(Files.size(src.weightsFile()));
        try (SafeTensors st = SafeTensors.open(src.weightsFile())) {
            return new ViTModel(run, WeightLoader.load(st, src, run, arena, options.threads()), options, arena, src);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * A model of the given shape, at the options' image size if they ask for one, with deterministic random
     * weights (benchmarks and demos, no files).
     */
    public static ViTModel random(ViTConfig config, long seed, Options options) {
        Warmup.startOnce();
        ViTConfig run = options.apply(config);
        Arena arena = LargePageArena.ofShared();
        return new ViTModel(run, ViTWeights.random(run, seed, arena), options, arena, null);
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

    /** The model's name in messages: its folder, or "random" for random weights. */
    public String name() {
        return source == null ? "random" : source.dir().toString();
    }

    /** Whether the model has a classification head ({@link #logits}, {@link #classify}). */
    public boolean hasClassifier() {
        return config.classifier() != Classifier.NONE;
    }

    /**
     * The output of the model's fullest pass, the one {@link #flopsPerImage} counts: the logits where it has a
     * head, else its pooled embedding, else its tokens.
     */
    public Output fullestOutput() {
        return stages.fullest();
    }

    /**
     * Checks that the model gives {@code output}: an IllegalStateException for the logits of a model without
     * head, or the embedding of one without pooled output (a SigLIP without head).
     */
    public void require(Output output) {
        plan(output);
    }

    /** The stages of {@code output}; the IllegalStateException of {@link #require} if the model has none. */
    Stage[] plan(Output output) {
        Stage[] plan = stages.plan(output);
        if (plan == null) {
            throw new IllegalStateException(output == Output.LOGITS
                    ? "model " + name() + " has no classification head: use embed or tokens"
                    : "model " + name() + " has no pooled output (a SigLIP without head): use tokens");
        }
        return plan;
    }

    /** FLOPs of {@code op} in a pass of {@code batch} images (0 for the operations that are no GEMM). */
    public double flops(Op op, int batch) {
        return stages.flops(op, batch);
    }

    /** FLOPs of one image's pass to its {@link #fullestOutput} (35.13 GFLOP for ViT-B/16 at 224). */
    public double flopsPerImage() {
        double sum = 0;
        for (Op op : Op.values()) {
            sum += flops(op, 1);
        }
        return sum;
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
        run(Output.LOGITS, input, inputOffset, batch, logits, logitsOffset);
    }

    /** Embeddings (batch x {@link Output#width}) of a batch with a pooled session (see {@link InferenceSession#embed}). */
    public void embed(MemorySegment input, long inputOffset, int batch, MemorySegment embeddings, long embeddingsOffset) {
        run(Output.EMBEDDING, input, inputOffset, batch, embeddings, embeddingsOffset);
    }

    /** Every token, last_hidden_state (batch x tokens x hidden; see {@link InferenceSession#tokens}). */
    public void tokens(MemorySegment input, long inputOffset, int batch, MemorySegment tokens, long tokensOffset) {
        run(Output.TOKENS, input, inputOffset, batch, tokens, tokensOffset);
    }

    private void run(Output output, MemorySegment input, long inputOffset, int batch, MemorySegment out, long outOffset) {
        withSession(s -> output.run(s, input, inputOffset, batch, out, outOffset));
    }

    /** Runs {@code work} on a session taken from the pool, and gives it back. */
    private void withSession(Consumer<InferenceSession> work) {
        requireOpen();
        InferenceSession s = idle.poll();
        if (s == null) {
            s = newSession(options.threads());
        }
        try {
            work.accept(s);
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
        return outputs(Output.LOGITS, images, batch);
    }

    /** Embeddings [batch x {@link Output#width}] of float32 NCHW images given as an array (see {@link #embed}). */
    public float[] embeddings(float[] images, int batch) {
        return outputs(Output.EMBEDDING, images, batch);
    }

    /** {@link #embeddings}, each row scaled to unit L2 norm if {@code normalize} (for cosine similarity). */
    public float[] embed(float[] images, int batch, boolean normalize) {
        float[] rows = embeddings(images, batch);
        if (normalize) {
            Embeddings.normalize(rows, Output.EMBEDDING.width(config));
        }
        return rows;
    }

    /**
     * The embeddings of image files, decoded and preprocessed as the model folder says: one row of
     * {@link Output#width} floats per file, in order, of unit L2 norm if {@code normalize}.
     */
    public float[] embed(List<Path> images, boolean normalize) throws IOException {
        return embed(preprocess(images), images.size(), normalize);
    }

    /** Hugging Face's {@code last_hidden_state} [batch x tokens x hidden] of float32 NCHW images. */
    public float[] tokens(float[] images, int batch) {
        return outputs(Output.TOKENS, images, batch);
    }

    private float[] outputs(Output output, float[] images, int batch) {
        requireImages(images, batch);
        plan(output);
        if ((long) batch * output.width(config) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the " + output.label + " of " + batch
                    + " images are more floats than one array holds: take fewer images at a time");
        }
        int width = output.width(config);
        try (Arena a = Arena.ofShared()) {
            MemorySegment in = Memory.copyOf(a, images);
            MemorySegment out = Memory.floats(a, (long) batch * width);
            run(output, in, 0, batch, out, 0);
            return Memory.toArray(out, 0, batch * width);
        }
    }

    private void requireImages(float[] images, int batch) {
        Checks.positive("batch", batch);
        if (images.length != (long) batch * config.imageFloats()) {
            throw new IllegalArgumentException(images.length + " floats for " + batch + " images of "
                    + config.channels() + "x" + config.imageHeight() + "x" + config.imageWidth());
        }
    }

    /**
     * Every layer's attention probabilities for float32 NCHW images given as an array (see
     * {@link AttentionMaps}), from the plain pass to the {@link #fullestOutput}, bit for bit.
     *
     * @throws IllegalArgumentException if the probabilities would not fit one array (split the batch)
     */
    public AttentionMaps attention(float[] images, int batch) {
        requireImages(images, batch);
        int t = config.tokens();
        long count = (long) config.layers() * batch * config.heads() * t * t;
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the attention of " + batch + " images is " + count
                    + " floats, more than one array holds: take fewer images at a time");
        }
        try (Arena a = Arena.ofShared()) {
            MemorySegment in = Memory.copyOf(a, images);
            Output output = fullestOutput();
            MemorySegment out = Memory.floats(a, (long) batch * output.width(config));
            MemorySegment attention = Memory.floats(a, count);
            withSession(s -> s.run(output, in, 0, batch, out, 0, attention, 0));
            return new AttentionMaps(Memory.toArray(attention, 0, (int) count), config.layers(), batch,
                    config.heads(), config.prefixTokens(), config.gridHeight(), config.gridWidth());
        }
    }

    /** {@link #attention(float[], int)} of image files, decoded and preprocessed as {@link #classify} does. */
    public AttentionMaps attention(List<Path> images) throws IOException {
        return attention(preprocess(images), images.size());
    }

    /** The attention rollout of float32 NCHW images, [batch, patch rows, columns] ({@link AttentionMaps#rollout}). */
    public float[] rollout(float[] images, int batch) {
        return attention(images, batch).rollout();
    }

    /** The attention rollout of image files, [images, patch rows, patch columns]. */
    public float[] rollout(List<Path> images) throws IOException {
        return attention(images).rollout();
    }

    /** Image files decoded and preprocessed as the model folder says: float32 NCHW, one image after the other. */
    public float[] preprocess(List<Path> images) throws IOException {
        requireOpen();
        ImagePreprocessing pre = preprocessing();
        try (Arena a = Memory.scratch()) {
            MemorySegment out = Memory.floats(a, (long) images.size() * config.imageFloats());
            decode(images, 0, images.size(), pre, out);
            return Memory.toArray(out, 0, Math.toIntExact(out.byteSize() / Float.BYTES));
        }
    }

    /** Images {@code from} to {@code from + n - 1} of {@code images} into {@code out}, one after the other. */
    private void decode(List<Path> images, int from, int n, ImagePreprocessing pre, MemorySegment out)
            throws IOException {
        for (int i = 0; i < n; i++) {
            Images.toTensor(Images.read(images.get(from + i)), pre, out, (long) i * config.imageFloats());
        }
    }

    /**
     * The preprocessing the model's folder asks for (as its {@link CheckpointFormat} reads it), or Hugging
     * Face's defaults (resize, mean and std 0.5) for random weights; made for the size the model runs at
     * where that differs from the size the folder's preprocessing makes.
     */
    public ImagePreprocessing preprocessing() throws FormatException {
        int h = config.imageHeight(), w = config.imageWidth();
        return source == null ? ImagePreprocessing.huggingFace(null, h, w, "defaults")
                : scaled(source.format().preprocessing(source), h, w);
    }

    /**
     * {@code pre} making {@code height x width} images. A square: its crop (or target) that size, its resize
     * in proportion. Any other size: a resize to exactly that size, no crop, as Hugging Face's processors
     * do for a fixed {@code size: {height, width}} (or none, where the folder never resizes).
     */
    private static ImagePreprocessing scaled(ImagePreprocessing pre, int height, int width) {
        if (pre.height() == height && pre.width() == width) {
            return pre;
        }
        if (height != width) {
            ResizeMode mode = pre.resizeMode() == ResizeMode.NONE ? ResizeMode.NONE : ResizeMode.STRETCH;
            return new ImagePreprocessing(height, width, mode, pre.interpolation(), 1.0, pre.rescaleFactor(),
                    pre.mean(), pre.std());
        }
        return new ImagePreprocessing(height, width, pre.resizeMode(),
                (int) Math.round((double) pre.resizeHeight() * height / pre.height()),
                (int) Math.round((double) pre.resizeWidth() * width / pre.width()), pre.interpolation(), pre.cropPct(),
                pre.rescaleFactor(), pre.mean(), pre.std());
    }

    /** Decodes, preprocesses and classifies image files: the top {@code k} classes of each, best first. */
    public List<List<Prediction>> classify(List<Path> images, int k) throws IOException {
        requireOpen();
        if (k < 1) {
            throw new IllegalArgumentException("top k must be >= 1, got " + k);
        }
        plan(Output.LOGITS);
        ImagePreprocessing pre = preprocessing();
        int chunk = 8;
        List<List<Prediction>> out = new ArrayList<>(images.size());
        try (Arena a = Arena.ofShared()) {
            MemorySegment in = Memory.floats(a, (long) chunk * config.imageFloats());
            MemorySegment logits = Memory.floats(a, (long) chunk * config.classes());
            for (int start = 0; start < images.size(); start += chunk) {
                int n = Math.min(chunk, images.size() - start);
                decode(images, start, n, pre, in);
                forward(in, 0, n, logits, 0);
                for (int i = 0; i < n; i++) {
                    out.add(top(Memory.toArray(logits, (long) i * config.classes(), config.classes()), k));
                }
            }
        }
        return out;
    }

    /** The k most probable classes of one row of logits (softmax in double). */
    public List<Prediction> top(float[] logits, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top k must be >= 1, got " + k);
        }
        if (logits.length != config.classes()) {
            throw new IllegalArgumentException(logits.length + " logits for a model of " + config.classes() + " classes");
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Float.compare(logits[y], logits[x]));
        List<Prediction> best = new ArrayList<>(k);
        for (int i = 0; i < Math.min(k, order.length); i++) {
            int c = order[i];
            best.add(new Prediction(c, config.labels().get(c), Math.exp(logits[c] - max) / sum));
        }
        return best;
    }

    /** Frees the weights and stops idle sessions' threads. */
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
