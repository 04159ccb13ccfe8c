package dev.vectorvit.model;

import dev.vectorvit.kernels.AttentionPooling;
import dev.vectorvit.kernels.Gemm;
import dev.vectorvit.kernels.Softmax;
import dev.vectorvit.kernels.ThreadTeam;
import dev.vectorvit.tensor.LargePageArena;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A session's side of a forward pass, what its {@link Stage}s read and write: the thread team and GEMM,
 * the activation buffers (sized for the largest batch so far) and the pass in flight. Activations are
 * row-major, one row per token, images one after the other (R = batch x tokens rows).
 */
final class Workspace implements AutoCloseable {
    /** The activation buffers; each knows its size, so the workspace formula is this enum. */
    enum Buffer {
        /** The residual stream, R x D. */
        X,
        /** LayerNorm output (a block's, or the final one of every token), R x D. */
        XN,
        /** Attention output before the projection, R x D. */
        CTX,
        /** Queries, keys and values side by side, R x 3D. */
        QKV,
        /** The MLP's hidden layer, R x mlp. */
        HIDDEN,
        /** The unfolded patches, batch x patches x patch floats. */
        PATCHES,
        /** One member's attention scores, tokens x tokens per thread, rows {@link Softmax#paddedCols} apart. */
        SCORES,
        /**
         * The pooled output: the final LayerNorm of the classifier's prefix tokens (at least the class token),
         * token-major, or the tower's embedding (CLIP's projection, SigLIP's attention pooling).
         */
        POOLED,
        /** The logits, batch x classes. */
        LOGITS,
        /** SigLIP's attention-pooling head's scratch; none for the other towers. */
        POOLING;

        long floats(ViTConfig c, int batch, int threads) {
            long r = (long) batch * c.tokens();
            return switch (this) {
                case X, XN, CTX -> r * c.hidden();
                case QKV -> r * 3 * c.hidden();
                case HIDDEN -> r * c.mlp();
                case PATCHES -> (long) batch * c.patches() * c.patchFloats();
                case SCORES -> (long) threads * c.tokens() * Softmax.paddedCols(c.tokens());
                case POOLED -> (long) batch * Math.max(Math.max(1, c.classifier().heads()) * c.hidden(),
                        c.tower().embedding(c.hidden()));
                case LOGITS -> (long) batch * c.classes();
                case POOLING -> c.tower().kind() == Tower.Kind.SIGLIP
                        ? AttentionPooling.workspaceFloats(batch, c.tokens(), c.hidden(), c.heads(), c.mlp()) : 0;
            };
        }
    }

    private static final Buffer[] BUFFERS = Buffer.values();

    /**
     * Floats of a row kernel (LayerNorm) worth one more member: 32 Ki floats, 128 KiB in and out, take
     * about 10 µs on one core, the order of a team's start and finish on a 16-core machine. ViT-B/16 at
     * batch 1 (151 Ki floats) gets 4 members.
     */
    private static final long ROW_FLOATS_PER_MEMBER = 1 << 15;

    final ViTConfig config;
    final ThreadTeam team;
    final Gemm gemm;
    final Profile profile;
    private final MemorySegment[] buffers = new MemorySegment[BUFFERS.length];
    private final ThreadTeam.Job job = this::member;
    private TeamStage current;
    /** SigLIP's pooling head on this session's team, made on first use (its call in flight is per session). */
    private AttentionPooling.Pass pooling;
    private Arena arena;
    private long reservedBytes;
    private int capacity;

    // The pass in flight.
    int batch;
    MemorySegment input;
    long inputOffset;
    /** Where attention copies each layer's probabilities (from float {@link #attentionOffset}), or null. */
    MemorySegment attentionOut;
    long attentionOffset;

    Workspace(ViTConfig config, int threads) {
        this.config = config;
        this.team = ThreadTeam.of(threads);
        this.gemm = new Gemm(team);
        this.profile = new Profile(threads);
    }

    /** Bytes of activation workspace for {@code batch} images on {@code threads} threads. */
    static long bytes(ViTConfig c, int batch, int threads) {
        long floats = 0;
        for (Buffer b : BUFFERS) {
            floats += b.floats(c, batch, threads);
        }
        return floats * Float.BYTES;
    }

    AttentionPooling.Pass pooling(AttentionPooling head) {
        if (pooling == null) {
            pooling = head.on(gemm);
        }
        return pooling;
    }

    MemorySegment buffer(Buffer b) {
        return buffers[b.ordinal()];
    }

    /** Rows of the residual stream in this pass. */
    int rows() {
        return batch * config.tokens();
    }

    int capacity() {
        return capacity;
    }

    long reservedBytes() {
        return reservedBytes;
    }

    /** Makes the buffers for {@code batch} images, freeing the smaller ones first (a session never holds two). */
    void reserve(int batch) {
        if (arena != null) {
            arena.close();
            arena = null;
            capacity = 0;
            reservedBytes = 0;
        }
        // One mapping for all the buffers (each rounded up to its alignment at most).
        Arena next = LargePageArena.ofShared(bytes(config, batch, team.size()) + BUFFERS.length * Memory.ALIGNMENT);
        long bytes = 0;
        try {
            for (Buffer b : BUFFERS) {
                long floats = b.floats(config, batch, team.size());
                // A model without head has no logits, most towers no pooling scratch.
                buffers[b.ordinal()] = floats == 0 ? MemorySegment.NULL : Memory.floats(next, floats);
                bytes += buffers[b.ordinal()].byteSize();
            }
        } catch (RuntimeException | Error e) {
            next.close();
            throw e;
        }
        arena = next;
        reservedBytes = bytes;
        capacity = batch;
    }

    /**
     * Members for a row kernel over the activations: one per {@link #ROW_FLOATS_PER_MEMBER} floats, so
     * that a small batch does not wake 16 threads for a few microseconds of work each.
     */
    int rowMembers() {
        long floats = (long) rows() * config.hidden();
        return (int) Math.max(1, Math.min(team.size(), floats / ROW_FLOATS_PER_MEMBER));
    }

    /** Runs {@code stage}'s members on the team: one job per session, so a pass creates no lambda. */
    void onTeam(TeamStage stage, int members) {
        current = stage;
        try {
            team.run(job, members);
        } finally {
            current = null;
        }
    }

    private void member(int member, int members) {
        current.member(this, member, members);
    }

    @Override
    public void close() {
        team.close();
        if (arena != null) {
            arena.close();
        }
    }
}
