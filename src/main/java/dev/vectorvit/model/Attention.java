package dev.vectorvit.model;

import dev.vectorvit.kernels.Gemm;
import dev.vectorvit.kernels.Softmax;
import dev.vectorvit.model.Workspace.Buffer;
import java.lang.foreign.MemorySegment;

/**
 * A block's multi-head self-attention, qkv into ctx: scores = Q K^T, softmax(scores / sqrt(hd)),
 * ctx = scores V for each (image, head) pair, spread over the team. Its members time its three parts.
 *
 * @param layer the block's index, where it writes attention probabilities when asked
 */
record Attention(ViTConfig c, int layer) implements TeamStage {

    @Override
    public Op op() {
        return null;
    }

    @Override
    public double flops(Op op, int batch) {
        return op == Op.ATTENTION_SCORES || op == Op.ATTENTION_V
                ? 2.0 * batch * c.tokens() * c.tokens() * c.hidden() : 0;
    }

    @Override
    public void run(Workspace ws) {
        ws.onTeam(this, ws.team.size());
    }

    /**
     * This member's share, cut into runs of query rows ({@link Gemm#ROW_TILE} at a time), so that 12
     * heads of one image still spread over 16 members. Each query row's result depends only on that
     * row, so how the rows are cut does not change a bit. The members take contiguous runs of the
     * (pair, row tile) sequence, a run crossing from one pair into the next becoming two.
     */
    @Override
    public void member(Workspace ws, int member, int members) {
        int t = c.tokens(), d = c.hidden(), hd = c.headSize(), ld = 3 * d, unit = Gemm.ROW_TILE;
        int ls = Softmax.paddedCols(t); // the scores' rows: whole vectors for the softmax, aligned for the products
        int tiles = (t + unit - 1) / unit, batch = ws.batch;
        long total = (long) batch * c.heads() * tiles;
        long u = total * member / members, end = total * (member + 1) / members;
        long s = (long) member * t * ls;
        float scale = (float) (1.0 / Math.sqrt(hd));
        MemorySegment qkv = ws.buffer(Buffer.QKV), scores = ws.buffer(Buffer.SCORES), ctx = ws.buffer(Buffer.CTX);
        MemorySegment attentionOut = ws.attentionOut;
        Profile profile = ws.profile;
        while (u < end) {
            int pair = (int) (u / tiles), tile0 = (int) (u % tiles);
            int tile1 = (int) Math.min(tiles, tile0 + end - u);
            u += tile1 - tile0;
            int b = pair / c.heads(), h = pair % c.heads();
            int q0 = tile0 * unit, rows = Math.min(t, tile1 * unit) - q0;
            long q = (long) b * t * ld + (long) h * hd;
            long t0 = profile.clock();
            // The flat form: views made here would be objects on every call while C1 runs this method.
            ws.gemm.multiplyOn(member, rows, t, hd, qkv, q + (long) q0 * ld, ld, false, qkv, q + d, ld, true, scores, s, ls);
            t0 = profile.lap(member, Op.ATTENTION_SCORES, t0);
            Softmax.applyPadded(rows, t, scale, scores, s, ls);
            if (attentionOut != null) {
                long at = ws.attentionOffset + ((((long) layer * batch + b) * c.heads() + h) * t + q0) * t;
                for (int r = 0; r < rows; r++) {
                    MemorySegment.copy(scores, (s + (long) r * ls) * Float.BYTES, attentionOut,
                            (at + (long) r * t) * Float.BYTES, (long) t * Float.BYTES);
                }
            }
            t0 = profile.lap(member, Op.SOFTMAX, t0);
            ws.gemm.multiplyOn(member, rows, hd, t, scores, s, ls, false, qkv, q + 2L * d, ld, false,
                    ctx, ((long) b * t + q0) * d + (long) h * hd, d);
            profile.lap(member, Op.ATTENTION_V, t0);
        }
    }
}
