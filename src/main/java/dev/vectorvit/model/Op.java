package dev.vectorvit.model;

/** The operations of a forward pass, as timed by {@link InferenceSession#profile()}. */
public enum Op {
    PATCH_EMBEDDING("patch embedding (unfold + GEMM + positions)"),
    LAYER_NORM("LayerNorms"),
    QKV("q/k/v projection"),
    ATTENTION_SCORES("attention scores Q K^T"),
    SOFTMAX("softmax"),
    ATTENTION_V("attention x V"),
    OUTPUT_PROJECTION("output projection + residual"),
    FC1_GELU("fc1 + GELU"),
    FC2("fc2 + residual"),
    HEAD("final LayerNorm + head");

    private final String label;

    Op(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** FLOPs of this operation in one forward pass of {@code batch} images (0 for the non-GEMM ones). */
    public double flops(ViTConfig c, int batch) {
        double r = (double) batch * c.tokens(), d = c.hidden(), t = c.tokens();
        return switch (this) {
            case PATCH_EMBEDDING -> 2.0 * batch * c.patches() * c.patchFloats() * d;
            case QKV -> c.layers() * 2 * r * d * 3 * d;
            case ATTENTION_SCORES, ATTENTION_V -> c.layers() * 2 * r * t * d;
            case OUTPUT_PROJECTION -> c.layers() * 2 * r * d * d;
            case FC1_GELU, FC2 -> c.layers() * 2 * r * d * c.mlp();
            case HEAD -> 2.0 * batch * d * c.classes();
            case LAYER_NORM, SOFTMAX -> 0;
        };
    }
}
