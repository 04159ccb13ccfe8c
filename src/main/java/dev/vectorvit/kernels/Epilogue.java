package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;

/**
 * What a GEMM does to C besides the product: {@code C = act(alpha op(A) op(B) + beta C + bias)}. beta = 0
 * means C is not read (BLAS convention); {@code bias} (n floats from float {@code biasOffset}, may be null)
 * is added to every row. Fusing these into the product spares a second pass over C: the model's residual
 * adds are beta = 1, its MLP's GELU runs on each finished tile.
 */
public record Epilogue(float beta, MemorySegment bias, long biasOffset, Activation activation) {
    /** C = alpha op(A) op(B): C not read, no bias, no activation. */
    public static final Epilogue NONE = new Epilogue(0f, null, 0, Activation.NONE);

    public Epilogue {
        if (activation == null) {
            throw new IllegalArgumentException("activation is null (use Activation.NONE)");
        }
    }

    /** beta C, plus the bias from its first float (may be null), then {@code activation}. */
    public static Epilogue of(float beta, MemorySegment bias, Activation activation) {
        return new Epilogue(beta, bias, 0, activation);
    }
}
