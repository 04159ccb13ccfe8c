package dev.vectorvit.model;

import dev.vectorvit.kernels.Activation;
import dev.vectorvit.kernels.ElementWise;
import dev.vectorvit.model.Workspace.Buffer;
import java.lang.foreign.MemorySegment;

/**
 * DINOv2's classifier ({@link Classifier#CLASS_AND_PATCH_MEAN}): one linear layer [classes, 2D] on the class
 * token beside the mean of the patch tokens (the registers between them left out), both read from the final
 * LayerNorm of every token. The [batch, 2D] input is built in the residual stream, which that LayerNorm has
 * consumed: 2D floats per image fit its tokens x D, as every image has a prefix token and a patch.
 */
record PatchMeanHead(ViTConfig c, ViTWeights.Linear head) implements Stage {

    @Override
    public Op op() {
        return Op.HEAD;
    }

    @Override
    public double flops(Op op, int batch) {
        return op == Op.HEAD ? 2.0 * batch * 2 * c.hidden() * c.classes() : 0;
    }

    @Override
    public void run(Workspace ws) {
        int d = c.hidden(), t = c.tokens(), n = c.patches();
        MemorySegment tokens = ws.buffer(Buffer.XN), in = ws.buffer(Buffer.X);
        for (int b = 0; b < ws.batch; b++) {
            long image = (long) b * t * d, row = 2L * b * d, mean = row + d, patches = image + (long) c.prefixTokens() * d;
            MemorySegment.copy(tokens, image * Float.BYTES, in, row * Float.BYTES, (long) d * Float.BYTES);
            MemorySegment.copy(tokens, patches * Float.BYTES, in, mean * Float.BYTES, (long) d * Float.BYTES);
            for (int p = 1; p < n; p++) {
                ElementWise.add(1, d, tokens, patches + (long) p * d, d, in, mean, d);
            }
            ElementWise.scale(1, d, 1f / n, in, mean, d);
        }
        ws.gemm.multiply(ws.batch, in, 0, 2 * d, head.weight(), 0f, ws.buffer(Buffer.LOGITS), 0, c.classes(),
                head.bias(), 0, Activation.NONE);
    }
}
