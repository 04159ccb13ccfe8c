package dev.vectorvit.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad arguments to every public kernel entry point: each is an exception that names the argument (and the
 * sizes, for a short segment), raised before any memory is touched: every segment involved holds the same
 * bytes afterwards. Exact in-place calls, where allowed, are accepted and give the out-of-place result.
 */
final class KernelArgumentsTest {
    private Arena arena;

    @BeforeEach
    void openArena() {
        arena = Arena.ofConfined();
    }

    @AfterEach
    void closeArena() {
        arena.close();
    }

    /** A segment of {@code floats} floats holding 1, 2, 3, ... (distinct, so any write shows). */
    private MemorySegment floats(int floats) {
        return floats(arena, floats);
    }

    private static MemorySegment floats(Arena arena, int floats) {
        float[] v = new float[floats];
        for (int i = 0; i < floats; i++) {
            v[i] = i + 1;
        }
        return Memory.copyOf(arena, v);
    }

    /** A segment of an arena that is already closed. */
    private static MemorySegment closedSegment(int floats) {
        Arena gone = Arena.ofConfined();
        MemorySegment s = floats(gone, floats);
        gone.close();
        return s;
    }

    /**
     * Expects {@code call} to throw {@code type} with a message holding every one of {@code parts}, and every
     * live segment of {@code watched} to be unchanged.
     */
    private static <T extends RuntimeException> void rejects(Class<T> type, Executable call, List<String> parts,
                                                           MemorySegment... watched) {
        List<byte[]> before = new ArrayList<>();
        for (MemorySegment s : watched) {
            before.add(s.scope().isAlive() ? s.toArray(ValueLayout.JAVA_BYTE) : null);
        }
        T e = assertThrows(type, call);
        for (String part : parts) {
            assertTrue(String.valueOf(e.getMessage()).contains(part),
                    () -> "message \"" + e.getMessage() + "\" should mention \"" + part + "\"");
        }
        for (int i = 0; i < watched.length; i++) {
            if (before.get(i) != null) {
                assertArrayEquals(before.get(i), watched[i].toArray(ValueLayout.JAVA_BYTE),
                        "segment " + i + " was written before the exception");
            }
        }
    }

    private static float[] read(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_FLOAT);
    }

    @Nested
    final class GemmArguments {
        private ThreadTeam team;
        private Gemm gemm;

        @BeforeEach
        void startTeam() {
            team = ThreadTeam.of(1);
            gemm = new Gemm(team);
        }

        @AfterEach
        void stopTeam() {
            team.close();
        }

        /** C (5 x 7) = A (5 x 3) B (3 x 7) + bias, all packed, in segments of exactly the right size. */
        private final class Call {
            boolean transA, transB;
            int m = 5, n = 7, k = 3, lda = 3, ldb = 7, ldc = 7;
            MemorySegment a = floats(15), b = floats(21), c = floats(35), bias = floats(7);
            long aOff, bOff, cOff, biasOff;
            Activation act = Activation.NONE;

            void run() {
                gemm.multiply(m, n, k, 0.5f, new MatrixView(a, aOff, lda, transA), new MatrixView(b, bOff, ldb, transB),
                        MatrixView.of(c, cOff, ldc), new Epilogue(1f, bias, biasOff, act));
            }

            void runOn(int member) {
                gemm.multiplyOn(member, m, n, k, 0.5f, new MatrixView(a, aOff, lda, transA),
                        new MatrixView(b, bOff, ldb, transB), MatrixView.of(c, cOff, ldc), new Epilogue(1f, bias, biasOff, act));
            }

            void rejects(Class<? extends RuntimeException> type, String... parts) {
                KernelArgumentsTest.rejects(type, this::run, List.of(parts), a, b, c, bias);
            }
        }

        @Test
        void nonPositiveDimensions() {
            Call call = new Call();
            call.m = 0;
            call.rejects(IllegalArgumentException.class, "m must be >= 1, got 0");
            call = new Call();
            call.n = -3;
            call.rejects(IllegalArgumentException.class, "n must be >= 1, got -3");
            call = new Call();
            call.k = 0;
            call.rejects(IllegalArgumentException.class, "k must be >= 1, got 0");
        }

        @Test
        void segmentsTooSmall() {
            Call call = new Call();
            call.a = floats(14);
            call.rejects(IllegalArgumentException.class, "A (m x k)", "5x3", "needs 15 floats", "holds 14");
            call = new Call();
            call.transA = true;
            call.lda = 6;
            call.rejects(IllegalArgumentException.class, "A (transposed, k x m)", "3x5 with leading dimension 6",
                    "needs 17 floats", "holds 15");
            call = new Call();
            call.b = floats(20);
            call.rejects(IllegalArgumentException.class, "B (k x n)", "3x7", "needs 21 floats", "holds 20");
            call = new Call();
            call.transB = true;
            call.ldb = 4;
            call.rejects(IllegalArgumentException.class, "B (transposed, n x k)", "7x3", "leading dimension 4",
                    "needs 27 floats", "holds 21");
            call = new Call();
            call.cOff = 1;
            call.rejects(IllegalArgumentException.class, "C (m x n)", "at offset 1", "needs 36 floats", "holds 35");
            call = new Call();
            call.biasOff = 2;
            call.rejects(IllegalArgumentException.class, "bias", "needs 9 floats", "holds 7");
        }

        @Test
        void leadingDimensionBelowColumnsAndNegativeOffsets() {
            Call call = new Call();
            call.lda = 2;
            call.rejects(IllegalArgumentException.class, "A (m x k)", "leading dimension 2 < columns 3");
            call = new Call();
            call.ldc = 6;
            call.rejects(IllegalArgumentException.class, "C (m x n)", "leading dimension 6 < columns 7");
            call = new Call();
            call.bOff = -1;
            call.rejects(IllegalArgumentException.class, "B (k x n)", "negative offset -1");
        }

        @Test
        void outputOverlappingAnInput() {
            MemorySegment shared = floats(80);
            Call call = new Call();
            call.a = shared;
            call.c = shared;
            call.cOff = 10; // A spans floats [0, 15)
            call.rejects(IllegalArgumentException.class, "C must not overlap A");
            call = new Call();
            call.b = shared;
            call.c = shared;
            call.bOff = 40; // B spans [40, 61), C [10, 45)
            call.cOff = 10;
            call.rejects(IllegalArgumentException.class, "C must not overlap B");
            call = new Call();
            call.bias = shared;
            call.c = shared;
            call.biasOff = 44; // the last float of C
            call.cOff = 10;
            call.rejects(IllegalArgumentException.class, "C must not overlap bias");
            // Two segment objects over one buffer: the check compares addresses.
            call = new Call();
            call.a = shared.asSlice(0, 15 * Float.BYTES);
            call.c = shared.asSlice(14 * Float.BYTES, 35 * Float.BYTES);
            call.rejects(IllegalArgumentException.class, "C must not overlap A");
        }

        @Test
        void disjointOperandsInOneSegmentAreFine() {
            MemorySegment shared = floats(15 + 21 + 35 + 7);
            Call call = new Call();
            call.a = shared;
            call.b = shared;
            call.bOff = 15;
            call.c = shared;
            call.cOff = 36;
            call.bias = shared;
            call.biasOff = 71;
            MemorySegment expected = Memory.floats(arena, 35);
            MemorySegment.copy(shared, 36L * Float.BYTES, expected, 0, 35L * Float.BYTES);
            ScalarKernels.gemm(5, 7, 3, 0.5f, MatrixView.of(shared, 0, 3), MatrixView.of(shared, 15, 7),
                    MatrixView.of(expected, 0, 7), new Epilogue(1f, shared, 71, Activation.NONE));
            call.run();
            float[] got = Memory.toArray(shared, 36, 35);
            float[] want = read(expected);
            for (int i = 0; i < 35; i++) {
                assertTrue(Math.abs(got[i] - want[i]) <= 1e-5f * Math.abs(want[i]), "C[" + i + "]");
            }
        }

        @Test
        void closedArenas() {
            Call call = new Call();
            call.a = closedSegment(15);
            call.rejects(IllegalStateException.class, "A (m x k)", "closed");
            call = new Call();
            call.b = closedSegment(21);
            call.rejects(IllegalStateException.class, "B (k x n)", "closed");
            call = new Call();
            call.c = closedSegment(35);
            call.rejects(IllegalStateException.class, "C (m x n)", "closed");
            call = new Call();
            call.bias = closedSegment(7);
            call.rejects(IllegalStateException.class, "bias", "closed");
        }

        @Test
        void transposedC() {
            Call call = new Call();
            KernelArgumentsTest.rejects(IllegalArgumentException.class,
                    () -> gemm.multiply(5, 7, 3, 1f, MatrixView.of(call.a, 0, 3), MatrixView.of(call.b, 0, 7),
                            MatrixView.of(call.c, 0, 7).t(), Epilogue.NONE),
                    List.of("C cannot be transposed"), call.a, call.b, call.c);
        }

        @Test
        void nullActivationAndNullSegment() {
            Call call = new Call();
            call.act = null;
            call.rejects(IllegalArgumentException.class, "activation is null");
            call = new Call();
            call.b = null;
            KernelArgumentsTest.rejects(IllegalArgumentException.class, call::run, List.of("B (k x n) is null"),
                    call.a, call.c, call.bias);
        }

        /** The packed product checks A, C and bias as the plain one does, and PackedMatrix.pack checks W. */
        @Test
        void packedProductAndPackingCheckTheirArguments() {
            MemorySegment w = floats(21); // W: 7 x 3
            PackedMatrix packed = PackedMatrix.pack(w, 0, 3, 7, 3, arena);
            MatrixView a = MatrixView.of(floats(15), 0, 3), c = MatrixView.of(floats(35), 0, 7);
            Epilogue bias = Epilogue.of(0f, floats(7), Activation.NONE);
            KernelArgumentsTest.rejects(IllegalArgumentException.class,
                    () -> gemm.multiply(5, MatrixView.of(floats(14), 0, 3), packed, c, bias),
                    List.of("A (m x k)", "5x3", "needs 15 floats", "holds 14"), c.data());
            KernelArgumentsTest.rejects(IllegalArgumentException.class,
                    () -> gemm.multiply(5, a, packed, MatrixView.of(c.data(), 1, 7), bias),
                    List.of("C (m x n)", "at offset 1", "needs 36 floats", "holds 35"), c.data());
            KernelArgumentsTest.rejects(IllegalArgumentException.class,
                    () -> gemm.multiply(5, a, packed, c, Epilogue.of(0f, floats(6), Activation.NONE)),
                    List.of("bias", "needs 7 floats", "holds 6"), c.data());
            KernelArgumentsTest.rejects(IllegalArgumentException.class,
                    () -> gemm.multiply(5, a, null, c, bias), List.of("W is null"), c.data());
            KernelArgumentsTest.rejects(IllegalArgumentException.class,
                    () -> gemm.multiplyOn(1, 5, a, packed, c, bias), List.of("member 1 is not in [0, 1)"), c.data());
            KernelArgumentsTest.rejects(IllegalArgumentException.class,
                    () -> gemm.multiply(5, a.t(), packed, c, bias), List.of("A cannot be transposed"), c.data());
            MemorySegment both = floats(50); // A at [0, 15), C at [14, 49)
            KernelArgumentsTest.rejects(IllegalArgumentException.class,
                    () -> gemm.multiply(5, MatrixView.of(both, 0, 3), packed, MatrixView.of(both, 14, 7), bias),
                    List.of("C must not overlap A"), both);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PackedMatrix.pack(floats(20), 0, 3, 7, 3, arena));
            assertTrue(e.getMessage().contains("W (n x k)") && e.getMessage().contains("holds 20"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> PackedMatrix.pack(w, 0, 3, 0, 3, arena));
            assertTrue(e.getMessage().contains("n must be >= 1, got 0"), e.getMessage());
            // Stacked part by part: a part must start a panel (in order), and every row must be given.
            int nr = Simd.enabled() ? GemmContext.CURRENT.nr() : 1;
            PackedMatrix.Stack stack = PackedMatrix.stack(nr + 2, 3, arena);
            if (Simd.enabled()) {
                stack.add(floats(3), 0, 3, 1);
                e = assertThrows(IllegalArgumentException.class, () -> stack.add(floats(3), 0, 3, 1));
                assertTrue(e.getMessage().contains("rows [1, 2) do not fit W's " + (nr + 2) + " rows in whole panels"),
                        e.getMessage());
            }
            IllegalStateException s = assertThrows(IllegalStateException.class, stack::done);
            assertTrue(s.getMessage().contains("of W's " + (nr + 2) + " rows were packed"), s.getMessage());
        }

        @Test
        void multiplyOnChecksArgumentsAndMember() {
            Call call = new Call();
            KernelArgumentsTest.rejects(IllegalArgumentException.class, () -> call.runOn(1),
                    List.of("member 1 is not in [0, 1)"), call.a, call.b, call.c, call.bias);
            KernelArgumentsTest.rejects(IllegalArgumentException.class, () -> call.runOn(-1),
                    List.of("member -1"), call.a, call.b, call.c, call.bias);
            call.k = 0;
            KernelArgumentsTest.rejects(IllegalArgumentException.class, () -> call.runOn(0),
                    List.of("k must be >= 1"), call.a, call.b, call.c, call.bias);
        }

        @Test
        void closedTeam() {
            team.close();
            Call call = new Call();
            call.rejects(IllegalStateException.class, "closed");
        }

        /** A team with helper threads cannot read a confined arena: rejected up front, C untouched. */
        @Test
        void confinedOperandsWithHelperThreads() {
            try (ThreadTeam two = ThreadTeam.of(2); Arena shared = Arena.ofShared()) {
                gemm = new Gemm(two);
                Call call = new Call();
                call.a = floats(shared, 15);
                call.b = floats(shared, 21);
                call.bias = floats(shared, 7);
                // C is the only confined operand.
                call.rejects(IllegalArgumentException.class, "C is confined", "team of 2");
                call.c = floats(shared, 35);
                call.a = floats(15);
                call.rejects(IllegalArgumentException.class, "A is confined");
                call.a = floats(shared, 15);
                call.run(); // all shared: fine
                // Nested in a job the product runs inline on the member's thread: confined memory is fine there.
                Call inner = new Call();
                two.run((member, members) -> {
                    if (member == 0) {
                        inner.run();
                    }
                });
            }
        }
    }

    @Nested
    final class LayerNormArguments {
        /** 3 rows of 10 floats, ld 10. */
        private final class Call {
            int rows = 3, cols = 10, ldx = 10, ldy = 10;
            MemorySegment x = floats(30), gamma = floats(10), beta = floats(10), y = floats(30);
            long xOff, gOff, bOff, yOff;
            float eps = 1e-5f;

            void run() {
                LayerNorm.apply(rows, cols, x, xOff, ldx, gamma, gOff, beta, bOff, eps, y, yOff, ldy);
            }

            void rejects(Class<? extends RuntimeException> type, String... parts) {
                KernelArgumentsTest.rejects(type, this::run, List.of(parts), x, gamma, beta, y);
            }
        }

        @Test
        void nonPositiveDimensions() {
            Call call = new Call();
            call.rows = 0;
            call.rejects(IllegalArgumentException.class, "x rows must be >= 1, got 0");
            call = new Call();
            call.cols = -1;
            call.rejects(IllegalArgumentException.class, "x columns must be >= 1, got -1");
        }

        @Test
        void segmentsTooSmall() {
            Call call = new Call();
            call.x = floats(29);
            call.rejects(IllegalArgumentException.class, "x: 3x10", "needs 30 floats", "holds 29");
            call = new Call();
            call.gOff = 1;
            call.rejects(IllegalArgumentException.class, "gamma", "needs 11 floats", "holds 10");
            call = new Call();
            call.beta = floats(9);
            call.rejects(IllegalArgumentException.class, "beta", "needs 10 floats", "holds 9");
            call = new Call();
            call.ldy = 11;
            call.rejects(IllegalArgumentException.class, "y: 3x10 with leading dimension 11", "needs 32", "holds 30");
        }

        @Test
        void partlyOverlappingOutput() {
            MemorySegment shared = floats(40);
            Call call = new Call();
            call.x = shared;
            call.y = shared;
            call.yOff = 1;
            call.rejects(IllegalArgumentException.class, "y must not overlap x");
            call.yOff = 0;
            call.ldx = 10;
            call.ldy = 11; // same start, other rows elsewhere
            call.rejects(IllegalArgumentException.class, "y must not overlap x");
            call = new Call();
            call.gamma = call.y;
            call.gOff = 20;
            call.rejects(IllegalArgumentException.class, "y must not overlap gamma");
            call = new Call();
            call.beta = call.y;
            call.rejects(IllegalArgumentException.class, "y must not overlap beta");
        }

        @Test
        void exactlyInPlaceIsAllowedAndCorrect() {
            Call outOfPlace = new Call();
            outOfPlace.run();
            Call inPlace = new Call();
            inPlace.y = inPlace.x;
            inPlace.run();
            assertArrayEquals(read(outOfPlace.y), read(inPlace.x));
        }

        @ParameterizedTest
        @ValueSource(floats = {-1e-5f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
        void badEpsilon(float eps) {
            Call call = new Call();
            call.eps = eps;
            call.rejects(IllegalArgumentException.class, "eps must be finite and >= 0, got " + eps);
        }

        @Test
        void closedArenas() {
            Call call = new Call();
            call.x = closedSegment(30);
            call.rejects(IllegalStateException.class, "x: its arena is already closed");
            call = new Call();
            call.gamma = closedSegment(10);
            call.rejects(IllegalStateException.class, "gamma: its arena is already closed");
            call = new Call();
            call.beta = closedSegment(10);
            call.rejects(IllegalStateException.class, "beta: its arena is already closed");
            call = new Call();
            call.y = closedSegment(30);
            call.rejects(IllegalStateException.class, "y: its arena is already closed");
        }
    }

    @Nested
    final class SoftmaxArguments {
        private void rejects(Class<? extends RuntimeException> type, int rows, int cols, float scale, MemorySegment x,
                             long xOff, int ldx, String... parts) {
            KernelArgumentsTest.rejects(type, () -> Softmax.apply(rows, cols, scale, x, xOff, ldx), List.of(parts), x);
        }

        @Test
        void nonPositiveDimensionsAndShortSegments() {
            MemorySegment x = floats(24);
            rejects(IllegalArgumentException.class, 0, 8, 1f, x, 0, 8, "x rows must be >= 1, got 0");
            rejects(IllegalArgumentException.class, 3, 0, 1f, x, 0, 8, "x columns must be >= 1, got 0");
            rejects(IllegalArgumentException.class, 3, 8, 1f, x, 1, 8, "x: 3x8", "at offset 1", "needs 25 floats",
                    "holds 24");
            rejects(IllegalArgumentException.class, 3, 8, 1f, x, 0, 9, "needs 26 floats");
            rejects(IllegalArgumentException.class, 3, 8, 1f, x, 0, 7, "leading dimension 7 < columns 8");
        }

        @ParameterizedTest
        @ValueSource(floats = {0f, -0f, -0.125f, Float.NaN, Float.POSITIVE_INFINITY})
        void badScale(float scale) {
            rejects(IllegalArgumentException.class, 3, 8, scale, floats(24), 0, 8,
                    "scale must be finite and > 0, got " + scale);
        }

        @Test
        void closedArena() {
            rejects(IllegalStateException.class, 3, 8, 1f, closedSegment(24), 0, 8, "x: its arena is already closed");
        }
    }

    @Nested
    final class ElementWiseArguments {
        @Test
        void nonPositiveDimensions() {
            MemorySegment x = floats(12), y = floats(12);
            rejects(IllegalArgumentException.class, () -> ElementWise.add(0, 4, x, 0, 4, y, 0, 4),
                    List.of("x rows must be >= 1, got 0"), x, y);
            rejects(IllegalArgumentException.class, () -> ElementWise.addBias(3, 0, x, 0, y, 0, 4),
                    List.of("bias columns must be >= 1, got 0"), x, y);
            rejects(IllegalArgumentException.class, () -> ElementWise.scale(-2, 4, 2f, y, 0, 4),
                    List.of("y rows must be >= 1, got -2"), y);
            rejects(IllegalArgumentException.class, () -> ElementWise.activate(Activation.GELU_ERF, 3, 0, x, 0, 4, y, 0, 4),
                    List.of("x columns must be >= 1, got 0"), x, y);
        }

        @Test
        void segmentsTooSmall() {
            MemorySegment x = floats(12), y = floats(12), small = floats(11);
            rejects(IllegalArgumentException.class, () -> ElementWise.add(3, 4, small, 0, 4, y, 0, 4),
                    List.of("x: 3x4", "needs 12 floats", "holds 11"), small, y);
            rejects(IllegalArgumentException.class, () -> ElementWise.add(3, 4, x, 0, 4, y, 1, 4),
                    List.of("y: 3x4", "at offset 1", "needs 13 floats", "holds 12"), x, y);
            rejects(IllegalArgumentException.class, () -> ElementWise.addBias(3, 4, x, 9, y, 0, 4),
                    List.of("bias", "needs 13 floats", "holds 12"), x, y);
            rejects(IllegalArgumentException.class, () -> ElementWise.scale(3, 4, 2f, small, 0, 4),
                    List.of("y: 3x4", "needs 12 floats", "holds 11"), small);
            rejects(IllegalArgumentException.class, () -> ElementWise.activate(Activation.NONE, 3, 4, x, 0, 4, y, 0, 5),
                    List.of("y: 3x4 with leading dimension 5", "needs 14 floats"), x, y);
        }

        @Test
        void partlyOverlappingOutput() {
            MemorySegment s = floats(20);
            rejects(IllegalArgumentException.class, () -> ElementWise.add(3, 4, s, 0, 4, s, 2, 4),
                    List.of("y must not overlap x"), s);
            rejects(IllegalArgumentException.class, () -> ElementWise.add(3, 4, s, 0, 4, s, 0, 5),
                    List.of("y must not overlap x"), s);
            rejects(IllegalArgumentException.class, () -> ElementWise.addBias(3, 4, s, 8, s, 0, 4),
                    List.of("y must not overlap bias"), s);
            rejects(IllegalArgumentException.class, () -> ElementWise.addBias(3, 4, s, 0, s, 0, 4),
                    List.of("y must not overlap bias"), s);
            rejects(IllegalArgumentException.class,
                    () -> ElementWise.activate(Activation.GELU_TANH, 3, 4, s, 1, 4, s, 0, 4),
                    List.of("y must not overlap x"), s);
        }

        @Test
        void exactlyInPlaceIsAllowedAndCorrect() {
            MemorySegment y = floats(12);
            float[] before = read(y);
            ElementWise.add(3, 4, y, 0, 4, y, 0, 4);
            float[] doubled = read(y);
            for (int i = 0; i < 12; i++) {
                assertTrue(doubled[i] == before[i] + before[i]);
            }
            MemorySegment x = floats(12), out = Memory.floats(arena, 12);
            ElementWise.activate(Activation.GELU_ERF, 3, 4, x, 0, 4, out, 0, 4);
            ElementWise.activate(Activation.GELU_ERF, 3, 4, x, 0, 4, x, 0, 4);
            assertArrayEquals(read(out), read(x));
        }

        @Test
        void nullActivation() {
            MemorySegment x = floats(12), y = floats(12);
            rejects(IllegalArgumentException.class, () -> ElementWise.activate(null, 3, 4, x, 0, 4, y, 0, 4),
                    List.of("activation is null"), x, y);
        }

        @Test
        void closedArenas() {
            MemorySegment live = floats(12), gone = closedSegment(12);
            rejects(IllegalStateException.class, () -> ElementWise.add(3, 4, gone, 0, 4, live, 0, 4),
                    List.of("x: its arena is already closed"), live);
            rejects(IllegalStateException.class, () -> ElementWise.add(3, 4, live, 0, 4, gone, 0, 4),
                    List.of("y: its arena is already closed"), live);
            rejects(IllegalStateException.class, () -> ElementWise.addBias(3, 4, gone, 0, live, 0, 4),
                    List.of("bias: its arena is already closed"), live);
            rejects(IllegalStateException.class, () -> ElementWise.scale(3, 4, 2f, gone, 0, 4),
                    List.of("y: its arena is already closed"));
            rejects(IllegalStateException.class,
                    () -> ElementWise.activate(Activation.GELU_ERF, 3, 4, live, 0, 4, gone, 0, 4),
                    List.of("y: its arena is already closed"), live);
        }
    }
}
