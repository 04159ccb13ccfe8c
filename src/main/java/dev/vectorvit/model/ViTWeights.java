package dev.vectorvit.model;

import dev.vectorvit.kernels.AttentionPooling;
import dev.vectorvit.kernels.PackedMatrix;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * The parameters of a ViT, owned by the model: every linear layer's weight packed once for the GEMM
 * ({@link PackedMatrix}, from PyTorch's [out, in]; the patch embedding [D, C, P, P] read as [D, C P P]),
 * the other parameters as float32 copies. Nothing here points into the checkpoint file, which is closed
 * once they are made.
 *
 * @param prefix  the prefix tokens' values, [prefixTokens, D], class token first
 * @param patchBias the patch embedding's bias, or null (CLIP has none)
 * @param normWeight the final LayerNorm (CLIP's and SigLIP's {@code post_layernorm})
 * @param heads   the classifier's linear heads, one per prefix token from the first (none without one)
 * @param tower   the weights of the {@link Tower} beyond these
 */
record ViTWeights(MemorySegment prefix, MemorySegment positions, PackedMatrix patchWeight, MemorySegment patchBias,
                  Layer[] layers, MemorySegment normWeight, MemorySegment normBias, Linear[] heads,
                  TowerWeights tower) {

    /** The weights of a ViT or DeiT. */
    ViTWeights(MemorySegment prefix, MemorySegment positions, PackedMatrix patchWeight, MemorySegment patchBias,
               Layer[] layers, MemorySegment normWeight, MemorySegment normBias, Linear[] heads) {
        this(prefix, positions, patchWeight, patchBias, layers, normWeight, normBias, heads, TowerWeights.NONE);
    }

    /** The first head's bias: the one every classifier has. */
    MemorySegment headBias() {
        return heads[0].bias();
    }

    /** A linear layer: weight [out, in] packed, bias [out]. */
    record Linear(PackedMatrix weight, MemorySegment bias) {}

    /**
     * One encoder block.
     *
     * @param qkv     the query, key and value projections as one [3D, D] weight (timm stores them so; Hugging
     *                Face's three are stacked at load), writing the three column blocks of the qkv buffer
     * @param qkvBias their biases, [3D]
     */
    record Layer(MemorySegment norm1Weight, MemorySegment norm1Bias, PackedMatrix qkv, MemorySegment qkvBias,
                 PackedMatrix projWeight, MemorySegment projBias, MemorySegment norm2Weight, MemorySegment norm2Bias,
                 PackedMatrix fc1Weight, MemorySegment fc1Bias, PackedMatrix fc2Weight, MemorySegment fc2Bias) {}

    /**
     * Deterministic random weights for {@code config} (weights uniform with standard deviation 0.02 as in
     * ViT's initialisation, LayerNorms at identity), for benchmarks and demos without files.
     */
    static ViTWeights random(ViTConfig c, long seed, Arena arena) {
        SplittableRandom root = new SplittableRandom(seed);
        int d = c.hidden();
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new Layer(ones(arena, d), zeros(arena, d),
                    linear(arena, 3 * d, d, root), uniform(arena, 3L * d, root),
                    linear(arena, d, d, root), uniform(arena, d, root),
                    ones(arena, d), zeros(arena, d),
                    linear(arena, c.mlp(), d, root), uniform(arena, c.mlp(), root),
                    linear(arena, d, c.mlp(), root), uniform(arena, d, root));
        }
        // SigLIP has no prefix token (an empty segment: memory is never 0 floats).
        MemorySegment prefix = c.prefixTokens() == 0 ? MemorySegment.NULL : uniform(arena, (long) c.prefixTokens() * d, root);
        MemorySegment positions = uniform(arena, (long) c.tokens() * d, root);
        PackedMatrix patchWeight = linear(arena, d, c.patchFloats(), root);
        MemorySegment patchBias = uniform(arena, d, root);
        Linear[] heads = new Linear[c.classifier().heads()];
        for (int i = 0; i < heads.length; i++) {
            heads[i] = new Linear(linear(arena, c.classes(), c.classifier().headInputs(d), root),
                    uniform(arena, c.classes(), root));
        }
        return new ViTWeights(prefix, positions, patchWeight, patchBias, layers, ones(arena, d), zeros(arena, d), heads,
                tower(c, root, arena));
    }

    /** Random weights of the tower beyond ViT's, drawn after the others (a ViT's weights are as they were). */
    private static TowerWeights tower(ViTConfig c, SplittableRandom root, Arena arena) {
        int d = c.hidden(), projection = c.tower().projection();
        return switch (c.tower().kind()) {
            case VIT, SIGLIP_WITHOUT_HEAD -> TowerWeights.NONE;
            case CLIP -> new TowerWeights(ones(arena, d), zeros(arena, d),
                    projection > 0 ? linear(arena, projection, d, root) : null, null);
            case SIGLIP -> {
                try (Arena scratch = Memory.scratch()) {
                    int m = c.mlp();
                    AttentionPooling.Tensors t = new AttentionPooling.Tensors(uniform(scratch, d, root),
                            uniform(scratch, 3L * d * d, root), uniform(scratch, 3L * d, root),
                            uniform(scratch, (long) d * d, root), uniform(scratch, d, root),
                            ones(scratch, d), zeros(scratch, d),
                            uniform(scratch, (long) m * d, root), uniform(scratch, m, root),
                            uniform(scratch, (long) d * m, root), uniform(scratch, d, root));
                    yield new TowerWeights(null, null, null,
                            AttentionPooling.pack(t, c.heads(), c.eps(), c.activation(), arena));
                }
            }
        };
    }

    /** A random [out, in] weight, made in scratch memory (freed at once) and packed into {@code arena}. */
    private static PackedMatrix linear(Arena arena, int out, int in, SplittableRandom root) {
        try (Arena scratch = Memory.scratch()) {
            return PackedMatrix.pack(uniform(scratch, (long) out * in, root), 0, in, out, in, arena);
        }
    }

    private static MemorySegment uniform(Arena arena, long count, SplittableRandom root) {
        MemorySegment s = Memory.floats(arena, count);
        SplittableRandom r = root.split();
        float halfWidth = (float) (0.02 * Math.sqrt(3));
        for (long i = 0; i < count; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) ((r.nextDouble() * 2 - 1) * halfWidth));
        }
        return s;
    }

    private static MemorySegment zeros(Arena arena, long count) {
        return Memory.floats(arena, count);
    }

    private static MemorySegment ones(Arena arena, long count) {
        MemorySegment s = Memory.floats(arena, count);
        for (long i = 0; i < count; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, 1f);
        }
        return s;
    }
}
