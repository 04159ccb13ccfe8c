package dev.vectorvit.model;

import dev.vectorvit.kernels.AttentionPooling;
import dev.vectorvit.kernels.PackedMatrix;
import java.lang.foreign.MemorySegment;

/**
 * The weights a {@link Tower} has beyond ViT's, each null where the tower has none.
 *
 * @param preNormWeight CLIP's {@code pre_layrnorm} of the embeddings, [D]
 * @param preNormBias   its bias, [D]
 * @param projection    CLIP's {@code visual_projection} of the pooled class token, [projection, D], no bias
 * @param pooling       SigLIP's attention-pooling head
 */
record TowerWeights(MemorySegment preNormWeight, MemorySegment preNormBias, PackedMatrix projection,
                    AttentionPooling pooling) {
    /** ViT's and DeiT's: nothing beyond the shared weights. */
    static final TowerWeights NONE = new TowerWeights(null, null, null, null);
}
