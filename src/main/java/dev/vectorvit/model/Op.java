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
}
