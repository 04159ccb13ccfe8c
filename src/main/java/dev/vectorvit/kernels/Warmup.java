package dev.vectorvit.kernels;

import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs each vector kernel of a transformer block on small data until the JIT has compiled it, so that a
 * model's first forward pass finds them compiled. It runs on a thread of its own while a model loads: a
 * kernel first met in the forward pass runs C1's code, a Java call per vector operation, on full-size
 * data until C2 has compiled it (the GEMM micro-kernel alone took half a second of ViT-B/16's first
 * pass), where here it runs on small data (one register tile of rows for the products) and just enough
 * calls to pass HotSpot's thresholds (1,200 products of depth 32 for the micro-kernel). Shapes are a
 * ViT-B block's (width 768, 197 tokens, heads of 64) and every operand is in shared native memory, as in
 * a model's own runs, so that the profiles C2 compiles from are a real pass's. Nothing here changes what
 * a kernel computes.
 */
public final class Warmup {
    private static final int D = 768, TOKENS = 197, HEAD = 64;
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    static {
        // The Vector API's Java fallbacks, which kernels run until C2 compiles them, wrap byte arrays in heap
        // segments (FloatVector.test reinterprets through MemorySegment.ofArray). Until one exists, C2 compiles every
        // segment access for native segments alone (a class-hierarchy dependency), and the first heap segment then
        // deoptimizes all of it: the load's packing and the kernels the warm-up had compiled, half a second into a
        // ViT-B/16 made at random (17 methods at once). Made here first, as a safetensors header read makes it.
        MemorySegment.ofArray(new byte[0]);
    }

    private Warmup() {}

    /**
     * Starts {@link #run} on a daemon thread, the first time only (a JVM needs it once); not at all under
     * {@code -Dvectorvit.warmup=false}.
     */
    public static void startOnce() {
        if (Boolean.parseBoolean(System.getProperty("vectorvit.warmup", "true")) && STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("vectorvit-warmup").start(Warmup::run);
        }
    }

    /** Runs the kernels until the JIT has compiled them (about 1 s on 2 cores, most of it compiling). */
    static void run() {
        if (!Simd.enabled()) {
            return;
        }
        int nr = GemmContext.CURRENT.nr(), mr = GemmContext.CURRENT.mr(), depth = 32;
        try (Arena arena = Memory.scratch(); ThreadTeam team = ThreadTeam.of(1)) {
            // Zeros: the values do not matter, and filling memory one float at a time is slow this early.
            MemorySegment x = Memory.floats(arena, (long) mr * D), y = Memory.floats(arena, (long) mr * D);
            int ls = Softmax.paddedCols(TOKENS); // attention's scores rows
            MemorySegment qkv = Memory.floats(arena, (long) TOKENS * 3 * D), scores = Memory.floats(arena, (long) mr * ls);
            MemorySegment gamma = Memory.floats(arena, D), bias = Memory.floats(arena, D);
            MemorySegment probs = Memory.floats(arena, (long) TOKENS * ls);
            PackedMatrix w = PackedMatrix.pack(Memory.floats(arena, (long) nr * depth), 0, depth, nr, depth, arena);
            Gemm gemm = new Gemm(team);
            MatrixView a = new MatrixView(y, 0, depth, false), c = new MatrixView(x, 0, nr, false);
            for (int i = 0; i < 1200; i++) { // GELU in three of four: its C2 compile needs about 800 tiles
                boolean residual = i % 4 == 3;
                // A row more in two of eight (a GELU product and a residual one): the path of the rows past the last
                // whole tile, as at 197 tokens; C2 traps on a branch its profile never saw taken.
                gemm.multiplyOn(0, i % 8 == 0 || i % 8 == 7 ? mr + 1 : mr, a, w, c, Epilogue.of(residual ? 1f : 0f, bias,
                        residual ? Activation.NONE : Activation.GELU_ERF));
            }
            // Both attention products, for their paths (K^T's transpose in registers among them): the kernel is
            // compiled above.
            for (int i = 0; i < 24; i++) {
                long h = (long) (i % 12) * HEAD;
                gemm.multiplyOn(0, mr, TOKENS, HEAD, qkv, h, 3 * D, false, qkv, D + h, 3 * D, true, scores, 0, ls);
                gemm.multiplyOn(0, mr, HEAD, TOKENS, scores, 0, ls, false, qkv, 2 * D + h, 3 * D, false, y, 0, D);
            }
            for (int i = 0; i < 7; i++) { // whole heads, as attention calls it
                Softmax.applyPadded(TOKENS, TOKENS, 0.125f, probs, 0, ls);
            }
            for (int i = 0; i < 120; i++) {
                LayerNorm.apply(mr, D, x, 0, D, gamma, 0, bias, 0, 1e-6f, y, 0, D);
                ElementWise.add(mr, D, x, 0, D, y, 0, D);
            }
        }
    }
}
