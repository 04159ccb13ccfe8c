package dev.vectorvit.kernels;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the vector kernels can run. They need the incubator module {@code jdk.incubator.vector}
 * ({@code --add-modules jdk.incubator.vector}); without it every kernel runs its scalar reference and
 * one warning line says how to turn SIMD on. {@code -Dvectorvit.simd=false} forces the scalar path.
 * This class must not mention any vector type: it decides whether those classes may load at all.
 */
public final class Simd {
    private static final boolean ENABLED =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    && !"false".equalsIgnoreCase(System.getProperty("vectorvit.simd"));
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private Simd() {}

    /** True when the vector kernels are in use. */
    public static boolean enabled() {
        if (!ENABLED && WARNED.compareAndSet(false, true)) {
            System.err.println("warning: vectorvit runs scalar kernels (slow): start the JVM with "
                    + "--add-modules jdk.incubator.vector to enable SIMD");
        }
        return ENABLED;
    }

    /** A one-line description of the kernels in use, e.g. "SIMD 512-bit (16 floats)". */
    public static String describe() {
        return enabled() ? "SIMD " + Lanes.describe() : "scalar (jdk.incubator.vector not enabled)";
    }
}
