package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;

/**
 * A GEMM operand: the row-major matrix of floats in {@code data} starting at float {@code offset}, rows
 * {@code ld} floats apart, read as its transpose when {@code transposed} (BLAS's op(X)). A view copies
 * nothing, so one head's columns or a block of rows is an offset and a leading dimension. Shapes and
 * bounds are checked by the product that reads it.
 *
 * <p>{@link Gemm} unpacks views at its public methods, which are small enough for the JIT to inline, so a
 * view made at the call site is scalar-replaced and a call allocates nothing (GemmBench {@code -prof gc}).
 */
public record MatrixView(MemorySegment data, long offset, int ld, boolean transposed) {

    /** The matrix at float {@code offset} of {@code data} with leading dimension {@code ld}, not transposed. */
    public static MatrixView of(MemorySegment data, long offset, int ld) {
        return new MatrixView(data, offset, ld, false);
    }

    /** The same memory read as the transpose. */
    public MatrixView t() {
        return new MatrixView(data, offset, ld, !transposed);
    }
}
