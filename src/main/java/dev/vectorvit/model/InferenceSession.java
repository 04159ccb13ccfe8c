package dev.vectorvit.model;

import dev.vectorvit.tensor.Checks;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Map;

/**
 * What one caller needs to run a {@link ViTModel}: a thread team, the GEMM's packing buffers and the
 * activation workspace, sized once for a batch and reused by every forward pass, so that a steady
 * state pass allocates no memory. Not thread-safe: one session per concurrent caller (the model keeps
 * a pool of them); the weights it reads are shared and never written.
 *
 * <p>Activations are row-major with one row per token, images one after the other (R = batch x tokens
 * rows): linear layers run as one GEMM over all R rows, attention as two GEMMs per (image, head) pair
 * spread over the team, every element computed by the same arithmetic whatever the thread count.
 */
public final class InferenceSession implements AutoCloseable {
    /**
     * Receives intermediate activations (for golden tests and debugging); rows x cols, leading dim ld. The
     * segment is the session's workspace: read it during the call, it is overwritten (or freed) later.
     */
    @FunctionalInterface
    public interface Probe {
        void tensor(String name, MemorySegment data, long offset, int rows, int cols, int ld);
    }

    private final ViTModel model;
    private final ViTConfig c;
    private final Workspace ws;
    private boolean closed;

    InferenceSession(ViTModel model, int threads) {
        this.model = model;
        this.c = model.config();
        this.ws = new Workspace(c, threads);
    }

    /** Turns per-operation timing on or off (off by default) and clears what was measured. */
    public void setProfiling(boolean on) {
        ws.profile.set(on);
    }

    /** Mean wall time per pass of each operation, in nanoseconds, since profiling was turned on. */
    public Map<Op, Double> profile() {
        return ws.profile.perPass();
    }

    public int threads() {
        return ws.team.size();
    }

    /**
     * Bytes of activation workspace a batch of {@code batch} images needs with {@code threads} threads: what
     * a session holds off-heap after its largest batch so far (besides the GEMM's packing buffers, whose
     * size the cache blocking bounds, whatever the batch).
     */
    public static long workspaceBytes(ViTConfig c, int batch, int threads) {
        return Workspace.bytes(c, batch, threads);
    }

    private void reserve(int batch) {
        if (batch <= ws.capacity()) {
            return;
        }
        long bytes = workspaceBytes(c, batch, threads());
        if (bytes > model.workspaceLimit()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "batch %d needs %.1f MiB of workspace, over the limit of %.1f MiB (raise it with "
                            + "ViTModel.Options.withWorkspaceLimitBytes)", batch, bytes / 1048576.0,
                    model.workspaceLimit() / 1048576.0));
        }
        ws.reserve(batch);
    }

    /** Bytes of workspace the session holds now: the segments it allocated for its largest batch so far. */
    long reservedBytes() {
        return ws.reservedBytes();
    }

    /**
     * Runs {@code batch} images (float32 NCHW, already normalized, from float offset {@code inputOffset})
     * and writes batch x classes logits at float offset {@code logitsOffset}. Only the calling thread
     * touches {@code input} and {@code logits}, so they may come from a confined arena; a shared, global or
     * automatic arena is safer for speed, though: C2 compiles every segment access from one JVM-wide
     * profile of the owner-thread check, and heavy confined use can make it recompile the kernels over
     * and over ({@link dev.vectorvit.tensor.Memory#scratch}; measured: LayerNorm 20-100 times slower).
     *
     * <p>Non-finite input is not checked and not an error: a NaN or infinity anywhere in an image makes
     * every logit of that image NaN (it reaches every token through attention), and so may finite values
     * large enough to overflow float. The other images of the batch are unaffected: their logits are bit
     * for bit those they get alone. Check {@code Float.isFinite} on the input or the logits if it matters.
     *
     * @throws IllegalArgumentException for a batch below 1, segments too small for it, or a batch whose
     *                                  workspace exceeds the model's limit (nothing is allocated or written)
     * @throws IllegalStateException    if this session or its model is closed
     */
    public void forward(MemorySegment input, long inputOffset, int batch, MemorySegment logits, long logitsOffset) {
        forward(input, inputOffset, batch, logits, logitsOffset, null);
    }

    /** {@link #forward} that also shows the intermediates "embeddings", "block{i}" and "final_norm_cls". */
    public void forward(MemorySegment input, long inputOffset, int batch, MemorySegment logits, long logitsOffset,
                        Probe probe) {
        run(Output.LOGITS, input, inputOffset, batch, logits, logitsOffset, probe);
    }

    /**
     * Like {@link #forward}, but writes batch x {@link Output#width} embeddings at float offset
     * {@code embeddingsOffset} instead of logits: the pooled output the model defines (ViT, DeiT: the class
     * token after the final LayerNorm, Hugging Face's {@code last_hidden_state[:, 0]}, the head's input; CLIP:
     * {@code image_embeds} before normalization; SigLIP: {@code pooler_output}).
     */
    public void embed(MemorySegment input, long inputOffset, int batch, MemorySegment embeddings, long embeddingsOffset) {
        run(Output.EMBEDDING, input, inputOffset, batch, embeddings, embeddingsOffset, null);
    }

    /**
     * Like {@link #forward}, but writes batch x tokens x hidden floats at float offset {@code tokensOffset}:
     * Hugging Face's {@code last_hidden_state} (every token after the final LayerNorm; for CLIP, before
     * its {@code post_layernorm}, which only the pooled class token gets).
     */
    public void tokens(MemorySegment input, long inputOffset, int batch, MemorySegment tokens, long tokensOffset) {
        run(Output.TOKENS, input, inputOffset, batch, tokens, tokensOffset, null);
    }

    /** The model's stages for {@code output}, one after the other, timed each; the result copied into out. */
    void run(Output output, MemorySegment input, long inputOffset, int batch, MemorySegment out, long outOffset,
             Probe probe) {
        if (closed) {
            throw new IllegalStateException("session is closed");
        }
        model.requireOpen();
        Stage[] stages = model.plan(output);
        Checks.positive("batch", batch);
        Checks.vector("input", input, inputOffset, (long) batch * c.imageFloats());
        long width = output.width(c);
        Checks.vector(output.label, out, outOffset, batch * width);
        reserve(batch);
        ws.batch = batch;
        ws.input = input;
        ws.inputOffset = inputOffset;
        Profile profile = ws.profile;
        try {
            for (Stage stage : stages) {
                long t = profile.clock();
                stage.run(ws);
                profile.lap(stage.op(), t);
                if (probe != null) {
                    stage.show(ws, probe);
                }
            }
        } finally {
            ws.input = null;
        }
        // Computed on the team into the workspace, then copied into the caller's segment, which may be confined.
        MemorySegment.copy(ws.buffer(output.buffer), 0, out, outOffset * Float.BYTES, batch * width * Float.BYTES);
        profile.passDone();
    }

    /**
     * {@link #forward} that also writes every layer's attention probabilities, layers x batch x heads x
     * tokens x tokens floats (Hugging Face's {@code output_attentions=True}, stacked), from float offset
     * {@code attentionOffset} of {@code attention}: the probabilities the pass multiplies V by, bit for
     * bit. The session's threads write them, so with more than one thread {@code attention} must come
     * from a shared, global or automatic arena. The plain {@link #forward} pays one null check per
     * (image, head) for this.
     *
     * @throws IllegalArgumentException as {@link #forward}, or if {@code attention} is too small
     */
    public void forward(MemorySegment input, long inputOffset, int batch, MemorySegment logits, long logitsOffset,
                        MemorySegment attention, long attentionOffset) {
        run(Output.LOGITS, input, inputOffset, batch, logits, logitsOffset, attention, attentionOffset);
    }

    /** The pass to {@code output} that also writes every layer's attention probabilities, as {@link #forward} does. */
    void run(Output output, MemorySegment input, long inputOffset, int batch, MemorySegment out, long outOffset,
             MemorySegment attention, long attentionOffset) {
        Checks.positive("batch", batch);
        int t = c.tokens();
        Checks.vector("attention", attention, attentionOffset, (long) c.layers() * batch * c.heads() * t * t);
        ws.attentionOut = attention;
        ws.attentionOffset = attentionOffset;
        try {
            run(output, input, inputOffset, batch, out, outOffset, null);
        } finally {
            ws.attentionOut = null;
        }
    }

    /** Stops the team's threads and frees the workspace; the session cannot run afterwards. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ws.close();
    }
}
