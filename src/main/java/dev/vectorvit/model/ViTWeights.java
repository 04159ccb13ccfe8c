package dev.vectorvit.model;

import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * The parameters of a ViT as float32 segments in PyTorch's order (linear weights [out, in], the patch
 * embedding [D, C, P, P] read as [D, C P P]). Each segment starts at its tensor's first float. They are
 * views of a memory-mapped file or of memory made for random weights; this class never copies them.
 *
 * @param qkvWeight one fused [3D, D] weight (timm) or three [D, D] weights q, k, v (Hugging Face);
 *                  the model runs one GEMM per entry, writing adjacent column blocks of the qkv buffer
 */
record ViTWeights(MemorySegment clsToken, MemorySegment positions, MemorySegment patchWeight, MemorySegment patchBias,
                  Layer[] layers, MemorySegment normWeight, MemorySegment normBias,
                  MemorySegment headWeight, MemorySegment headBias) {

    /** One encoder block. */
    record Layer(MemorySegment norm1Weight, MemorySegment norm1Bias, MemorySegment[] qkvWeight, MemorySegment[] qkvBias,
                 MemorySegment projWeight, MemorySegment projBias, MemorySegment norm2Weight, MemorySegment norm2Bias,
                 MemorySegment fc1Weight, MemorySegment fc1Bias, MemorySegment fc2Weight, MemorySegment fc2Bias) {}

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
                    new MemorySegment[] {uniform(arena, 3L * d * d, root)}, new MemorySegment[] {uniform(arena, 3L * d, root)},
                    uniform(arena, (long) d * d, root), uniform(arena, d, root),
                    ones(arena, d), zeros(arena, d),
                    uniform(arena, (long) c.mlp() * d, root), uniform(arena, c.mlp(), root),
                    uniform(arena, (long) d * c.mlp(), root), uniform(arena, d, root));
        }
        return new ViTWeights(uniform(arena, d, root), uniform(arena, (long) c.tokens() * d, root),
                uniform(arena, (long) d * c.patchFloats(), root), uniform(arena, d, root), layers,
                ones(arena, d), zeros(arena, d),
                uniform(arena, (long) c.classes() * d, root), uniform(arena, c.classes(), root));
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
