package dev.vectorvit.model;

import dev.vectorvit.kernels.AttentionPooling;
import dev.vectorvit.model.Workspace.Buffer;

/**
 * SigLIP's attention-pooling head on the tokens after {@code post_layernorm} (xn): Hugging Face's
 * {@code pooler_output}, into the pooled buffer.
 */
record PoolingHead(ViTConfig c, AttentionPooling head) implements Stage {

    @Override
    public Op op() {
        return Op.HEAD;
    }

    /** Keys and values of every token, the probe's attention, out_proj, fc1 and fc2 of each image. */
    @Override
    public double flops(Op op, int batch) {
        long d = c.hidden(), t = c.tokens();
        return op == Op.HEAD ? 2.0 * batch * (t * 2 * d + 2 * t * d + d * d + 2 * d * c.mlp()) : 0;
    }

    @Override
    public void run(Workspace ws) {
        ws.pooling(head).apply(ws.batch, c.tokens(), ws.buffer(Buffer.XN), 0, c.hidden(), ws.buffer(Buffer.POOLING),
                ws.buffer(Buffer.POOLED), 0);
    }
}
