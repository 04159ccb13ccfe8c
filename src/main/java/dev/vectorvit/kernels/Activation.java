package dev.vectorvit.kernels;

/** The element-wise function a GEMM may apply to its result before storing it (the fused epilogue). */
public enum Activation {
    /** Store the result as it is. */
    NONE,
    /** GELU in its exact form, x/2 (1 + erf(x / sqrt 2)): PyTorch {@code nn.GELU()}, Hugging Face "gelu", timm. */
    GELU_ERF,
    /** GELU in its tanh approximation: PyTorch {@code nn.GELU(approximate="tanh")}, "gelu_new". */
    GELU_TANH
}
