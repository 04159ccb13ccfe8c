package dev.vectorvit.kernels;

/** The element-wise function a GEMM may apply to its result before storing it (the fused epilogue). */
public enum Activation {
    /** Store the result as it is. */
    NONE,
    /** GELU in its exact form, x/2 (1 + erf(x / sqrt 2)): PyTorch {@code nn.GELU()}, Hugging Face "gelu", timm. */
    GELU_ERF,
    /**
     * GELU in its tanh approximation: PyTorch {@code nn.GELU(approximate="tanh")}, Hugging Face "gelu_new" and
     * "gelu_pytorch_tanh" (SigLIP).
     */
    GELU_TANH,
    /** CLIP's quick_gelu, x sigmoid(1.702 x): Hugging Face "quick_gelu" (OpenAI CLIP's image towers). */
    QUICK_GELU
}
