package dev.vectorvit.model;

/**
 * The classification head of a model: linear heads on the first {@link #heads()} prefix tokens after the
 * final LayerNorm, their logits averaged.
 */
public enum Classifier {
    /** No head (a feature extractor): only embeddings and tokens. */
    NONE(0),
    /** ViT: one linear head on the class token. */
    CLASS_TOKEN(1),
    /** DeiT with teacher: heads on the class and the distillation token, averaged. */
    DISTILLED(2);

    private final int heads;

    Classifier(int heads) {
        this.heads = heads;
    }

    /** Linear heads, one per prefix token from the first. */
    public int heads() {
        return heads;
    }
}
