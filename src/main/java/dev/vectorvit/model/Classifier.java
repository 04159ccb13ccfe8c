package dev.vectorvit.model;

/**
 * The classification head of a model, on the tokens after the final LayerNorm: linear heads on the first
 * {@link #heads()} prefix tokens, their logits averaged, or DINOv2's one head on the class token and the
 * patch mean.
 */
public enum Classifier {
    /** No head (a feature extractor): only embeddings and tokens. */
    NONE(0, 1),
    /** ViT: one linear head on the class token. */
    CLASS_TOKEN(1, 1),
    /** DeiT with teacher: heads on the class and the distillation token, averaged. */
    DISTILLED(2, 1),
    /**
     * DINOv2: one linear head on the class token and the mean of the patch tokens side by side (register
     * tokens excluded), both after the final LayerNorm.
     */
    CLASS_AND_PATCH_MEAN(1, 2);

    private final int heads;
    private final int vectors;

    Classifier(int heads, int vectors) {
        this.heads = heads;
        this.vectors = vectors;
    }

    /** Linear heads, one per prefix token from the first. */
    public int heads() {
        return heads;
    }

    /** Inputs of each head: {@code hidden}, or twice that for {@link #CLASS_AND_PATCH_MEAN}. */
    public int headInputs(int hidden) {
        return vectors * hidden;
    }
}
