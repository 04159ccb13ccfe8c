package dev.vectorvit.model;

import dev.vectorvit.kernels.Activation;
import dev.vectorvit.kernels.LayerNorm;
import dev.vectorvit.kernels.PackedMatrix;
import dev.vectorvit.model.Workspace.Buffer;
import java.lang.foreign.MemorySegment;

/**
 * CLIP's pooled output: {@code post_layernorm} of each image's class token ({@code pooler_output}), then
 * {@code visual_projection} without bias ({@code image_embeds}) when the model has one, into the pooled
 * buffer. The normalized tokens go through ctx (free after the blocks) when they are projected.
 *
 * @param projection [projection, D], or null for {@code CLIPVisionModel}
 */
record ClipPooler(ViTConfig c, MemorySegment normWeight, MemorySegment normBias, PackedMatrix projection)
        implements Stage {

    @Override
    public Op op() {
        return Op.HEAD;
    }

    @Override
    public double flops(Op op, int batch) {
        return op == Op.HEAD && projection != null ? 2.0 * batch * c.hidden() * c.tower().projection() : 0;
    }

    @Override
    public void run(Workspace ws) {
        int d = c.hidden();
        MemorySegment pooled = ws.buffer(Buffer.POOLED);
        MemorySegment norm = projection == null ? pooled : ws.buffer(Buffer.CTX);
        LayerNorm.apply(ws.batch, d, ws.buffer(Buffer.X), 0, c.tokens() * d, normWeight, 0, normBias, 0, c.eps(),
                norm, 0, d);
        if (projection != null) {
            int e = c.tower().projection();
            ws.gemm.multiply(ws.batch, norm, 0, d, projection, 0f, pooled, 0, e, null, 0, Activation.NONE);
        }
    }
}
