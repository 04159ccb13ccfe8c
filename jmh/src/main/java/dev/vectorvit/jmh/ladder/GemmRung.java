package dev.vectorvit.jmh.ladder;

import java.lang.foreign.MemorySegment;

/**
 * One rung of the GEMM ladder: C = A B for contiguous row-major float matrices A [m x k], B [k x n] and
 * C [m x n] (C is overwritten). A rung is made for one shape and keeps whatever buffers it needs.
 * The rungs are teaching code for {@link GemmLadderBench}, not library API: each adds one technique to
 * the one before and says why it helps; the last rung is the library's {@code Gemm} itself.
 */
interface GemmRung {
    void multiply(MemorySegment a, MemorySegment b, MemorySegment c);
}
