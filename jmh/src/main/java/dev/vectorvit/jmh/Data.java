package dev.vectorvit.jmh;

import dev.vectorvit.kernels.Simd;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Inputs of the benchmarks: 64-byte aligned off-heap floats, deterministic. */
public final class Data {
    private Data() {}

    /**
     * Stops a benchmark of the vector kernels that would silently run the scalar fallback: the forked JVM
     * lacks {@code --add-modules jdk.incubator.vector}, typically because {@code -jvmArgsAppend} on the
     * command line replaced the {@code @Fork} annotation's (add JVM flags with {@code -jvmArgsPrepend}).
     * {@code -Dvectorvit.simd=false} (a deliberate scalar run) is let through.
     */
    public static void requireSimd() {
        if (!Simd.enabled() && !"false".equalsIgnoreCase(System.getProperty("vectorvit.simd"))) {
            throw new IllegalStateException("the Vector API module is not enabled in the benchmark JVM, so vectorvit "
                    + "would run its scalar kernels: -jvmArgsAppend replaces @Fork's --add-modules jdk.incubator.vector "
                    + "--enable-native-access=ALL-UNNAMED; pass extra JVM flags with -jvmArgsPrepend instead");
        }
    }

    /** {@code count} floats uniform in [-1, 1) from {@code seed}. */
    public static MemorySegment random(Arena arena, long count, long seed) {
        return random(arena, count, seed, -1, 1);
    }

    /** {@code count} floats uniform in [lo, hi) from {@code seed}. */
    public static MemorySegment random(Arena arena, long count, long seed, double lo, double hi) {
        MemorySegment s = Memory.floats(arena, count);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < count; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (lo + (hi - lo) * r.nextDouble()));
        }
        return s;
    }
}
