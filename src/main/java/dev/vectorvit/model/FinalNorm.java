package dev.vectorvit.model;

import dev.vectorvit.kernels.LayerNorm;
import dev.vectorvit.model.Workspace.Buffer;
import java.lang.foreign.MemorySegment;

/**
 * The final LayerNorm: of every token into xn (Hugging Face's {@code last_hidden_state}), or of the first
 * {@code prefix} tokens of each image into the pooled buffer, token by token (all images' class tokens,
 * then all distillation tokens), what the embedding and the classifier read.
 *
 * @param prefix the prefix tokens to normalize, or 0 for every token
 */
record FinalNorm(ViTConfig c, MemorySegment weight, MemorySegment bias, int prefix) implements Stage {

    @Override
    public Op op() {
        return Op.HEAD;
    }

    @Override
    public void run(Workspace ws) {
        int d = c.hidden(), t = c.tokens();
        MemorySegment x = ws.buffer(Buffer.X);
        if (prefix == 0) {
            LayerNorm.apply(ws.rows(), d, x, 0, d, weight, 0, bias, 0, c.eps(), ws.buffer(Buffer.XN), 0, d);
            return;
        }
        MemorySegment pooled = ws.buffer(Buffer.POOLED);
        for (int j = 0; j < prefix; j++) {
            LayerNorm.apply(ws.batch, d, x, (long) j * d, t * d, weight, 0, bias, 0, c.eps(), pooled,
                    (long) j * ws.batch * d, d);
        }
    }

    @Override
    public void show(Workspace ws, InferenceSession.Probe probe) {
        if (prefix > 0) {
            probe.tensor("final_norm_cls", ws.buffer(Buffer.POOLED), 0, ws.batch, c.hidden(), c.hidden());
        }
    }
}
