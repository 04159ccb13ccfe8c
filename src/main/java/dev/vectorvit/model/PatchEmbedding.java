package dev.vectorvit.model;

import dev.vectorvit.kernels.Activation;
import dev.vectorvit.kernels.ElementWise;
import dev.vectorvit.model.Workspace.Buffer;
import java.lang.foreign.MemorySegment;

/** x = [prefix tokens; patches W^T + b] + positions, per image. */
record PatchEmbedding(ViTConfig c, ViTWeights w) implements Stage {

    @Override
    public Op op() {
        return Op.PATCH_EMBEDDING;
    }

    @Override
    public double flops(Op op, int batch) {
        return op == Op.PATCH_EMBEDDING ? 2.0 * batch * c.patches() * c.patchFloats() * c.hidden() : 0;
    }

    @Override
    public void run(Workspace ws) {
        int p = c.patchSize(), gw = c.gridWidth(), ih = c.imageHeight(), iw = c.imageWidth(), pf = c.patchFloats();
        int t = c.tokens(), d = c.hidden(), np = c.patches(), k = c.prefixTokens();
        MemorySegment input = ws.input, patches = ws.buffer(Buffer.PATCHES), x = ws.buffer(Buffer.X);
        long rowBytes = (long) p * Float.BYTES;
        // Unfold: patch (py, px) of channel ch becomes p rows of p floats in the patch's row of the matrix.
        for (int b = 0; b < ws.batch; b++) {
            for (int ch = 0; ch < c.channels(); ch++) {
                for (int y = 0; y < ih; y++) {
                    long src = ws.inputOffset + (((long) b * c.channels() + ch) * ih + y) * iw;
                    int py = y / p, ky = y % p;
                    for (int px = 0; px < gw; px++) {
                        long dst = ((long) b * np + (long) py * gw + px) * pf + ((long) ch * p + ky) * p;
                        MemorySegment.copy(input, (src + (long) px * p) * Float.BYTES, patches, dst * Float.BYTES, rowBytes);
                    }
                }
            }
        }
        for (int b = 0; b < ws.batch; b++) {
            long xb = (long) b * t * d;
            ws.gemm.multiply(np, patches, (long) b * np * pf, pf, w.patchWeight(), 0f, x, xb + (long) k * d, d,
                    w.patchBias(), 0, Activation.NONE);
            MemorySegment.copy(w.prefix(), 0, x, xb * Float.BYTES, (long) k * d * Float.BYTES);
            ElementWise.add(t, d, w.positions(), 0, d, x, xb, d);
        }
    }

    @Override
    public void show(Workspace ws, InferenceSession.Probe probe) {
        probe.tensor("embeddings", ws.buffer(Buffer.X), 0, ws.rows(), c.hidden(), c.hidden());
    }
}
