package dev.vectorvit.kernels;

import dev.vectorvit.tensor.Checks;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A constant right-hand operand (a linear layer's weight W, stored [n x k] as PyTorch keeps it) packed
 * once into the order the micro-kernel reads, so that {@link Gemm#multiply(int, MatrixView, PackedMatrix,
 * MatrixView, Epilogue) C = A W^T} neither
 * copies nor transposes it per call, and every thread of every session reads the same copy (ONNX
 * Runtime's MLAS packs constant B the same way).
 *
 * <p>Layout: k is cut into slices of {@code kc} (the blocking's KC when packed); slice by slice, the n
 * columns of W^T in panels of NR, each panel kc x NR floats k-major, columns past n zero. The panel of
 * columns [j, j + NR) in the slice starting at p is at float {@code p * paddedN + j * depth}, where depth is
 * that slice's depth. Without the Vector API the scalar reference runs instead, and this holds a plain
 * [n x k] copy.
 */
public final class PackedMatrix {
    private final MemorySegment data;
    private final int n, k, kc, paddedN;
    private final boolean panels;

    private PackedMatrix(MemorySegment data, int n, int k, int kc, int paddedN, boolean panels) {
        this.data = data;
        this.n = n;
        this.k = k;
        this.kc = kc;
        this.paddedN = paddedN;
        this.panels = panels;
    }

    /** Packs W (n x k, leading dimension ld, from float {@code off}) into memory of {@code arena}, sliced by the machine's KC. */
    public static PackedMatrix pack(MemorySegment w, long off, int ld, int n, int k, Arena arena) {
        return pack(w, off, ld, n, k, GemmBlocking.forThisMachine(), arena);
    }

    /** Packs W (n x k, leading dimension ld, from float {@code off}) with the k slices of {@code blocking}. */
    public static PackedMatrix pack(MemorySegment w, long off, int ld, int n, int k, GemmBlocking blocking, Arena arena) {
        Checks.positive("n", n);
        Checks.positive("k", k);
        Checks.matrix("W (n x k)", w, off, n, k, ld);
        if (!Simd.enabled()) {
            MemorySegment copy = Memory.floats(arena, (long) n * k);
            for (int j = 0; j < n; j++) {
                MemorySegment.copy(w, (off + (long) j * ld) * Float.BYTES, copy, (long) j * k * Float.BYTES, (long) k * Float.BYTES);
            }
            return new PackedMatrix(copy, n, k, k, n, false);
        }
        int nr = GemmContext.CURRENT.nr(), kc = Math.min(k, blocking.kc());
        int paddedN = (n + nr - 1) / nr * nr;
        MemorySegment data = Memory.floats(arena, (long) paddedN * k);
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment tmp = Memory.floats(scratch, (long) (nr / 2) * (nr / 2));
            for (int p = 0; p < k; p += kc) {
                Packing.packB(true, w, off, ld, p, Math.min(kc, k - p), 0, n, data, (long) paddedN * p, nr, tmp);
            }
        }
        return new PackedMatrix(data, n, k, kc, paddedN, true);
    }

    /** Columns of the product (rows of W). */
    public int n() {
        return n;
    }

    /** Depth of the product (columns of W). */
    public int k() {
        return k;
    }

    /** Bytes of packed data, padding included. */
    public long byteSize() {
        return data.byteSize();
    }

    MemorySegment data() {
        return data;
    }

    /** Depth of each k slice but the last. */
    int kc() {
        return kc;
    }

    /** n rounded up to whole panels. */
    int paddedN() {
        return paddedN;
    }

    /** Whether the data is in panels (the vector kernels) or a plain [n x k] copy (the scalar reference). */
    boolean panels() {
        return panels;
    }
}
