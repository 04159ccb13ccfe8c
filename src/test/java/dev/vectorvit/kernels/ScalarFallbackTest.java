package dev.vectorvit.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Runs in the surefire execution "scalar-fallback", whose JVM lacks --add-modules jdk.incubator.vector
 * (the golden tests run there too, through the scalar kernels).
 */
class ScalarFallbackTest {

    @Test
    void withoutTheModuleTheScalarKernelsRunAndSayHowToEnableSimdOnce() {
        assumeTrue(Boolean.getBoolean("vectorvit.expectScalar"), "only in the scalar-fallback execution");
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty());
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertFalse(Simd.enabled());
            assertFalse(Simd.enabled());
        } finally {
            System.setErr(saved);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        long warnings = text.lines().filter(l -> l.contains("--add-modules jdk.incubator.vector")).count();
        // One line at most: an earlier test in this JVM may already have printed it.
        assertTrue(warnings <= 1, text);
        assertEquals("scalar (jdk.incubator.vector not enabled)", Simd.describe());
    }
}
