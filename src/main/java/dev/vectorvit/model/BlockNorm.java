package dev.vectorvit.model;

import dev.vectorvit.kernels.LayerNorm;
import dev.vectorvit.model.Workspace.Buffer;
import java.lang.foreign.MemorySegment;

/**
 * A LayerNorm of every row of x into {@code out}, the rows cut into contiguous runs over the team: a block's
 * into xn, or CLIP's {@code pre_layrnorm} of the embeddings into x itself.
 */
record BlockNorm(ViTConfig c, MemorySegment weight, MemorySegment bias, Buffer out) implements TeamStage {

    /** A block's LayerNorm, into xn. */
    BlockNorm(ViTConfig c, MemorySegment weight, MemorySegment bias) {
        this(c, weight, bias, Buffer.XN);
    }

    @Override
    public Op op() {
        return Op.LAYER_NORM;
    }

    @Override
    public void run(Workspace ws) {
        ws.onTeam(this, ws.rowMembers());
    }

    @Override
    public void member(Workspace ws, int member, int members) {
        int rows = ws.rows(), d = c.hidden();
        int r0 = (int) ((long) rows * member / members), r1 = (int) ((long) rows * (member + 1) / members);
        if (r0 < r1) {
            LayerNorm.apply(r1 - r0, d, ws.buffer(Buffer.X), (long) r0 * d, d, weight, 0, bias, 0, c.eps(),
                    ws.buffer(out), (long) r0 * d, d);
        }
    }
}
