package dev.vectorvit.model;

import dev.vectorvit.kernels.Activation;
import dev.vectorvit.kernels.ElementWise;
import dev.vectorvit.kernels.Gemm;
import dev.vectorvit.kernels.LayerNorm;
import dev.vectorvit.kernels.Softmax;
import dev.vectorvit.kernels.ThreadTeam;
import dev.vectorvit.tensor.Checks;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.EnumMap;
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

    /**
     * Floats of a row kernel (LayerNorm) worth one more member: 32 Ki floats, 128 KiB in and out, take
     * about 10 µs on one core, the order of a team's start and finish on a 16-core machine. ViT-B/16 at
     * batch 1 (151 Ki floats) gets 4 members.
     */
    private static final long ROW_FLOATS_PER_MEMBER = 1 << 15;

    private final ViTModel model;
    private final ViTConfig c;
    private final ThreadTeam team;
    private final Gemm gemm;
    private final ThreadTeam.Job attentionJob = this::attention;
    private final ThreadTeam.Job norm1Job = (m, n) -> normRows(m, n, true);
    private final ThreadTeam.Job norm2Job = (m, n) -> normRows(m, n, false);
    /** The workspace: one batch's buffers, replaced (the old arena closed) when a bigger batch comes. */
    private Arena arena;
    private long reservedBytes;
    private int capacity;
    private MemorySegment x, xn, qkv, ctx, hidden, patches, scores, cls, logitsBuffer;
    private boolean closed;

    // Per-operation wall time, summed over passes while profiling is on; attention's parts are timed
    // by each member and averaged over the members.
    private boolean profiling;
    private final long[] nanos = new long[Op.values().length];
    private final long[][] memberNanos;
    private int profiledPasses;

    // The pass in flight, read by the team's jobs.
    private int batch;
    private ViTWeights.Layer layer;
    private int layerIndex;
    /** Where attention copies each layer's probabilities (from float {@link #attentionOffset}), or null. */
    private MemorySegment attentionOut;
    private long attentionOffset;

    InferenceSession(ViTModel model, int threads) {
        this.model = model;
        this.c = model.config();
        this.team = ThreadTeam.of(threads);
        this.gemm = new Gemm(team);
        this.memberNanos = new long[threads][Op.values().length];
    }

    /** Turns per-operation timing on or off (off by default) and clears what was measured. */
    public void setProfiling(boolean on) {
        profiling = on;
        Arrays.fill(nanos, 0);
        for (long[] m : memberNanos) {
            Arrays.fill(m, 0);
        }
        profiledPasses = 0;
    }

    /** Mean wall time per pass of each operation, in nanoseconds, since profiling was turned on. */
    public Map<Op, Double> profile() {
        Map<Op, Double> out = new EnumMap<>(Op.class);
        for (Op op : Op.values()) {
            double sum = nanos[op.ordinal()];
            for (long[] m : memberNanos) {
                sum += (double) m[op.ordinal()] / memberNanos.length;
            }
            out.put(op, profiledPasses == 0 ? 0 : sum / profiledPasses);
        }
        return out;
    }

    private long clock() {
        return profiling ? System.nanoTime() : 0;
    }

    /** Adds the time since {@code start} to {@code op}; returns the new start. */
    private long lap(Op op, long start) {
        if (!profiling) {
            return 0;
        }
        long now = System.nanoTime();
        nanos[op.ordinal()] += now - start;
        return now;
    }

    private long lap(int member, Op op, long start) {
        if (!profiling) {
            return 0;
        }
        long now = System.nanoTime();
        memberNanos[member][op.ordinal()] += now - start;
        return now;
    }

    public int threads() {
        return team.size();
    }

    /**
     * Bytes of activation workspace a batch of {@code batch} images needs with {@code threads} threads: what
     * a session holds off-heap after its largest batch so far (besides the GEMM's packing buffers, whose
     * size the cache blocking bounds, whatever the batch).
     */
    public static long workspaceBytes(ViTConfig c, int batch, int threads) {
        long r = (long) batch * c.tokens();
        long floats = r * c.hidden() * 3 + r * 3L * c.hidden() + r * c.mlp()
                + (long) batch * c.patches() * c.patchFloats() + (long) threads * c.tokens() * c.tokens()
                + (long) batch * c.hidden() + (long) batch * c.classes();
        return floats * Float.BYTES;
    }

    private void reserve(int batch) {
        if (batch <= capacity) {
            return;
        }
        long bytes = workspaceBytes(c, batch, team.size());
        if (bytes > model.workspaceLimit()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "batch %d needs %.1f MiB of workspace, over the limit of %.1f MiB (raise it with "
                            + "ViTModel.Options.withWorkspaceLimitBytes)", batch, bytes / 1048576.0,
                    model.workspaceLimit() / 1048576.0));
        }
        // The smaller workspace goes first: a session never holds two.
        if (arena != null) {
            arena.close();
            arena = null;
            capacity = 0;
            reservedBytes = 0;
        }
        long r = (long) batch * c.tokens();
        int d = c.hidden();
        Arena next = Arena.ofShared();
        try {
            x = Memory.floats(next, r * d);
            xn = Memory.floats(next, r * d);
            ctx = Memory.floats(next, r * d);
            qkv = Memory.floats(next, r * 3 * d);
            hidden = Memory.floats(next, r * c.mlp());
            patches = Memory.floats(next, (long) batch * c.patches() * c.patchFloats());
            scores = Memory.floats(next, (long) team.size() * c.tokens() * c.tokens());
            cls = Memory.floats(next, (long) batch * d);
            logitsBuffer = Memory.floats(next, (long) batch * c.classes());
        } catch (RuntimeException | Error e) {
            next.close();
            throw e;
        }
        arena = next;
        reservedBytes = x.byteSize() + xn.byteSize() + ctx.byteSize() + qkv.byteSize() + hidden.byteSize()
                + patches.byteSize() + scores.byteSize() + cls.byteSize() + logitsBuffer.byteSize();
        capacity = batch;
    }

    /** Bytes of workspace the session holds now: the segments it allocated for its largest batch so far. */
    long reservedBytes() {
        return reservedBytes;
    }

    /**
     * Runs {@code batch} images (float32 NCHW, already normalized, from float offset {@code inputOffset})
     * and writes batch x classes logits at float offset {@code logitsOffset}. Only the calling thread
     * touches {@code input} and {@code logits}, so they may come from a confined arena; a shared or
     * automatic arena is faster, though: once the JIT has seen segments of both kinds in the same
     * kernel, C2 may keep deoptimizing it (measured: 100 times slower LayerNorm).
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
        run(input, inputOffset, batch, logits, logitsOffset, probe, true);
    }

    /**
     * Like {@link #forward}, but writes batch x hidden embeddings at float offset {@code embeddingsOffset}
     * instead of logits: the class token after the final LayerNorm (Hugging Face's
     * {@code last_hidden_state[:, 0]}), the head's input.
     */
    public void embed(MemorySegment input, long inputOffset, int batch, MemorySegment embeddings, long embeddingsOffset) {
        run(input, inputOffset, batch, embeddings, embeddingsOffset, null, false);
    }

    /** The forward pass to the head ({@code head}: logits into out) or to the final LayerNorm (class rows into out). */
    private void run(MemorySegment input, long inputOffset, int batch, MemorySegment out, long outOffset, Probe probe,
                     boolean head) {
        if (closed) {
            throw new IllegalStateException("session is closed");
        }
        model.requireOpen();
        Checks.positive("batch", batch);
        Checks.vector("input", input, inputOffset, (long) batch * c.imageFloats());
        Checks.vector(head ? "logits" : "embeddings", out, outOffset, (long) batch * (head ? c.classes() : c.hidden()));
        reserve(batch);
        this.batch = batch;
        ViTWeights w = model.weights();
        int t = c.tokens(), d = c.hidden();
        int rows = batch * t;

        long t0 = clock();
        embed(w, input, inputOffset);
        lap(Op.PATCH_EMBEDDING, t0);
        if (probe != null) {
            probe.tensor("embeddings", x, 0, rows, d, d);
        }
        for (int i = 0; i < c.layers(); i++) {
            layer = w.layers()[i];
            layerIndex = i;
            block(rows);
            if (probe != null) {
                probe.tensor("block" + i, x, 0, rows, d, d);
            }
        }
        layer = null;
        // Final LayerNorm of the class tokens only (rows 0, t, 2t, ...), then the head.
        long th = clock();
        if (head) {
            LayerNorm.apply(batch, d, x, 0, t * d, w.normWeight(), 0, w.normBias(), 0, c.eps(), cls, 0, d);
            if (probe != null) {
                probe.tensor("final_norm_cls", cls, 0, batch, d, d);
            }
            // On the team into the workspace, then into the caller's segment, which may be confined to this thread.
            gemm.multiply(batch, cls, 0, d, w.headWeight(), 0f, logitsBuffer, 0, c.classes(), w.headBias(), 0,
                    Activation.NONE);
            MemorySegment.copy(logitsBuffer, 0, out, outOffset * Float.BYTES, (long) batch * c.classes() * Float.BYTES);
        } else {
            LayerNorm.apply(batch, d, x, 0, t * d, w.normWeight(), 0, w.normBias(), 0, c.eps(), out, outOffset, d);
        }
        lap(Op.HEAD, th);
        if (profiling) {
            profiledPasses++;
        }
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
        Checks.positive("batch", batch);
        int t = c.tokens();
        Checks.vector("attention", attention, attentionOffset, (long) c.layers() * batch * c.heads() * t * t);
        attentionOut = attention;
        this.attentionOffset = attentionOffset;
        try {
            forward(input, inputOffset, batch, logits, logitsOffset, null);
        } finally {
            attentionOut = null;
        }
    }

    /** x = [cls; patches W^T + b] + positions, per image. */
    private void embed(ViTWeights w, MemorySegment input, long inputOffset) {
        int p = c.patchSize(), g = c.imageSize() / p, size = c.imageSize(), pf = c.patchFloats();
        int t = c.tokens(), d = c.hidden(), np = c.patches();
        long rowBytes = (long) p * Float.BYTES;
        // Unfold: patch (py, px) of channel ch becomes p rows of p floats in the patch's row of the matrix.
        for (int b = 0; b < batch; b++) {
            for (int ch = 0; ch < c.channels(); ch++) {
                for (int y = 0; y < size; y++) {
                    long src = inputOffset + (((long) b * c.channels() + ch) * size + y) * size;
                    int py = y / p, ky = y % p;
                    for (int px = 0; px < g; px++) {
                        long dst = ((long) b * np + (long) py * g + px) * pf + ((long) ch * p + ky) * p;
                        MemorySegment.copy(input, (src + (long) px * p) * Float.BYTES, patches, dst * Float.BYTES, rowBytes);
                    }
                }
            }
        }
        for (int b = 0; b < batch; b++) {
            long xb = (long) b * t * d;
            gemm.multiply(np, patches, (long) b * np * pf, pf, w.patchWeight(), 0f, x, xb + d, d, w.patchBias(), 0,
                    Activation.NONE);
            MemorySegment.copy(w.clsToken(), 0, x, xb * Float.BYTES, (long) d * Float.BYTES);
            ElementWise.add(t, d, w.positions(), 0, d, x, xb, d);
        }
    }

    /** One pre-norm encoder block on all rows. */
    private void block(int rows) {
        ViTWeights.Layer l = layer;
        int d = c.hidden();
        long t = clock();
        team.run(norm1Job, rowMembers());
        t = lap(Op.LAYER_NORM, t);
        // The flat forms of the GEMM here and in attention: views made in this method would be objects on every
        // call while C1 runs it (no escape analysis), and C2 compiles a method run a few times per pass late.
        gemm.multiply(rows, xn, 0, d, l.qkv(), 0f, qkv, 0, 3 * d, l.qkvBias(), 0, Activation.NONE);
        t = lap(Op.QKV, t);
        team.run(attentionJob);
        t = clock();
        // x += ctx Wo^T + bo: the residual add is the GEMM's beta = 1 on x.
        gemm.multiply(rows, ctx, 0, d, l.projWeight(), 1f, x, 0, d, l.projBias(), 0, Activation.NONE);
        t = lap(Op.OUTPUT_PROJECTION, t);
        team.run(norm2Job, rowMembers());
        t = lap(Op.LAYER_NORM, t);
        gemm.multiply(rows, xn, 0, d, l.fc1Weight(), 0f, hidden, 0, c.mlp(), l.fc1Bias(), 0, c.activation());
        t = lap(Op.FC1_GELU, t);
        gemm.multiply(rows, hidden, 0, c.mlp(), l.fc2Weight(), 1f, x, 0, d, l.fc2Bias(), 0, Activation.NONE);
        lap(Op.FC2, t);
    }

    /**
     * Members for a row kernel over the activations: one per {@link #ROW_FLOATS_PER_MEMBER} floats, so
     * that a small batch does not wake 16 threads for a few microseconds of work each.
     */
    private int rowMembers() {
        long floats = (long) batch * c.tokens() * c.hidden();
        return (int) Math.max(1, Math.min(team.size(), floats / ROW_FLOATS_PER_MEMBER));
    }

    /** This member's contiguous share of the rows, through LayerNorm 1 or 2 into xn. */
    private void normRows(int member, int members, boolean first) {
        int rows = batch * c.tokens(), d = c.hidden();
        int r0 = (int) ((long) rows * member / members), r1 = (int) ((long) rows * (member + 1) / members);
        if (r0 < r1) {
            ViTWeights.Layer l = layer;
            LayerNorm.apply(r1 - r0, d, x, (long) r0 * d, d,
                    first ? l.norm1Weight() : l.norm2Weight(), 0, first ? l.norm1Bias() : l.norm2Bias(), 0, c.eps(),
                    xn, (long) r0 * d, d);
        }
    }

    /**
     * This member's share of the attention: scores = Q K^T, softmax(scores / sqrt(hd)), ctx = scores V for
     * each (image, head) pair, cut into runs of query rows ({@link Gemm#ROW_TILE} at a time), so that 12
     * heads of one image still spread over 16 members. Each query row's result depends only on that
     * row, so how the rows are cut does not change a bit. The members take contiguous runs of the
     * (pair, row tile) sequence, a run crossing from one pair into the next becoming two.
     */
    private void attention(int member, int members) {
        int t = c.tokens(), d = c.hidden(), hd = c.headSize(), ld = 3 * d, unit = Gemm.ROW_TILE;
        int tiles = (t + unit - 1) / unit;
        long total = (long) batch * c.heads() * tiles;
        long u = total * member / members, end = total * (member + 1) / members;
        long s = (long) member * t * t;
        float scale = (float) (1.0 / Math.sqrt(hd));
        while (u < end) {
            int pair = (int) (u / tiles), tile0 = (int) (u % tiles);
            int tile1 = (int) Math.min(tiles, tile0 + end - u);
            u += tile1 - tile0;
            int b = pair / c.heads(), h = pair % c.heads();
            int q0 = tile0 * unit, rows = Math.min(t, tile1 * unit) - q0;
            long q = (long) b * t * ld + (long) h * hd;
            long t0 = clock();
            gemm.multiplyOn(member, rows, t, hd, qkv, q + (long) q0 * ld, ld, false, qkv, q + d, ld, true, scores, s, t);
            t0 = lap(member, Op.ATTENTION_SCORES, t0);
            Softmax.apply(rows, t, scale, scores, s, t);
            if (attentionOut != null) {
                long at = attentionOffset + ((((long) layerIndex * batch + b) * c.heads() + h) * t + q0) * t;
                MemorySegment.copy(scores, s * Float.BYTES, attentionOut, at * Float.BYTES, (long) rows * t * Float.BYTES);
            }
            t0 = lap(member, Op.SOFTMAX, t0);
            gemm.multiplyOn(member, rows, hd, t, scores, s, t, false, qkv, q + 2L * d, ld, false,
                    ctx, ((long) b * t + q0) * d + (long) h * hd, d);
            lap(member, Op.ATTENTION_V, t0);
        }
    }

    /** Stops the team's threads and frees the workspace; the session cannot run afterwards. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        team.close();
        if (arena != null) {
            arena.close();
        }
    }
}
