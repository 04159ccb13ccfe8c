package dev.vectorvit.model;

import dev.vectorvit.kernels.Activation;
import dev.vectorvit.model.Workspace.Buffer;

/**
 * A linear layer over every row: out = beta out + in W^T + b, then the activation (q/k/v, the output
 * projection and fc2 with beta = 1 as the residual add, fc1 with GELU).
 *
 * @param tokens tokens per image (the rows of one image)
 * @param probe  the name under which a probe sees {@code out} after this stage, or null
 */
record LinearStage(Op op, int tokens, Buffer in, int inWidth, ViTWeights.Linear weight, float beta, Buffer out, int outWidth,
                   Activation activation, String probe) implements Stage {

    @Override
    public double flops(Op op, int batch) {
        return op == this.op ? 2.0 * batch * tokens * inWidth * outWidth : 0;
    }

    @Override
    public void run(Workspace ws) {
        ws.gemm.multiply(ws.rows(), ws.buffer(in), 0, inWidth, weight.weight(), beta, ws.buffer(out), 0, outWidth,
                weight.bias(), 0, activation);
    }

    @Override
    public void show(Workspace ws, InferenceSession.Probe p) {
        if (probe != null) {
            p.tensor(probe, ws.buffer(out), 0, ws.rows(), outWidth, outWidth);
        }
    }
}
