package dev.vectorvit.model;

import static dev.vectorvit.model.Fixtures.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * The activation workspace a session holds is what {@link InferenceSession#workspaceBytes} reports for its
 * largest batch so far, and the limit is held to the byte (ModelLoadingTest checks the message of a batch
 * refused up front).
 */
final class WorkspaceTest {
    private static final int THREADS = 2;
    private static final ViTConfig SMALL = Fixtures.smallConfig();

    /** Runs {@code batch} random images through {@code s}; returns the logits. */
    private static float[] run(InferenceSession s, int batch) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment in = Memory.copyOf(a, Fixtures.randomImages(SMALL, batch, batch));
            MemorySegment out = Memory.floats(a, (long) batch * SMALL.classes());
            s.forward(in, 0, batch, out, 0);
            return Memory.toArray(out, 0, batch * SMALL.classes());
        }
    }

    @Test
    void batch64OfASmallModelRunsWithinTheReportedWorkspace() {
        long reported2 = InferenceSession.workspaceBytes(SMALL, 2, THREADS);
        long reported64 = InferenceSession.workspaceBytes(SMALL, 64, THREADS);
        ViTModel.Options options = ViTModel.Options.defaults().withThreads(THREADS).withWorkspaceLimitBytes(reported64);
        try (ViTModel m = ViTModel.random(SMALL, 1, options); InferenceSession s = m.newSession(THREADS)) {
            assertEquals(0, s.reservedBytes(), "nothing before the first batch");
            run(s, 2);
            long held2 = s.reservedBytes();
            assertTrue(held2 > 0 && held2 <= reported2, "batch 2 holds " + held2 + " bytes, reported " + reported2);
            float[] logits = run(s, 64);
            long held64 = s.reservedBytes();
            assertTrue(held64 > held2 && held64 <= reported64, "batch 64 after batch 2 holds " + held64
                    + " bytes, reported " + reported64 + " (the batch-2 workspace is freed when the batch grows)");
            for (float v : logits) {
                assertTrue(Float.isFinite(v), "logit " + v);
            }
            run(s, 2);
            assertEquals(held64, s.reservedBytes(), "a smaller batch reuses the workspace");
        }
    }

    /** The case: ViT-B/16 (random weights), batch 64, about 0.4 GiB of activations; ~20 s on 2 cores. */
    @Test
    void batch64OfVitB16RunsWithinTheReportedWorkspace() {
        ViTConfig b16 = ViTConfig.vitBase16();
        long reported = InferenceSession.workspaceBytes(b16, 64, THREADS);
        ViTModel.Options options = ViTModel.Options.defaults().withThreads(THREADS).withWorkspaceLimitBytes(reported);
        try (ViTModel m = ViTModel.random(b16, 3, options); InferenceSession s = m.newSession(THREADS);
             Arena a = Arena.ofShared()) {
            MemorySegment in = Memory.floats(a, 64L * b16.imageFloats());
            MemorySegment out = Memory.floats(a, 64L * b16.classes());
            s.forward(in, 0, 64, out, 0);
            long held = s.reservedBytes();
            assertTrue(held > 0 && held <= reported, "batch 64 holds " + held + " bytes, reported " + reported);
            for (float v : Memory.toArray(out, 0, 64 * b16.classes())) {
                assertTrue(Float.isFinite(v), "logit " + v);
            }
        }
    }

    @Test
    void theLimitIsHeldToTheByte() {
        long need = InferenceSession.workspaceBytes(SMALL, 64, THREADS);
        ViTModel.Options exact = ViTModel.Options.defaults().withThreads(THREADS).withWorkspaceLimitBytes(need);
        try (ViTModel m = ViTModel.random(SMALL, 1, exact); InferenceSession s = m.newSession(THREADS)) {
            assertEquals(64 * SMALL.classes(), run(s, 64).length);
        }
        try (ViTModel m = ViTModel.random(SMALL, 1, exact.withWorkspaceLimitBytes(need - 1));
             InferenceSession s = m.newSession(THREADS)) {
            assertMessage(assertThrows(IllegalArgumentException.class, () -> run(s, 64)).getMessage(), "batch 64 needs");
            assertEquals(0, s.reservedBytes(), "refused before anything is allocated");
        }
    }
}
