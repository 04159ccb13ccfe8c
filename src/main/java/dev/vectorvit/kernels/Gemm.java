package dev.vectorvit.kernels;

import dev.vectorvit.tensor.Checks;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Single-precision GEMM over memory segments, BLAS style:
 * {@code C = act(alpha op(A) op(B) + beta C + bias)}, row-major, the operands {@link MatrixView}s (op(X) =
 * X or X^T, with leading dimensions so that one head's columns or a block of rows need no copies), the
 * rest an {@link Epilogue} (bias, residual via beta = 1, activation, fused to spare a second pass over C).
 *
 * <p>The five loops around the micro-kernel, after BLIS ({@link GemmBlocking} sizes them):
 * <pre>
 *   for jc in N step NC          B block (KC x NC) packed, lives in L3
 *    for pc in K step KC          .
 *     for ic in M step MC        A block (MC x KC), lives in L2: A's own rows, or packed ({@link GemmContext#aInPlace})
 *      for jr in NC step NR       B panel (KC x NR), reused by every A panel (L1/L2)
 *       for ir in MC step MR      {@link MicroKernel}: MR x NR of C in registers
 * </pre>
 * A constant B (a model's weight) is packed once instead ({@link PackedMatrix}); its product has loops of
 * its own, listed at {@link #multiply(int, MatrixView, PackedMatrix, MatrixView, Epilogue)}, and splits C in two dimensions ({@link GemmSplit}).
 * The plain product splits C between the team's members by whole column panels (or row panels
 * when C is narrow). Each element is computed by the same FMA chain whoever computes it and whichever
 * form B takes, so results are bitwise identical for every thread count, blocking and packing.
 *
 * <p>With a team of several threads the operands must be readable from all of them: segments of a
 * confined arena are rejected (IllegalArgumentException) before any member starts.
 *
 * <p>An instance owns per-member packing buffers: use it from one thread at a time (one per model
 * call or per thread); {@link #multiplyOn} runs on one member inside a job of the team.
 */
public final class Gemm implements ThreadTeam.Job {
    /** Rows of C in one register tile: the unit in which callers cut rows to spread them over members. */
    public static final int ROW_TILE = GemmContext.CURRENT.mr();
    private static final int MR = GemmContext.CURRENT.mr(), NR = GemmContext.CURRENT.nr();
    /** The start of a tile that has neither C nor a bias to start from: one row of zeros, read with a stride of 0. */
    private static final MemorySegment ZEROS = Memory.floats(Arena.global(), NR);
    /** Whether the micro-kernel reads A's rows where they are ({@link GemmContext#aInPlace}). */
    private static final boolean A_IN_PLACE = GemmContext.CURRENT.aInPlace();
    /** The member argument of the flat products that means "the whole team". */
    private static final int TEAM = -1;
    private final ThreadTeam team;
    private final GemmBlocking blocking;
    private final Scratch[] scratch;
    private final boolean simd = GemmContext.CURRENT.vector();

    // The call being run by the team (fields, so that dispatch allocates nothing).
    private boolean transA, transB;
    private int m, n, k, lda, ldb, ldc;
    private float alpha, beta;
    private MemorySegment a, b, c, bias;
    private long aOff, bOff, cOff, biasOff;
    private Activation act;
    // A packed product in flight: W, the block of A's rows (packed for the team unless read in place), and how
    // the team splits it.
    private PackedMatrix w;
    private int blockRow0, blockRows, rowParts, colChunks;
    /** The next rectangle of the block's grid that a member free for work takes ({@link GemmSplit}). */
    private final AtomicInteger nextChunk = new AtomicInteger();
    private MemorySegment aBlock = MemorySegment.NULL;
    private final ThreadTeam.Job packBlockJob = this::packBlock;
    private final ThreadTeam.Job multiplyBlockJob = this::multiplyBlock;

    /** Most floats of packed A one call holds (16 MiB): larger products run in blocks of rows. */
    private static final long A_BLOCK_FLOATS = 4L << 20;

    public Gemm(ThreadTeam team) {
        this(team, GemmBlocking.forThisMachine());
    }

    public Gemm(ThreadTeam team, GemmBlocking blocking) {
        this.team = team;
        this.blocking = blocking;
        this.scratch = new Scratch[team.size()];
        for (int i = 0; i < scratch.length; i++) {
            scratch[i] = new Scratch();
        }
    }

    public ThreadTeam team() {
        return team;
    }

    public GemmBlocking blocking() {
        return blocking;
    }

    /** Computes the product on all members of the team. */
    public void multiply(int m, int n, int k, float alpha, MatrixView a, MatrixView b, MatrixView c, Epilogue e) {
        product(TEAM, a.transposed(), b.transposed(), m, n, k, alpha, a.data(), a.offset(), a.ld(), b.data(),
                b.offset(), b.ld(), e.beta(), untransposed("C", c).data(), c.offset(), c.ld(), e.bias(),
                e.biasOffset(), e.activation());
    }

    /**
     * Computes the whole product on the calling thread with member {@code member}'s buffers: for use
     * inside a {@link ThreadTeam.Job} of this instance's team (for example one attention head each).
     */
    public void multiplyOn(int member, int m, int n, int k, float alpha, MatrixView a, MatrixView b, MatrixView c,
                           Epilogue e) {
        product(requireMember(member), a.transposed(), b.transposed(), m, n, k, alpha, a.data(), a.offset(), a.ld(),
                b.data(), b.offset(), b.ld(), e.beta(), untransposed("C", c).data(), c.offset(), c.ld(), e.bias(),
                e.biasOffset(), e.activation());
    }

    /**
     * C = op(A) op(B) on the calling thread with member {@code member}'s buffers (C not read, no bias or
     * activation), the operands flat: the {@link #multiplyOn(int, int, int, int, float, MatrixView, MatrixView,
     * MatrixView, Epilogue) view form} with alpha 1 and {@link Epilogue#NONE}, for a loop of many small products
     * (attention: two per head) that allocates nothing before C2 compiles it. C1 does no escape analysis, so
     * views made there are objects on every call (4 per call, 37 KB per ViT-B/16 pass), and C2 comes late to a
     * method that runs a few times per pass.
     */
    public void multiplyOn(int member, int m, int n, int k, MemorySegment a, long aOff, int lda, boolean transA,
                           MemorySegment b, long bOff, int ldb, boolean transB, MemorySegment c, long cOff, int ldc) {
        product(requireMember(member), transA, transB, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, 0f, c, cOff, ldc,
                null, 0, Activation.NONE);
    }

    // The public methods only unpack the records, directly into the flat product: C2 inlines them into a hot
    // caller and scalar-replaces the records made there. A record that reached a method it does not inline
    // (a second unpacking level was one: "callee is too large") is allocated on every call.

    private void product(int member, boolean transA, boolean transB, int m, int n, int k, float alpha,
                         MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                         float beta, MemorySegment c, long cOff, int ldc,
                         MemorySegment bias, long biasOff, Activation act) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, bias, biasOff, act);
        if (member != TEAM) {
            block(member, 0, m, 0, n, transA, transB, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                    bias, biasOff, act);
            return;
        }
        requireShared("A", a);
        requireShared("B", b);
        requireShared("C", c);
        if (bias != null) {
            requireShared("bias", bias);
        }
        this.transA = transA;
        this.transB = transB;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.b = b;
        this.bOff = bOff;
        this.ldb = ldb;
        setCall(m, a, aOff, lda, beta, c, cOff, ldc, bias, biasOff, act);
        try {
            team.run(this);
        } finally {
            this.a = this.b = this.c = this.bias = null;
        }
    }

    private static MatrixView untransposed(String name, MatrixView v) {
        if (v.transposed()) {
            throw new IllegalArgumentException(name + " cannot be transposed in this product");
        }
        return v;
    }

    private int requireMember(int member) {
        if (member < 0 || member >= scratch.length) {
            throw new IllegalArgumentException("member " + member + " is not in [0, " + scratch.length + ")");
        }
        return member;
    }

    /** Helper threads cannot read a confined arena's memory: say so before any member starts. */
    private void requireShared(String name, MemorySegment s) {
        if (!team.canShare(s)) {
            throw new IllegalArgumentException(name + " is confined to one thread, but a team of " + team.size()
                    + " threads runs this product: allocate it from a shared, global or automatic arena");
        }
    }

    /**
     * C = act(A W^T + beta C + bias) for a weight packed at load (A is m x k, not transposed; W is n x k):
     * each member computes one rectangle of C ({@link GemmSplit}) reading A's rows and W's panels where
     * they are (where A's panels are k-major, the team first packs A's rows once, each member a share).
     * Each element is the same FMA chain as in {@link #multiply(int, int, int, float, MatrixView, MatrixView,
     * MatrixView, Epilogue) multiply} with alpha = 1 and W as B transposed, so the bits are the same.
     */
    public void multiply(int m, MatrixView a, PackedMatrix w, MatrixView c, Epilogue e) {
        product(TEAM, m, untransposed("A", a).data(), a.offset(), a.ld(), w, e.beta(), untransposed("C", c).data(),
                c.offset(), c.ld(), e.bias(), e.biasOffset(), e.activation());
    }

    /**
     * The packed product ({@link #multiply(int, MatrixView, PackedMatrix, MatrixView, Epilogue)}) with A, C and
     * the epilogue flat, for a caller that runs a few times per pass (a model's layers): C2 compiles such a
     * method late, and until then (C1 does no escape analysis) views made there are objects on every call.
     */
    public void multiply(int m, MemorySegment a, long aOff, int lda, PackedMatrix w, float beta, MemorySegment c,
                         long cOff, int ldc, MemorySegment bias, long biasOff, Activation act) {
        product(TEAM, m, a, aOff, lda, w, beta, c, cOff, ldc, bias, biasOff, act);
    }

    /**
     * The packed product ({@link #multiply(int, MatrixView, PackedMatrix, MatrixView, Epilogue)}) on the
     * calling thread alone, with member {@code member}'s buffers.
     */
    public void multiplyOn(int member, int m, MatrixView a, PackedMatrix w, MatrixView c, Epilogue e) {
        product(requireMember(member), m, untransposed("A", a).data(), a.offset(), a.ld(), w, e.beta(),
                untransposed("C", c).data(), c.offset(), c.ld(), e.bias(), e.biasOffset(), e.activation());
    }

    private void product(int member, int m, MemorySegment a, long aOff, int lda, PackedMatrix w, float beta,
                         MemorySegment c, long cOff, int ldc, MemorySegment bias, long biasOff, Activation act) {
        checkPacked(m, a, aOff, lda, w, c, cOff, ldc, bias, biasOff, act);
        if (member != TEAM) {
            if (!simd || !w.panels()) {
                reference(m, w.n(), a, aOff, lda, w, 0, beta, c, cOff, ldc, bias, biasOff, act);
                return;
            }
            Scratch s = scratch[member];
            MemorySegment pack = A_IN_PLACE ? a : s.a((long) roundUp(m, MR) * w.k());
            if (!A_IN_PLACE) {
                packRows(a, aOff, lda, w, 0, m, pack);
            }
            multiplyRect(s, w, pack, aOff, lda, roundUp(m, MR), 0, 0, m, 0, w.n(), beta, c, cOff, ldc, bias, biasOff,
                    act);
            return;
        }
        requireShared("A", a);
        requireShared("C", c);
        if (bias != null) {
            requireShared("bias", bias);
        }
        this.w = w;
        setCall(m, a, aOff, lda, beta, c, cOff, ldc, bias, biasOff, act);
        try {
            int block = blockRows(m, w.k(), MR, A_IN_PLACE);
            for (blockRow0 = 0; blockRow0 < m; blockRow0 += block) {
                blockRows = Math.min(block, m - blockRow0);
                rowParts = GemmSplit.rowParts(blockRows, w.n(), team.size(), MR, panelWidth());
                colChunks = GemmSplit.columnChunks(w.n(), panelWidth(), team.size(), rowParts);
                nextChunk.set(0);
                if (simd && w.panels() && !A_IN_PLACE) {
                    aBlock = Scratch.atLeast(aBlock, (long) roundUp(blockRows, MR) * w.k());
                    team.run(packBlockJob);
                }
                team.run(multiplyBlockJob);
            }
        } finally {
            this.a = this.c = this.bias = null;
            this.w = null;
        }
    }

    /** The scalar reference for C = act(A W^T + beta C + bias) over W's plain rows from row {@code w0}. */
    private static void reference(int m, int n, MemorySegment a, long aOff, int lda, PackedMatrix w, int w0,
                                  float beta, MemorySegment c, long cOff, int ldc, MemorySegment bias, long biasOff,
                                  Activation act) {
        ScalarKernels.gemm(m, n, w.k(), 1f, MatrixView.of(a, aOff, lda),
                new MatrixView(w.data(), (long) w0 * w.k(), w.k(), true), MatrixView.of(c, cOff, ldc),
                new Epilogue(beta, bias, bias == null ? 0 : biasOff + w0, act));
    }

    /** The fields of the call in flight that both forms of the product share (read by the team's jobs). */
    private void setCall(int m, MemorySegment a, long aOff, int lda, float beta, MemorySegment c, long cOff, int ldc,
                         MemorySegment bias, long biasOff, Activation act) {
        this.m = m;
        this.a = a;
        this.aOff = aOff;
        this.lda = lda;
        this.beta = beta;
        this.c = c;
        this.cOff = cOff;
        this.ldc = ldc;
        this.bias = bias;
        this.biasOff = biasOff;
        this.act = act;
    }

    /** Columns of W's packed panels; 1 for the scalar reference (which must not load the vector classes). */
    private int panelWidth() {
        return simd ? NR : 1;
    }

    /**
     * Rows per block of a packed product for a tile of {@code mr} rows: all m where A is read in place or its
     * packed copy stays within {@link #A_BLOCK_FLOATS}, otherwise equal blocks of whole mr-row panels.
     */
    static int blockRows(int m, int k, int mr, boolean aInPlace) {
        if (aInPlace) {
            return m;
        }
        long panels = (m + mr - 1) / mr;
        long blocks = Math.max(1, (panels * mr * k + A_BLOCK_FLOATS - 1) / A_BLOCK_FLOATS);
        return (int) ((panels + blocks - 1) / blocks) * mr;
    }

    /** This member's share of the block's MR-row panels, packed into the shared buffer. */
    private void packBlock(int member, int members) {
        int r0 = GemmSplit.start(member, blockRows, MR, members);
        int r1 = GemmSplit.start(member + 1, blockRows, MR, members);
        if (r0 < r1) {
            packPanels(a, aOff, lda, w, blockRow0, r0, r1, roundUp(blockRows, MR), aBlock);
        }
    }

    /** Rows [row0, row0 + rows) of A packed as the A panels of every k slice of w. */
    private static void packRows(MemorySegment a, long aOff, int lda, PackedMatrix w, int row0, int rows, MemorySegment dst) {
        packPanels(a, aOff, lda, w, row0, 0, rows, roundUp(rows, MR), dst);
    }

    /**
     * Rows [first + r0, first + r1) of A into a pack of {@code paddedRows} rows that starts at row
     * {@code first}: slice by slice (w's k slices), MR-row panels of the slice's depth, the slice starting at
     * p at float p x paddedRows (the same layout as W's, {@link PackedMatrix}).
     */
    private static void packPanels(MemorySegment a, long aOff, int lda, PackedMatrix w, int first, int r0, int r1,
                                   int paddedRows, MemorySegment dst) {
        int k = w.k(), kc = w.kc();
        for (int p = 0; p < k; p += kc) {
            int depth = Math.min(kc, k - p);
            Packing.packA(false, a, aOff, lda, first + r0, r1 - r0, p, depth, 1f, dst,
                    (long) paddedRows * p + (long) r0 * depth, MR);
        }
    }

    /** Rectangles of the block's grid, taken in order one at a time until none is left. */
    private void multiplyBlock(int member, int members) {
        int chunks = rowParts * colChunks;
        for (int i; (i = nextChunk.getAndIncrement()) < chunks; ) {
            multiplyChunk(member, i);
        }
    }

    /** Rectangle {@code i} of the block's grid of rowParts x colChunks, row part by row part. */
    private void multiplyChunk(int member, int i) {
        int row = i / colChunks, col = i % colChunks;
        int r0 = GemmSplit.start(row, blockRows, MR, rowParts);
        int r1 = GemmSplit.start(row + 1, blockRows, MR, rowParts);
        int c0 = GemmSplit.start(col, w.n(), panelWidth(), colChunks);
        int c1 = GemmSplit.start(col + 1, w.n(), panelWidth(), colChunks);
        if (r0 >= r1 || c0 >= c1) {
            return;
        }
        if (!simd || !w.panels()) {
            reference(r1 - r0, c1 - c0, a, aOff + (long) (blockRow0 + r0) * lda, lda, w, c0, beta, c,
                    cOff + (long) (blockRow0 + r0) * ldc + c0, ldc, bias, biasOff, act);
            return;
        }
        multiplyRect(scratch[member], w, A_IN_PLACE ? a : aBlock, aOff, lda, roundUp(blockRows, MR), blockRow0, r0,
                r1, c0, c1, beta, c, cOff, ldc, bias, biasOff, act);
    }

    /**
     * Rows [r0, r1) x columns [c0, c1) of C's block that starts at row {@code first}, from A's rows in place
     * ({@code a} from float {@code aOff}, lda apart) or from the block's packed rows ({@code a} the pack,
     * laid out for {@code paddedRows} rows): for each k slice of W, MC rows at a time (in L2), each panel
     * of W (from memory, then L2) runs against those rows.
     * <pre>
     *   for pc in K step KC (W's slices)
     *    for ic in rows step MC
     *     for jr in cols step NR          W panel (KC x NR), read where it was packed at load
     *      for ir in MC step MR           {@link MicroKernel}: MR x NR of C in registers
     * </pre>
     */
    private void multiplyRect(Scratch s, PackedMatrix w, MemorySegment a, long aOff, int lda, int paddedRows, int first,
                              int r0, int r1, int c0, int c1, float beta, MemorySegment c, long cOff, int ldc,
                              MemorySegment bias, long biasOff, Activation act) {
        final int mr = MR, nr = NR;
        int k = w.k(), kc = w.kc(), rows = r1 - r0;
        long c00 = cOff + (long) (first + r0) * ldc + c0;
        boolean startFromC = prepare(rows, c1 - c0, beta, c, c00, ldc, bias, bias == null ? 0 : biasOff + c0);
        int blocks = Math.max(1, (rows + blocking.mc() - 1) / Math.max(mr, blocking.mc()));
        int mc = roundUp((rows + blocks - 1) / blocks, mr);
        MemorySegment edge = s.edge((long) mc * nr);
        MemorySegment wp = w.data();
        for (int p = 0; p < k; p += kc) {
            int depth = Math.min(kc, k - p);
            boolean loadC = p > 0 || startFromC;
            Activation last = p + depth >= k ? act : Activation.NONE;
            long aStride = (A_IN_PLACE ? lda : depth) * (long) Float.BYTES;
            for (int ic = r0; ic < r1; ic += mc) {
                int icEnd = Math.min(r1, ic + mc);
                long aPanel = A_IN_PLACE ? (aOff + (long) (first + ic) * lda + p) * Float.BYTES
                        : ((long) paddedRows * p + (long) ic * depth) * Float.BYTES;
                for (int jr = c0; jr < c1; jr += nr) {
                    long wPanel = ((long) w.paddedN() * p + (long) jr * depth) * Float.BYTES;
                    column(depth, icEnd - ic, a, aPanel, aStride, wp, wPanel, c, cOff + (long) (first + ic) * ldc + jr,
                            ldc, Math.min(nr, c1 - jr), loadC, bias, biasOff + jr, last, edge);
                }
            }
        }
    }

    /** The member's share of the call stored in the fields. */
    @Override
    public void run(int member, int members) {
        int nr = panelWidth(), mr = MR;
        int nPanels = (n + nr - 1) / nr;
        int mPanels = (m + mr - 1) / mr;
        int r0 = 0, r1 = m, c0 = 0, c1 = n;
        if (nPanels >= 2 * members || nPanels >= mPanels) {
            c0 = Math.min(n, (int) ((long) nPanels * member / members) * nr);
            c1 = Math.min(n, (int) ((long) nPanels * (member + 1) / members) * nr);
        } else {
            r0 = Math.min(m, (int) ((long) mPanels * member / members) * mr);
            r1 = Math.min(m, (int) ((long) mPanels * (member + 1) / members) * mr);
        }
        if (r0 < r1 && c0 < c1) {
            block(member, r0, r1 - r0, c0, c1 - c0, transA, transB, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, bias, biasOff, act);
        }
    }

    private void block(int member, int row0, int rows, int col0, int cols, boolean transA, boolean transB,
                       int k, float alpha, MemorySegment a, long aOff, int lda, MemorySegment b, long bOff,
                       int ldb, float beta, MemorySegment c, long cOff, int ldc,
                       MemorySegment bias, long biasOff, Activation act) {
        if (!simd) {
            long aStart = aOff + (transA ? row0 : (long) row0 * lda);
            long bStart = bOff + (transB ? (long) col0 * ldb : col0);
            ScalarKernels.gemm(rows, cols, k, alpha, new MatrixView(a, aStart, lda, transA),
                    new MatrixView(b, bStart, ldb, transB), MatrixView.of(c, cOff + (long) row0 * ldc + col0, ldc),
                    new Epilogue(beta, bias, bias == null ? 0 : biasOff + col0, act));
            return;
        }
        final int mr = MR, nr = NR;
        int mc = Math.max(mr, blocking.mc() / mr * mr);
        int kc = blocking.depth(k);
        int nc = Math.max(nr, blocking.nc() / nr * nr);
        Scratch s = scratch[member];
        // A is read in place unless it needs a transpose, alpha or the k-major layout: then packed per MC x KC block.
        boolean inPlace = A_IN_PLACE && !transA && alpha == 1f;
        MemorySegment ap = inPlace ? a : s.a((long) Math.min(mc, roundUp(rows, mr)) * kc); // A as the kernel reads it
        MemorySegment bPack = s.b((long) Math.min(nc, roundUp(cols, nr)) * kc);
        MemorySegment edge = s.edge((long) mc * nr);
        MemorySegment t = transB ? s.transpose(Packing.transposeScratch(kc, nr)) : null;
        long c0 = cOff + (long) row0 * ldc + col0;
        // Where C is read, beta C + bias is made in it first; otherwise the tiles start from the bias or zeros.
        boolean startFromC = prepare(rows, cols, beta, c, c0, ldc, bias, bias == null ? 0 : biasOff + col0);
        for (int jc = 0; jc < cols; jc += nc) {
            int ncb = Math.min(nc, cols - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kcb = Math.min(kc, k - pc);
                boolean loadC = pc > 0 || startFromC, last = pc + kcb >= k;
                if (transB) {
                    Packing.packTransposed(b, bOff, ldb, pc, kcb, col0 + jc, ncb, bPack, 0, nr, t);
                } else {
                    Packing.packB(b, bOff, ldb, pc, kcb, col0 + jc, ncb, bPack, 0, nr);
                }
                for (int ic = 0; ic < rows; ic += mc) {
                    int mcb = Math.min(mc, rows - ic);
                    if (!inPlace) {
                        Packing.packA(transA, a, aOff, lda, row0 + ic, mcb, pc, kcb, alpha, ap, 0, mr);
                    }
                    long aStride = (inPlace ? lda : kcb) * (long) Float.BYTES;
                    long aPanel = inPlace ? (aOff + (long) (row0 + ic) * lda + pc) * Float.BYTES : 0;
                    for (int jr = 0; jr < ncb; jr += nr) {
                        column(kcb, mcb, ap, aPanel, aStride, bPack, (long) jr * kcb * Float.BYTES, c,
                                c0 + (long) ic * ldc + jc + jr, ldc, Math.min(nr, ncb - jr), loadC, bias,
                                biasOff + col0 + jc + jr, last ? act : Activation.NONE, edge);
                    }
                }
            }
        }
    }

    /**
     * Rows [0, rows) x columns [0, cols) of C from float {@code at} (cols at most NR: one B panel) = their start +
     * A x the B panel over a k block of depth kc, then {@code act} (NONE until the last k block). The start is C
     * itself ({@code loadC}: a later k block, or beta C + bias made in place), else the bias's columns from float
     * {@code biasAt} in every row, else zeros: read as the tiles' first value, so that C is not written before
     * its tile is done. Whole tiles run in place in one kernel call; the rest (the rows past the last whole tile,
     * or every row where the panel is cut by C's edge) through the {@code edge} scratch (at least rows x NR
     * floats), so the micro-kernel needs no masks (the scratch's dead rows and columns are computed and dropped),
     * and the activation runs there too, on whole vectors, before the live part is copied out: the same values,
     * and no masked step (masked loads and stores made GELU 1.6x slower per vector).
     */
    private static void column(int kc, int rows, MemorySegment ap, long aPanel, long aStride, MemorySegment bp,
                               long bPanel, MemorySegment c, long at, int ldc, int cols, boolean loadC,
                               MemorySegment bias, long biasAt, Activation act, MemorySegment edge) {
        final int mr = MR, nr = NR;
        int whole = cols == nr ? rows / mr * mr : 0;
        if (whole > 0) {
            MemorySegment from = loadC ? c : bias != null ? bias : ZEROS;
            long fromAt = loadC ? at : bias != null ? biasAt : 0;
            int fromLd = loadC ? ldc : 0;
            MicroKernel.tiles(kc, whole, ap, aPanel, aStride, bp, bPanel, from, fromAt * Float.BYTES,
                    (long) fromLd * Float.BYTES, c, at * Float.BYTES, (long) ldc * Float.BYTES);
            // A tile at a time, as the warm-up runs it: a longer loop there was compiled twice more on-stack.
            for (int r = 0; act != Activation.NONE && r < whole; r += mr) {
                VecElementWise.activateTile(act, mr, nr, c, at + (long) r * ldc, ldc);
            }
        }
        int rest = rows - whole;
        if (rest == 0) {
            return;
        }
        long restAt = at + (long) whole * ldc;
        // The scratch starts from C, or from a bias cut by C's edge, copied in; zeros, or a bias row whole across
        // the panel, are read in place.
        MemorySegment from = bias != null ? bias : ZEROS;
        long fromAt = bias != null ? biasAt : 0;
        int fromLd = 0;
        if (loadC || bias != null && cols < nr) {
            VecElementWise.copy(rest, cols, loadC ? c : bias, loadC ? restAt : biasAt, loadC ? ldc : 0, edge, 0, nr);
            from = edge;
            fromAt = 0;
            fromLd = nr;
        }
        MicroKernel.tiles(kc, rest, ap, aPanel + whole * aStride, aStride, bp, bPanel, from, fromAt * Float.BYTES,
                (long) fromLd * Float.BYTES, edge, 0, (long) nr * Float.BYTES);
        if (act != Activation.NONE) {
            VecElementWise.activateTile(act, rest, nr, edge, 0, nr);
        }
        VecElementWise.copy(rest, cols, edge, 0, nr, c, restAt, ldc);
    }

    /**
     * Where C is read (beta != 0), makes its start value beta C + bias in place and returns true; with beta
     * 0, C is not read and the tiles start from the bias or zeros as they load it ({@link #column}).
     */
    private static boolean prepare(int rows, int cols, float beta, MemorySegment c, long c0, int ldc,
                                   MemorySegment bias, long biasOff) {
        if (beta == 0f) {
            return false;
        }
        if (beta != 1f) {
            VecElementWise.scale(rows, cols, beta, c, c0, ldc);
        }
        if (bias != null) {
            VecElementWise.add(rows, cols, bias, biasOff, 0, c, c0, ldc);
        }
        return true;
    }

    private static int roundUp(int v, int multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k,
                              MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                              MemorySegment c, long cOff, int ldc, MemorySegment bias, long biasOff,
                              Activation act) {
        checkAandC(transA, m, n, k, a, aOff, lda, c, cOff, ldc, bias, biasOff, act);
        Checks.matrix(transB ? "B (transposed, n x k)" : "B (k x n)", b, bOff, transB ? n : k, transB ? k : n, ldb);
        Checks.noOverlap("C", c, cOff, Checks.extent(m, n, ldc), "B", b, bOff,
                transB ? Checks.extent(n, k, ldb) : Checks.extent(k, n, ldb));
    }

    private static void checkPacked(int m, MemorySegment a, long aOff, int lda, PackedMatrix w,
                                    MemorySegment c, long cOff, int ldc, MemorySegment bias, long biasOff,
                                    Activation act) {
        if (w == null) {
            throw new IllegalArgumentException("W is null");
        }
        checkAandC(false, m, w.n(), w.k(), a, aOff, lda, c, cOff, ldc, bias, biasOff, act);
    }

    /** The checks of a product's A, C, bias and activation, whatever form B takes. */
    private static void checkAandC(boolean transA, int m, int n, int k, MemorySegment a, long aOff, int lda,
                                   MemorySegment c, long cOff, int ldc, MemorySegment bias, long biasOff,
                                   Activation act) {
        Checks.positive("m", m);
        Checks.positive("n", n);
        Checks.positive("k", k);
        if (act == null) {
            throw new IllegalArgumentException("activation is null (use Activation.NONE)");
        }
        Checks.matrix(transA ? "A (transposed, k x m)" : "A (m x k)", a, aOff, transA ? k : m, transA ? m : k, lda);
        Checks.matrix("C (m x n)", c, cOff, m, n, ldc);
        long cExtent = Checks.extent(m, n, ldc);
        Checks.noOverlap("C", c, cOff, cExtent, "A", a, aOff,
                transA ? Checks.extent(k, m, lda) : Checks.extent(m, k, lda));
        if (bias != null) {
            Checks.vector("bias", bias, biasOff, n);
            Checks.noOverlap("C", c, cOff, cExtent, "bias", bias, biasOff, n);
        }
    }

    /** One member's packing buffers, grown on first use and then reused. */
    private static final class Scratch {
        private MemorySegment a = MemorySegment.NULL;
        private MemorySegment b = MemorySegment.NULL;
        private MemorySegment edge = MemorySegment.NULL;
        private MemorySegment transpose = MemorySegment.NULL;

        /** {@code current} if it holds {@code floats}, else a new buffer of that size. */
        private static MemorySegment atLeast(MemorySegment current, long floats) {
            return current.byteSize() >= floats * Float.BYTES ? current : Memory.floats(Arena.ofAuto(), floats);
        }

        MemorySegment transpose(long floats) {
            return transpose = atLeast(transpose, floats);
        }

        MemorySegment edge(long floats) {
            return edge = atLeast(edge, floats);
        }

        MemorySegment a(long floats) {
            return a = atLeast(a, floats);
        }

        MemorySegment b(long floats) {
            return b = atLeast(b, floats);
        }
    }
}
