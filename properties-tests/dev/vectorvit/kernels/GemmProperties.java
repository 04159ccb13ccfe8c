package dev.vectorvit.kernels;

import static dev.vectorvit.kernels.Gen.check;

import dev.vectorvit.kernels.Gen.Mat;
import dev.vectorvit.kernels.Gen.Place;
import dev.vectorvit.kernels.Gen.Values;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The vector GEMM against {@link ScalarKernels#gemm} (double accumulation), and its algebra.
 *
 * <p><b>Error bound.</b> Every element of C is one chain of float operations whatever the tile, block or
 * thread: the start value s0 = fl(fl(beta c_ij) + bias_j) (two roundings), then k FMAs
 * s_p = fl(s_{p-1} + fl(alpha a_ip) b_pj) (alpha is folded into A while packing: one rounding per product;
 * the FMA rounds once). Each term passes through at most k + 2 roundings, so (Higham, recursive summation)
 * |s_k - exact| <= gamma_{k+2} S with S = sum_p |alpha a_ip b_pj| + |beta c_ij| + |bias_j|, computed here in
 * double. The reference errs by k 2^-53 S in double and is then rounded to float (U |ref| <= U S); one
 * more gamma step covers each:
 * <pre>
 *   NONE:  |c - ref| <= gamma_{k+4} S
 *   GELU:  |c - ref| <= 1.2 gamma_{k+4} S + 2e-6 max(1, (1 + gamma_{k+4}) S)
 * </pre>
 * GELU (and quick_gelu, the same bound): the vector activation errs by at most 2e-6 max(1, |s|) at its float
 * argument s (ElementWise's documented bound, checked in {@link ElementWiseProperties}), |s| <= (1 + gamma) S,
 * and both GELU forms are 1.13-Lipschitz (max |GELU'| = 1.129 at x = sqrt 2), quick_gelu 1.10-Lipschitz
 * (max of s(t) + t s(t)(1 - s(t)), t = 1.702 x, s the sigmoid: 1.0998 at t = 2.4), so the chain's error
 * passes through at most 1.2 times.
 * In the form c0 k eps (eps = U = 2^-24): gamma_{k+4} <= 5.001 k U for k >= 1, so c0 = 5 (the chain needs
 * k + 2; c0 is large only because k = 1 has the constant terms to itself).
 */
final class GemmProperties {
    /** Bound on m n k so that the scalar reference stays cheap. */
    private static final long MAX_WORK = 3_000_000;
    /** max |GELU'(x)| = 1.129 (both forms; quick_gelu's 1.0998 is below), rounded up. */
    private static final double GELU_LIPSCHITZ = 1.2;
    /** ElementWise's documented GELU bound, relative to max(1, |x|). */
    private static final double GELU_ERROR = 2e-6;

    private static ThreadTeam team1, team2, team3;

    @BeforeContainer
    static void startTeams() {
        team1 = ThreadTeam.of(1);
        team2 = ThreadTeam.of(2);
        team3 = ThreadTeam.of(3);
    }

    @AfterContainer
    static void stopTeams() {
        team1.close();
        team2.close();
        team3.close();
    }

    @Provide
    Arbitrary<Float> alphas() {
        return Arbitraries.of(1f, -1f, 0.5f, 0.3f, -2.75f, 0f);
    }

    @Provide
    Arbitrary<Float> betas() {
        return Arbitraries.of(0f, 1f, -0.5f, 0.7f);
    }

    @Property(tries = 300)
    void matchesReferenceWithinRoundingBound(
            @ForAll(supplier = Gen.Dim.class) int m, @ForAll(supplier = Gen.Dim.class) int n,
            @ForAll(supplier = Gen.Dim.class) int k, @ForAll boolean transA, @ForAll boolean transB,
            @ForAll("alphas") float alpha, @ForAll("betas") float beta, @ForAll boolean withBias,
            @ForAll Activation act, @ForAll(supplier = Place.Any.class) Place placeA,
            @ForAll(supplier = Place.Any.class) Place placeB, @ForAll(supplier = Place.Any.class) Place placeC,
            @ForAll Values values, @ForAll long seed) {
        Assume.that((long) m * n * k <= MAX_WORK);
        try (Arena arena = Arena.ofShared()) {
            Call call = Call.random(arena, transA, transB, m, n, k, alpha, beta, withBias, act, placeA, placeB, placeC,
                    values, seed);
            Call ref = call.into(call.c.copy(arena));
            int[] before = call.c.bits();
            call.on(new Gemm(team1));
            ref.reference();
            call.c.assertOutsideUnchanged(before, "C");

            double[][] aOp = call.opA();
            double[][] bOpT = call.opBTransposed();
            double g = Gen.gamma(k + 4);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += Math.abs(aOp[i][p] * bOpT[j][p]);
                    }
                    if (beta != 0) {
                        s += Math.abs((double) beta * Float.intBitsToFloat(before[(int) call.c.index(i, j)]));
                    }
                    if (withBias) {
                        s += Math.abs(call.bias.get(0, j));
                    }
                    double bound = act == Activation.NONE ? g * s
                            : GELU_LIPSCHITZ * g * s + GELU_ERROR * Math.max(1, (1 + g) * s);
                    float got = call.c.get(i, j), want = ref.c.get(i, j);
                    int ii = i, jj = j;
                    double sum = s;
                    check(Math.abs(got - want) <= bound, () -> "C[" + ii + "][" + jj + "] = " + got + ", reference "
                            + want + ": |difference| " + Math.abs(got - want) + " > bound " + bound + " (S = " + sum + ")");
                }
            }
        }
    }

    /**
     * Every element is the same FMA chain whoever computes it, so the bits of C (padding included) do not
     * depend on the team size, the blocking (down to KC = 1 and one MR x NR tile per block), on
     * {@link Gemm#multiplyOn} or on whether B is stored [n x k] or [k x n].
     */
    @Property(tries = 150)
    void bitwiseIndependentOfThreadsAndBlocking(
            @ForAll(supplier = Gen.Dim.class) int m, @ForAll(supplier = Gen.Dim.class) int n,
            @ForAll(supplier = Gen.Dim.class) int k, @ForAll boolean transA, @ForAll boolean transB,
            @ForAll("alphas") float alpha, @ForAll("betas") float beta, @ForAll boolean withBias,
            @ForAll Activation act, @ForAll @IntRange(min = 1, max = 17) int kc,
            @ForAll(supplier = Place.Any.class) Place placeA, @ForAll(supplier = Place.Any.class) Place placeB,
            @ForAll(supplier = Place.Any.class) Place placeC, @ForAll Values values, @ForAll long seed) {
        Assume.that((long) m * n * k <= MAX_WORK);
        try (Arena arena = Arena.ofShared()) {
            Call call = Call.random(arena, transA, transB, m, n, k, alpha, beta, withBias, act, placeA, placeB, placeC,
                    values, seed);
            Mat start = call.c.copy(arena);
            call.on(new Gemm(team1));
            int[] expected = call.c.bits();

            GemmBlocking tiny = new GemmBlocking(GemmContext.CURRENT.mr(), kc, GemmContext.CURRENT.nr());
            // 20 and 100 are not multiples of MR and NR: the GEMM rounds them down to 18 and 96 (NR = 32).
            GemmBlocking odd = new GemmBlocking(20, kc + 13, 100);
            assertSameBits(expected, arena, call, start, "team of 2", c -> c.on(new Gemm(team2)));
            assertSameBits(expected, arena, call, start, "team of 3", c -> c.on(new Gemm(team3)));
            assertSameBits(expected, arena, call, start, "team of 1, " + tiny, c -> c.on(new Gemm(team1, tiny)));
            assertSameBits(expected, arena, call, start, "team of 3, " + tiny, c -> c.on(new Gemm(team3, tiny)));
            assertSameBits(expected, arena, call, start, "team of 2, " + odd, c -> c.on(new Gemm(team2, odd)));
            assertSameBits(expected, arena, call, start, "multiplyOn(member 2 of 3), " + tiny,
                    c -> c.onMember(new Gemm(team3, tiny), 2));
            if (transB) {
                // B stored [n x k] is packed by transposes, stored [k x n] by row copies: the layout of B
                // changes the packing, not the chains.
                Mat plainB = Mat.allocate(arena, k, n, placeB);
                for (int p = 0; p < k; p++) {
                    for (int j = 0; j < n; j++) {
                        plainB.set(p, j, call.b.get(j, p));
                    }
                }
                Call plain = new Call(transA, false, m, n, k, alpha, call.a, plainB, beta, call.c, call.bias, act);
                assertSameBits(expected, arena, plain, start, "B stored [k x n]", c -> c.on(new Gemm(team1)));
            }
        }
    }

    /**
     * A weight packed once ({@link PackedMatrix}) gives C the bits of the plain product with B = W stored
     * [n x k] and alpha 1, whatever the k slices it was packed with, the team, the blocking, or
     * {@link Gemm#multiplyOn}: the same FMA chains in the same order.
     */
    @Property(tries = 150)
    void packedWeightGivesTheBitsOfThePlainProduct(
            @ForAll(supplier = Gen.Dim.class) int m, @ForAll(supplier = Gen.Dim.class) int n,
            @ForAll(supplier = Gen.Dim.class) int k, @ForAll("betas") float beta, @ForAll boolean withBias,
            @ForAll Activation act, @ForAll @IntRange(min = 1, max = 17) int kc,
            @ForAll(supplier = Place.Any.class) Place placeA, @ForAll(supplier = Place.Any.class) Place placeB,
            @ForAll(supplier = Place.Any.class) Place placeC, @ForAll Values values, @ForAll long seed) {
        Assume.that((long) m * n * k <= MAX_WORK);
        try (Arena arena = Arena.ofShared()) {
            Call call = Call.random(arena, false, true, m, n, k, 1f, beta, withBias, act, placeA, placeB, placeC,
                    values, seed);
            Mat start = call.c.copy(arena);
            call.on(new Gemm(team1));
            int[] expected = call.c.bits();

            GemmBlocking thin = new GemmBlocking(GemmContext.CURRENT.mr(), kc, GemmContext.CURRENT.nr());
            GemmBlocking odd = new GemmBlocking(20, kc + 13, 100);
            PackedMatrix deep = PackedMatrix.pack(call.b.seg, call.b.off, call.b.ld, n, k, arena);
            PackedMatrix sliced = PackedMatrix.pack(call.b.seg, call.b.off, call.b.ld, n, k, thin, arena);
            assertSameBits(expected, arena, call, start, "packed, team of 1", c -> c.onPacked(new Gemm(team1), deep));
            assertSameBits(expected, arena, call, start, "packed, team of 2", c -> c.onPacked(new Gemm(team2), deep));
            assertSameBits(expected, arena, call, start, "packed with kc " + kc + ", team of 3",
                    c -> c.onPacked(new Gemm(team3), sliced));
            assertSameBits(expected, arena, call, start, "packed with kc " + kc + ", team of 2, " + odd,
                    c -> c.onPacked(new Gemm(team2, odd), sliced));
            assertSameBits(expected, arena, call, start, "packed, team of 3, " + thin,
                    c -> c.onPacked(new Gemm(team3, thin), deep));
            assertSameBits(expected, arena, call, start, "packed, multiplyOn(member 1 of 2)",
                    c -> c.onPackedMember(new Gemm(team2, odd), 1, sliced));
        }
    }

    /**
     * A weight packed part by part as its tensors are read ({@link PackedMatrix#stack}: Hugging Face's q, k
     * and v) holds the bits of the weight stacked first and packed whole, padding included.
     */
    @Property(tries = 60)
    void aWeightStackedPartByPartPacksAsTheWhole(@ForAll @IntRange(min = 1, max = 4) int parts,
            @ForAll @IntRange(min = 1, max = 3) int panelsPerPart, @ForAll @IntRange(min = 1, max = 40) int lastRows,
            @ForAll @IntRange(min = 1, max = 700) int k, @ForAll long seed) {
        int rows = panelsPerPart * GemmContext.CURRENT.nr(), n = (parts - 1) * rows + lastRows;
        Assume.that(PackedMatrix.stacksInPlace(rows));
        Random random = new Random(seed);
        try (Arena arena = Arena.ofShared()) {
            float[] w = new float[n * k];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) random.nextGaussian();
            }
            PackedMatrix whole = PackedMatrix.pack(Memory.copyOf(arena, w), 0, k, n, k, arena);
            PackedMatrix.Stack stack = PackedMatrix.stack(n, k, arena);
            for (int r0 = 0; r0 < n; r0 += rows) {
                int count = Math.min(rows, n - r0);
                // Each part in a segment of its own, as a tensor read alone is.
                stack.add(Memory.copyOf(arena, Arrays.copyOfRange(w, r0 * k, (r0 + count) * k)), 0, k, count);
            }
            PackedMatrix parted = stack.done();
            long at = parted.data().mismatch(whole.data());
            check(at == -1, () -> "byte " + at + " of the packed data differs (n " + n + ", k " + k + ")");
        }
    }

    private static void assertSameBits(int[] expected, Arena arena, Call call, Mat start, String variant,
                                       Consumer<Call> run) {
        Call again = call.into(start.copy(arena));
        run.accept(again);
        int[] got = again.c.bits();
        if (!Arrays.equals(expected, got)) {
            int x = Arrays.mismatch(expected, got);
            check(false, () -> variant + ": float " + x + " of C's segment is " + Float.intBitsToFloat(got[x])
                    + " (bits " + Integer.toHexString(got[x]) + "), the default team and blocking gave "
                    + Float.intBitsToFloat(expected[x]) + " (bits " + Integer.toHexString(expected[x]) + ")");
        }
    }

    /** I op(B) = op(B) and op(A) I = op(A), bit for bit (alpha = 1, beta = 0 over a NaN-filled C, no bias). */
    @Property(tries = 100)
    void identityFactorGivesTheOtherOperandExactly(
            @ForAll(supplier = Gen.Dim.class) int m, @ForAll(supplier = Gen.Dim.class) int n,
            @ForAll boolean identityOnLeft, @ForAll boolean transA, @ForAll boolean transB,
            @ForAll(supplier = Place.Any.class) Place placeA, @ForAll(supplier = Place.Any.class) Place placeB,
            @ForAll(supplier = Place.Any.class) Place placeC, @ForAll Values values, @ForAll long seed) {
        int k = identityOnLeft ? m : n;
        try (Arena arena = Arena.ofShared()) {
            Call call = Call.random(arena, transA, transB, m, n, k, 1f, 0f, false, Activation.NONE, placeA, placeB,
                    placeC, values, seed);
            Mat identity = identityOnLeft ? call.a : call.b;
            identity.fill(0f);
            for (int p = 0; p < k; p++) {
                identity.set(p, p, 1f);
            }
            call.on(new Gemm(team1));
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float want = identityOnLeft ? call.opB(i, j) : call.opA(i, j);
                    float got = call.c.get(i, j);
                    int ii = i, jj = j;
                    check(Gen.sameBits(got, want), () -> "C[" + ii + "][" + jj + "] = " + got + ", expected " + want);
                }
            }
        }
    }

    /**
     * A zero result keeps its sign whatever KC: with a -0 bias and products that are all -0 the chain
     * stays -0 (a later k block used to reload C as C + 0, which is +0).
     */
    @Example
    void signOfZeroDoesNotDependOnBlocking() {
        int m = 7, n = 33, k = 40;
        try (Arena arena = Arena.ofShared()) {
            Call call = Call.random(arena, false, false, m, n, k, 1f, 0f, true, Activation.NONE, new Place(0, 0),
                    new Place(0, 0), new Place(0, 0), Values.UNIFORM, 1);
            call.a.fill(0f);
            call.b.fill(-1f);
            call.bias.fill(-0f);
            Mat start = call.c.copy(arena);
            call.on(new Gemm(team1));
            int[] expected = call.c.bits();
            check(Gen.sameBits(call.c.get(m - 1, n - 1), -0f), () -> "0 x (-1) summed onto a -0 bias should be -0");
            for (int kc : new int[] {1, 7, 39}) {
                GemmBlocking blocking = new GemmBlocking(GemmContext.CURRENT.mr(), kc, GemmContext.CURRENT.nr());
                assertSameBits(expected, arena, call, start, blocking.toString(), c -> c.on(new Gemm(team1, blocking)));
            }
        }
    }

    /** One GEMM call's arguments, with its operands in guarded segments. */
    private record Call(boolean transA, boolean transB, int m, int n, int k, float alpha, Mat a, Mat b, float beta,
                        Mat c, Mat bias, Activation act) {

        /** Random A, B and bias; C random, or all NaN when beta = 0 (C must then not be read). */
        static Call random(Arena arena, boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                           boolean withBias, Activation act, Place placeA, Place placeB, Place placeC,
                           Values values, long seed) {
            Random r = new Random(seed);
            Mat a = Mat.allocate(arena, transA ? k : m, transA ? m : k, placeA).fill(values, r);
            Mat b = Mat.allocate(arena, transB ? n : k, transB ? k : n, placeB).fill(values, r);
            Mat c = Mat.allocate(arena, m, n, placeC);
            if (beta == 0) {
                c.fill(Float.NaN);
            } else {
                c.fill(values, r);
            }
            Mat bias = withBias ? Mat.allocate(arena, 1, n, new Place(0, placeC.offset() + 1)).fill(values, r) : null;
            return new Call(transA, transB, m, n, k, alpha, a, b, beta, c, bias, act);
        }

        Call into(Mat otherC) {
            return new Call(transA, transB, m, n, k, alpha, a, b, beta, otherC, bias, act);
        }

        void on(Gemm gemm) {
            gemm.multiply(m, n, k, alpha, view(a, transA), view(b, transB), view(c, false), epilogue());
        }

        void onMember(Gemm gemm, int member) {
            gemm.multiplyOn(member, m, n, k, alpha, view(a, transA), view(b, transB), view(c, false), epilogue());
        }

        void onPacked(Gemm gemm, PackedMatrix w) {
            gemm.multiply(m, view(a, false), w, view(c, false), epilogue());
        }

        void onPackedMember(Gemm gemm, int member, PackedMatrix w) {
            gemm.multiplyOn(member, m, view(a, false), w, view(c, false), epilogue());
        }

        void reference() {
            ScalarKernels.gemm(m, n, k, alpha, view(a, transA), view(b, transB), view(c, false), epilogue());
        }

        private static MatrixView view(Mat x, boolean transposed) {
            return new MatrixView(x.seg, x.off, x.ld, transposed);
        }

        private Epilogue epilogue() {
            return new Epilogue(beta, bias == null ? null : bias.seg, bias == null ? 0 : bias.off, act);
        }

        float opA(int i, int p) {
            return transA ? a.get(p, i) : a.get(i, p);
        }

        float opB(int p, int j) {
            return transB ? b.get(j, p) : b.get(p, j);
        }

        /** alpha op(A) in double, m x k. */
        double[][] opA() {
            double[][] x = new double[m][k];
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    x[i][p] = (double) alpha * opA(i, p);
                }
            }
            return x;
        }

        /** op(B) transposed, n x k, so that the sums run along rows. */
        double[][] opBTransposed() {
            double[][] x = new double[n][k];
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) {
                    x[j][p] = opB(p, j);
                }
            }
            return x;
        }
    }
}
