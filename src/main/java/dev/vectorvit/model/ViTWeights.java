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
        try (Draws draws = new Draws(seed)) {
            int d = c.hidden();
            Layer[] layers = new Layer[c.layers()];
            for (int i = 0; i < layers.length; i++) {
                layers[i] = new Layer(ones(arena, d), zeros(arena, d),
                        draws.linear(arena, 3 * d, d), draws.uniform(arena, 3L * d),
                        draws.linear(arena, d, d), draws.uniform(arena, d),
                        ones(arena, d), zeros(arena, d),
                        draws.linear(arena, c.mlp(), d), draws.uniform(arena, c.mlp()),
                        draws.linear(arena, d, c.mlp()), draws.uniform(arena, d));
            }
            // SigLIP has no prefix token (an empty segment: memory is never 0 floats).
            MemorySegment prefix = c.prefixTokens() == 0 ? MemorySegment.NULL
                    : draws.uniform(arena, (long) c.prefixTokens() * d);
            MemorySegment positions = draws.uniform(arena, (long) c.tokens() * d);
            PackedMatrix patchWeight = draws.linear(arena, d, c.patchFloats());
            MemorySegment patchBias = draws.uniform(arena, d);
            Linear[] heads = new Linear[c.classifier().heads()];
            for (int i = 0; i < heads.length; i++) {
                heads[i] = new Linear(draws.linear(arena, c.classes(), c.classifier().headInputs(d)),
                        draws.uniform(arena, c.classes()));
            }
            return new ViTWeights(prefix, positions, patchWeight, patchBias, layers, ones(arena, d), zeros(arena, d),
                    heads, tower(c, draws, arena));
        }
    }

    /** Random weights of the tower beyond ViT's, drawn after the others (a ViT's weights are as they were). */
    private static TowerWeights tower(ViTConfig c, Draws draws, Arena arena) {
        int d = c.hidden(), projection = c.tower().projection();
        return switch (c.tower().kind()) {
            case VIT, SIGLIP_WITHOUT_HEAD -> TowerWeights.NONE;
            case CLIP -> new TowerWeights(ones(arena, d), zeros(arena, d),
                    projection > 0 ? draws.linear(arena, projection, d) : null, null);
            case SIGLIP -> {
                try (Arena scratch = Memory.scratch()) {
                    int m = c.mlp();
                    AttentionPooling.Tensors t = new AttentionPooling.Tensors(draws.uniform(scratch, d),
                            draws.uniform(scratch, 3L * d * d), draws.uniform(scratch, 3L * d),
                            draws.uniform(scratch, (long) d * d), draws.uniform(scratch, d),
                            ones(scratch, d), zeros(scratch, d),
                            draws.uniform(scratch, (long) m * d), draws.uniform(scratch, m),
                            draws.uniform(scratch, (long) d * m), draws.uniform(scratch, d));
                    yield new TowerWeights(null, null, null,
                            AttentionPooling.pack(t, c.heads(), c.eps(), c.activation(), arena));
                }
            }
        };
    }

    /**
     * The random draws: each tensor from its own split of the seed's generator, in the order they are made.
     * Linear weights are drawn into one scratch buffer, kept for every layer, and packed from there: a buffer
     * allocated, zeroed and freed per weight was about a quarter of ViT-B/16's making, and the draws go through an
     * array (a segment store per float is a chain of calls until C2 compiles the loop).
     */
    private static final class Draws implements AutoCloseable {
        private static final float HALF_WIDTH = (float) (0.02 * Math.sqrt(3));
        private final SplittableRandom root;
        private final float[] chunk = new float[4096];
        private Arena scratchArena;
        private MemorySegment scratch = MemorySegment.NULL;

        Draws(long seed) {
            root = new SplittableRandom(seed);
        }

        /** A random [out, in] weight, packed into {@code arena}. */
        PackedMatrix linear(Arena arena, int out, int in) {
            long count = (long) out * in;
            if (scratch.byteSize() < count * Float.BYTES) {
                close();
                scratchArena = Memory.scratch();
                scratch = Memory.floats(scratchArena, count);
            }
            fill(scratch, count);
            return PackedMatrix.pack(scratch, 0, in, out, in, arena);
        }

        MemorySegment uniform(Arena arena, long count) {
            MemorySegment s = Memory.floats(arena, count);
            fill(s, count);
            return s;
        }

        private void fill(MemorySegment s, long count) {
            SplittableRandom r = root.split();
            for (long i = 0; i < count; i += chunk.length) {
                int n = (int) Math.min(chunk.length, count - i);
                for (int j = 0; j < n; j++) {
                    chunk[j] = (float) ((r.nextDouble() * 2 - 1) * HALF_WIDTH);
                }
                MemorySegment.copy(chunk, 0, s, ValueLayout.JAVA_FLOAT, i * Float.BYTES, n);
            }
        }

        @Override
        public void close() {
            if (scratchArena != null) {
                scratchArena.close();
                scratchArena = null;
            }
        }
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
