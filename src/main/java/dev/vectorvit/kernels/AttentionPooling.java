package dev.vectorvit.kernels;

import dev.vectorvit.tensor.Checks;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * SigLIP's attention-pooling head (transformers' {@code SiglipMultiheadAttentionPoolingHead}): per image,
 * a learned probe attends over the image's T token rows x [T, D] with {@code nn.MultiheadAttention}, then
 * {@code h + MLP(LayerNorm(h))}; the result is {@code pooler_output} [B, D].
 * <pre>
 *   q   = probe Wq^T + bq                          once, at load ({@link #prepareQuery}): weights only
 *   K|V = x Wkv^T + bkv                            one GEMM over all B T rows, Wkv = in_proj rows [D, 3D)
 *   ctx = concat_h softmax(q_h K_h^T / sqrt(hd)) V_h   per (image, head) pair, on the team
 *   h   = ctx Wo^T + bo
 *   out = h + fc2(act(fc1(LayerNorm(h))))          residual as the GEMM's beta = 1
 * </pre>
 * The tensors of a Hugging Face checkpoint, under {@code head.} in a {@code SiglipVisionModel} folder and
 * {@code vision_model.head.} in a {@code SiglipModel} one: {@code probe} [1, 1, D],
 * {@code attention.in_proj_weight} [3D, D] and {@code attention.in_proj_bias} [3D] (q, k, v stacked),
 * {@code attention.out_proj.weight} [D, D] and {@code .bias}, {@code layernorm.weight} and {@code .bias}
 * (eps = {@code layer_norm_eps}), {@code mlp.fc1.weight} [I, D] and {@code .bias}, {@code mlp.fc2.weight}
 * [D, I] and {@code .bias}; the MLP's activation is the config's {@code hidden_act} (SigLIP:
 * {@code gelu_pytorch_tanh}, {@link Activation#GELU_TANH}).
 *
 * <p>Each image's output depends on its own rows only, each element through a fixed chain of operations
 * (every GEMM's elements are thread- and blocking-independent, one member computes a whole (image, head)
 * pair), so results are bitwise the same for every thread count and for an image alone or in any batch.
 * The segments passed in must be readable from the gemm's team (shared, global or automatic arenas), as
 * for {@link Gemm}; {@code out} may be confined: it is written by the calling thread. The head is
 * immutable and shared; each caller runs it through its own {@link Pass} ({@link #on}), which holds the
 * call in flight for the team's members.
 */
public final class AttentionPooling {
    /** A head's tensors as a checkpoint holds them (see the class comment for names and shapes). */
    public record Tensors(MemorySegment probe, MemorySegment inProjWeight, MemorySegment inProjBias,
                          MemorySegment outProjWeight, MemorySegment outProjBias,
                          MemorySegment normWeight, MemorySegment normBias,
                          MemorySegment fc1Weight, MemorySegment fc1Bias,
                          MemorySegment fc2Weight, MemorySegment fc2Bias) {}

    private final PackedMatrix keyValue, outProj, fc1, fc2;
    private final MemorySegment keyValueBias, query, outBias, normWeight, normBias, fc1Bias, fc2Bias;
    private final float eps;
    private final Activation act;
    private final int d, heads, headSize, intermediate;

    /**
     * @param keyValue     in_proj_weight rows [D, 3D) packed: [2D, D], keys then values
     * @param keyValueBias in_proj_bias [D, 3D): 2D floats from 0
     * @param query        the projected probe, D floats from 0 ({@link #prepareQuery})
     */
    public AttentionPooling(PackedMatrix keyValue, MemorySegment keyValueBias, MemorySegment query,
                            PackedMatrix outProj, MemorySegment outBias, MemorySegment normWeight,
                            MemorySegment normBias, float eps, PackedMatrix fc1, MemorySegment fc1Bias,
                            PackedMatrix fc2, MemorySegment fc2Bias, int heads, Activation act) {
        this.d = outProj.n();
        this.intermediate = fc1.n();
        Checks.positive("heads", heads);
        if (d % heads != 0) {
            throw new IllegalArgumentException("hidden size " + d + " is not a multiple of heads " + heads);
        }
        requireShape("keyValue", keyValue, 2 * d, d);
        requireShape("outProj", outProj, d, d);
        requireShape("fc1", fc1, intermediate, d);
        requireShape("fc2", fc2, d, intermediate);
        Checks.vector("keyValueBias", keyValueBias, 0, 2L * d);
        Checks.vector("query", query, 0, d);
        Checks.vector("outBias", outBias, 0, d);
        Checks.vector("normWeight", normWeight, 0, d);
        Checks.vector("normBias", normBias, 0, d);
        Checks.vector("fc1Bias", fc1Bias, 0, intermediate);
        Checks.vector("fc2Bias", fc2Bias, 0, d);
        if (!(eps >= 0) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and >= 0, got " + eps);
        }
        this.keyValue = keyValue;
        this.keyValueBias = keyValueBias;
        this.query = query;
        this.outProj = outProj;
        this.outBias = outBias;
        this.normWeight = normWeight;
        this.normBias = normBias;
        this.eps = eps;
        this.fc1 = fc1;
        this.fc1Bias = fc1Bias;
        this.fc2 = fc2;
        this.fc2Bias = fc2Bias;
        this.heads = heads;
        this.headSize = d / heads;
        this.act = act;
    }

    /** Packs a checkpoint's head (D from the probe, I from fc1) into memory of {@code arena}. */
    public static AttentionPooling pack(Tensors t, int heads, float eps, Activation act, Arena arena) {
        int d = Math.toIntExact(t.probe().byteSize() / Float.BYTES);
        int i = Math.toIntExact(t.fc1Bias().byteSize() / Float.BYTES);
        Checks.matrix("inProjWeight", t.inProjWeight(), 0, 3L * d, d, d);
        Checks.vector("inProjBias", t.inProjBias(), 0, 3L * d);
        return new AttentionPooling(
                PackedMatrix.pack(t.inProjWeight(), (long) d * d, d, 2 * d, d, arena), copy(t.inProjBias(), d, 2 * d, arena),
                prepareQuery(t.probe(), t.inProjWeight(), t.inProjBias(), d, arena),
                PackedMatrix.pack(t.outProjWeight(), 0, d, d, d, arena), copy(t.outProjBias(), 0, d, arena),
                copy(t.normWeight(), 0, d, arena), copy(t.normBias(), 0, d, arena), eps,
                PackedMatrix.pack(t.fc1Weight(), 0, d, i, d, arena), copy(t.fc1Bias(), 0, i, arena),
                PackedMatrix.pack(t.fc2Weight(), 0, i, d, i, arena), copy(t.fc2Bias(), 0, d, arena), heads, act);
    }

    /**
     * q = probe Wq^T + bq (Wq and bq: the first D rows of in_proj_weight and floats of in_proj_bias), D
     * floats in memory of {@code arena}. It depends on weights only, so it is made once at load, with the
     * double-accumulating reference (one rounding per element; D^2 work, nothing next to one image).
     */
    public static MemorySegment prepareQuery(MemorySegment probe, MemorySegment inProjWeight, MemorySegment inProjBias,
                                             int d, Arena arena) {
        Checks.vector("probe", probe, 0, d);
        Checks.matrix("inProjWeight", inProjWeight, 0, d, d, d);
        Checks.vector("inProjBias", inProjBias, 0, d);
        MemorySegment q = Memory.floats(arena, d);
        ScalarKernels.gemm(1, d, d, 1f, MatrixView.of(probe, 0, d), MatrixView.of(inProjWeight, 0, d).t(),
                MatrixView.of(q, 0, d), new Epilogue(0f, inProjBias, 0, Activation.NONE));
        return q;
    }

    /**
     * Floats of workspace {@link #apply} needs: B (2D + max(T (2D + heads), D + I)). Keys, values and
     * scores are dead once the attention's output is made, so the LayerNorm and MLP rows reuse their room.
     */
    public static long workspaceFloats(int batch, int tokens, int d, int heads, int intermediate) {
        return (long) batch * (2L * d + Math.max((long) tokens * (2L * d + heads), (long) d + intermediate));
    }

    /** This head run on {@code gemm}'s team: one per caller (a session), made once, reused by every call. */
    public Pass on(Gemm gemm) {
        return new Pass(gemm);
    }

    /** A caller's runs of the head: the call in flight lives here, read by the team's members. */
    public final class Pass {
        private final Gemm gemm;
        private final ThreadTeam.Job attendJob = this::attend;
        private int batch, tokens;
        private MemorySegment workspace;
        private long ctxOff;

        private Pass(Gemm gemm) {
            this.gemm = gemm;
        }

        /**
         * Writes pooler_output for {@code batch} images, B x D floats from float {@code outOff}, from their
         * token rows: image b's T rows of D floats start at float {@code xOff + b T ldx}, leading dimension
         * ldx. {@code workspace} holds at least {@link #workspaceFloats} floats from 0.
         */
        public void apply(int batch, int tokens, MemorySegment x, long xOff, int ldx, MemorySegment workspace,
                          MemorySegment out, long outOff) {
            Checks.positive("batch", batch);
            Checks.positive("tokens", tokens);
            Checks.matrix("x", x, xOff, (long) batch * tokens, d, ldx);
            long floats = workspaceFloats(batch, tokens, d, heads, intermediate);
            Checks.vector("workspace", workspace, 0, floats);
            Checks.vector("out", out, outOff, (long) batch * d);
            Checks.noOverlap("workspace", workspace, 0, floats, "x", x, xOff, Checks.extent((long) batch * tokens, d, ldx));
            Checks.noOverlap("out", out, outOff, (long) batch * d, "workspace", workspace, 0, floats);
            // [keys and values | scores], later [LayerNorm rows | MLP rows]; then [ctx | h].
            long ctx = floats - 2L * batch * d, h = ctx + (long) batch * d, norm = 0, mlp = (long) batch * d;
            gemm.multiply(batch * tokens, x, xOff, ldx, keyValue, 0f, workspace, 0, 2 * d, keyValueBias, 0,
                    Activation.NONE);
            this.batch = batch;
            this.tokens = tokens;
            this.workspace = workspace;
            this.ctxOff = ctx;
            try {
                gemm.team().run(attendJob, Math.min(gemm.team().size(), batch * heads));
            } finally {
                this.workspace = null;
            }
            gemm.multiply(batch, workspace, ctx, d, outProj, 0f, workspace, h, d, outBias, 0, Activation.NONE);
            LayerNorm.apply(batch, d, workspace, h, d, normWeight, 0, normBias, 0, eps, workspace, norm, d);
            gemm.multiply(batch, workspace, norm, d, fc1, 0f, workspace, mlp, intermediate, fc1Bias, 0, act);
            gemm.multiply(batch, workspace, mlp, intermediate, fc2, 1f, workspace, h, d, fc2Bias, 0, Activation.NONE);
            MemorySegment.copy(workspace, h * Float.BYTES, out, outOff * Float.BYTES, (long) batch * d * Float.BYTES);
        }

        /** This member's contiguous share of the (image, head) pairs: scores, softmax and ctx, one pair at a time. */
        private void attend(int member, int members) {
            int t = tokens, ld = 2 * d;
            long pairs = (long) batch * heads;
            long scores0 = (long) batch * t * ld;
            float scale = (float) (1.0 / Math.sqrt(headSize));
            for (long pair = pairs * member / members, end = pairs * (member + 1) / members; pair < end; pair++) {
                int b = (int) (pair / heads), h = (int) (pair % heads);
                long k = (long) b * t * ld + (long) h * headSize, scores = scores0 + pair * t;
                gemm.multiplyOn(member, 1, t, headSize, query, (long) h * headSize, d, false, workspace, k, ld, true,
                        workspace, scores, t);
                Softmax.apply(1, t, scale, workspace, scores, t);
                gemm.multiplyOn(member, 1, headSize, t, workspace, scores, t, false, workspace, k + d, ld, false,
                        workspace, ctxOff + (long) b * d + (long) h * headSize, d);
            }
        }
    }

    private static void requireShape(String name, PackedMatrix w, int n, int k) {
        if (w.n() != n || w.k() != k) {
            throw new IllegalArgumentException(name + " is " + w.n() + " x " + w.k() + ", expected " + n + " x " + k);
        }
    }

    /** n floats of {@code src} from float {@code off}, copied into {@code arena} (the checkpoint may be closed). */
    private static MemorySegment copy(MemorySegment src, long off, int n, Arena arena) {
        Checks.vector("tensor", src, off, n);
        MemorySegment dst = Memory.floats(arena, n);
        MemorySegment.copy(src, off * Float.BYTES, dst, 0, (long) n * Float.BYTES);
        return dst;
    }
}
