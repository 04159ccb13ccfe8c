package dev.vectorvit.kernels;

import dev.vectorvit.tensor.Checks;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A constant right-hand operand (a linear layer's weight W, stored [n x k] as PyTorch keeps it) packed
 * once into the order the micro-kernel reads, so that {@link Gemm#multiply(int, MatrixView, PackedMatrix,
 * MatrixView, Epilogue) C = A W^T} neither
 * copies nor transposes it per call, and every thread of every session reads the same copy (ONNX
 * Runtime's MLAS packs constant B the same way).
 *
 * <p>Layout: k is cut into slices of {@code kc} ({@link GemmBlocking#depth} of k when packed); slice by slice, the n
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
        Stack s = stack(n, k, blocking, arena);
        s.add(w, off, ld, n);
        return s.done();
    }

    /**
     * Whether a W stacked from parts of {@code rows} rows each can be packed part by part ({@link #stack}):
     * each part must fill whole panels, so that no panel mixes two parts.
     */
    public static boolean stacksInPlace(int rows) {
        return !Simd.enabled() || rows % GemmContext.CURRENT.nr() == 0;
    }

    /**
     * A packed W of n x k filled part by part, in order, as each part is read ({@link Stack#add}), with no stacked
     * copy of W in between (Hugging Face's separate q, k and v: a checkpoint's tensors are read one at a time).
     * The result is bitwise the same as {@link #pack} of the stacked W.
     */
    public static Stack stack(int n, int k, Arena arena) {
        return stack(n, k, GemmBlocking.forThisMachine(), arena);
    }

    private static Stack stack(int n, int k, GemmBlocking blocking, Arena arena) {
        Checks.positive("n", n);
        Checks.positive("k", k);
        if (!Simd.enabled()) {
            return new Stack(new PackedMatrix(Memory.floats(arena, (long) n * k), n, k, k, n, false));
        }
        int nr = GemmContext.CURRENT.nr(), kc = blocking.depth(k);
        int paddedN = (n + nr - 1) / nr * nr;
        return new Stack(new PackedMatrix(Memory.floats(arena, (long) paddedN * k), n, k, kc, paddedN, true));
    }

    /** A packed W being filled by parts of rows; see {@link #stack}. */
    public static final class Stack {
        private final PackedMatrix target;
        private int filled;

        private Stack(PackedMatrix target) {
            this.target = target;
        }

        /** Packs W's next {@code rows} rows from {@code w} (rows x k, leading dimension ld, from float off). */
        public void add(MemorySegment w, long off, int ld, int rows) {
            PackedMatrix t = target;
            int r0 = filled;
            Checks.matrix("W (n x k)", w, off, rows, t.k, ld);
            if (rows < 1 || r0 + rows > t.n || (t.panels && r0 % GemmContext.CURRENT.nr() != 0)) {
                throw new IllegalArgumentException("rows [" + r0 + ", " + (r0 + rows) + ") do not fit W's " + t.n
                        + " rows in whole panels");
            }
            if (!t.panels) {
                for (int j = 0; j < rows; j++) {
                    MemorySegment.copy(w, (off + (long) j * ld) * Float.BYTES, t.data,
                            (long) (r0 + j) * t.k * Float.BYTES, (long) t.k * Float.BYTES);
                }
            } else {
                float[] work = new float[Packing.transposeWork(Math.min(t.kc, t.k), GemmContext.CURRENT.nr())];
                for (int p = 0; p < t.k; p += t.kc) {
                    int depth = Math.min(t.kc, t.k - p);
                    Packing.packWeight(w, off, ld, p, depth, 0, rows, t.data, (long) t.paddedN * p + (long) r0 * depth,
                            GemmContext.CURRENT.nr(), work);
                }
            }
            filled = r0 + rows;
        }

        /** The packed W, once every row has been given. */
        public PackedMatrix done() {
            if (filled != target.n) {
                throw new IllegalStateException(filled + " of W's " + target.n + " rows were packed");
            }
            return target;
        }
    }

    /**
     * Multiplies row i of W by {@code scale[i]} (n floats from float {@code off}) in place: a per-output-channel
     * scale folded into the layer (DINOv2's layer scale), the same floats as packing W with its rows scaled.
     * It runs at load, before C2 has compiled it, so a panel at a time through a Java array (see
     * {@link Packing#packWeight}).
     */
    public void scaleRows(MemorySegment scale, long off) {
        Checks.vector("scale", scale, off, n);
        float[] s = new float[paddedN]; // the padding columns' factors are zero: their zeros stay zeros
        MemorySegment.copy(scale, ValueLayout.JAVA_FLOAT, off * Float.BYTES, s, 0, n);
        // A plain [n x k] copy is one panel of k rows of 1 column each, n of them: the same loop.
        int width = panels ? GemmContext.CURRENT.nr() : 1;
        float[] panel = new float[Math.min(kc, k) * width];
        for (int p = 0; p < k; p += kc) {
            int depth = Math.min(kc, k - p), floats = depth * width;
            for (int j = 0; j < paddedN; j += width) {
                long at = ((long) paddedN * p + (long) j * depth) * Float.BYTES;
                MemorySegment.copy(data, ValueLayout.JAVA_FLOAT, at, panel, 0, floats);
                for (int q = 0; q < floats; q += width) {
                    for (int c = 0; c < width; c++) {
                        panel[q + c] *= s[j + c];
                    }
                }
                MemorySegment.copy(panel, 0, data, ValueLayout.JAVA_FLOAT, at, floats);
            }
        }
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
