package dev.vectorvit.model;

/**
 * Which image tower of the ViT family a model is: the encoder blocks are shared, the towers differ in what
 * comes before them and in what {@code tokens} and {@code embed} give (Hugging Face's
 * {@code last_hidden_state} and pooled output).
 *
 * @param kind       the tower
 * @param projection CLIP's {@code visual_projection} width (its {@code projection_dim}), 0 for none
 */
public record Tower(Kind kind, int projection) {
    /** ViT and DeiT: the tower of the original ViT. */
    public static final Tower VIT = new Tower(Kind.VIT, 0);

    public enum Kind {
        /** ViT, DeiT: final LayerNorm on every token; the embedding is the class token's. */
        VIT(true),
        /**
         * CLIP: a LayerNorm ({@code pre_layrnorm}) before the blocks; {@code last_hidden_state} is the blocks'
         * output; the embedding is {@code post_layernorm} of the class token, projected when there is a projection.
         */
        CLIP(true),
        /** SigLIP: {@code post_layernorm} on every token; the embedding is the attention-pooling head's. */
        SIGLIP(false),
        /** SigLIP with {@code vision_use_head} false: tokens only, no pooled output (Hugging Face's is None). */
        SIGLIP_WITHOUT_HEAD(false);

        /** Whether the tower reads a class token, so needs one. */
        final boolean classToken;

        Kind(boolean classToken) {
            this.classToken = classToken;
        }
    }

    public Tower {
        if (kind == null) {
            throw new IllegalArgumentException("tower kind must not be null");
        }
        if (projection < 0 || projection > 0 && kind != Kind.CLIP) {
            throw new IllegalArgumentException("only CLIP has a projection (>= 0), got " + projection + " for " + kind);
        }
    }

    /** Floats of the embedding of a model of width {@code hidden}; 0 for a tower without pooled output. */
    public int embedding(int hidden) {
        return kind == Kind.SIGLIP_WITHOUT_HEAD ? 0 : projection > 0 ? projection : hidden;
    }
}
