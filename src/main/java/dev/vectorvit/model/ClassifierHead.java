package dev.vectorvit.model;

import dev.vectorvit.kernels.Activation;
import dev.vectorvit.kernels.ElementWise;
import dev.vectorvit.model.Workspace.Buffer;
import java.lang.foreign.MemorySegment;

/**
 * The classifier on the pooled prefix tokens: head j reads the j-th prefix token of each image; with
 * several heads (DeiT with teacher) their logits are averaged, as Hugging Face does.
 */
record ClassifierHead(ViTConfig c, ViTWeights.Linear[] heads) implements Stage {

    @Override
    public Op op() {
        return Op.HEAD;
    }

    @Override
    public double flops(Op op, int batch) {
        return op == Op.HEAD ? 2.0 * batch * c.hidden() * c.classes() * heads.length : 0;
    }

    @Override
    public void run(Workspace ws) {
        int d = c.hidden(), k = c.classes(), batch = ws.batch;
        MemorySegment pooled = ws.buffer(Buffer.POOLED), logits = ws.buffer(Buffer.LOGITS);
        // Each head after the first adds to the logits (beta = 1): their sum, then the mean.
        for (int j = 0; j < heads.length; j++) {
            ws.gemm.multiply(batch, pooled, (long) j * batch * d, d, heads[j].weight(), j == 0 ? 0f : 1f, logits, 0, k,
                    heads[j].bias(), 0, Activation.NONE);
        }
        if (heads.length > 1) {
            ElementWise.scale(batch, k, 1f / heads.length, logits, 0, k);
        }
    }
}
