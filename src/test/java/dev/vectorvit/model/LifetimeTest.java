package dev.vectorvit.model;

import static dev.vectorvit.model.Fixtures.assertBitwiseEquals;
import static dev.vectorvit.model.Fixtures.assertMessage;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Lifetimes: loading and closing a model a thousand times leaves open files, mappings, threads and
 * resident memory where they were, and a closed session refuses work (a closed model's refusals are in
 * ModelLoadingTest).
 */
final class LifetimeTest {
    private static final int CYCLES = 1000;
    /** Every this many cycles runs a forward pass (which starts a session and its helper thread). */
    private static final int FORWARD_EVERY = 10;
    private static final int FD_SLACK = 3;
    private static final int THREAD_SLACK = 2;
    private static final long RSS_SLACK = 64L << 20;
    private static final long DIRECT_SLACK = 1L << 20;
    private static final ViTModel.Options TWO_THREADS = ViTModel.Options.defaults().withThreads(2);

    private static final Path FDS = Path.of("/proc/self/fd");
    private static final Path STATUS = Path.of("/proc/self/status");

    /** What the process holds: open files, threads, mapped and direct buffer memory, resident memory. */
    private record Usage(long fds, int threads, long mappings, long mappedBytes, long directBytes, long rssBytes) {
        static Usage now() throws IOException {
            long fds;
            try (Stream<Path> open = Files.list(FDS)) {
                fds = open.count();
            }
            long rssKiB = Files.readAllLines(STATUS).stream().filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
            return new Usage(fds, ManagementFactory.getThreadMXBean().getThreadCount(), pool("mapped").getCount(),
                    pool("mapped").getTotalCapacity(), pool("direct").getTotalCapacity(), rssKiB << 10);
        }

        /**
         * After garbage collection (which frees the GEMM's automatic packing buffers) and once the helper
         * threads of closed sessions have ended (up to 5 s), or as it is then.
         */
        static Usage settled(int threadsAtMost) throws IOException, InterruptedException {
            for (int i = 0; i < 50 && ManagementFactory.getThreadMXBean().getThreadCount() > threadsAtMost; i++) {
                Thread.sleep(100);
            }
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(50);
            }
            return now();
        }

        private static BufferPoolMXBean pool(String name) {
            return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(b -> b.getName().equals(name)).findFirst().orElseThrow();
        }
    }

    /** {@code n} load/close cycles of vit-tiny, a forward pass every {@link #FORWARD_EVERY}. */
    private static void cycles(int n, float[] input) throws IOException {
        Path dir = Fixtures.fixture(Fixtures.TINY_HF);
        for (int i = 0; i < n; i++) {
            try (ViTModel m = ViTModel.load(dir, TWO_THREADS)) {
                if (i % FORWARD_EVERY == 0) {
                    assertEquals(20, m.logits(input, 2).length);
                }
            }
        }
    }

    @Test
    void loadCloseCyclesLeaveFilesMappingsThreadsAndMemoryFlat() throws IOException, InterruptedException {
        assumeTrue(Files.isDirectory(FDS) && Files.isReadable(STATUS), "needs Linux's /proc/self");
        float[] input = Fixtures.input("vit-tiny");
        // Resident memory grows while the JIT compiles (some 50 MiB over the first few hundred cycles in a
        // fresh JVM, then nothing: measured over 8,000 cycles); the baseline comes after that.
        cycles(300, input);
        Usage before = Usage.settled(Integer.MAX_VALUE);

        // The weights are packed into the model's memory at load: an open model holds no mapping and no file.
        try (ViTModel m = ViTModel.load(Fixtures.fixture(Fixtures.TINY_HF), TWO_THREADS)) {
            Usage open = Usage.now();
            assertEquals(before.mappings(), open.mappings(), "the file is unmapped once its tensors are packed");
            assertEquals(before.mappedBytes(), open.mappedBytes());
            assertEquals(before.fds(), open.fds(), "the file is closed after load");
            assertEquals(20, m.logits(input, 2).length);
        }

        long start = System.nanoTime();
        cycles(CYCLES, input);
        long millis = (System.nanoTime() - start) / 1_000_000;
        Usage after = Usage.settled(before.threads() + THREAD_SLACK);
        String report = CYCLES + " cycles in " + millis + " ms: before " + before + ", after " + after;

        assertEquals(before.mappings(), after.mappings(), "every mapping is unmapped at close; " + report);
        assertEquals(before.mappedBytes(), after.mappedBytes(), report);
        assertTrue(after.fds() <= before.fds() + FD_SLACK, "open files; " + report);
        assertTrue(after.threads() <= before.threads() + THREAD_SLACK, "threads; " + report);
        assertTrue(after.directBytes() <= before.directBytes() + DIRECT_SLACK, "direct buffers; " + report);
        assertTrue(after.rssBytes() <= before.rssBytes() + RSS_SLACK, "resident memory grew by "
                + (after.rssBytes() - before.rssBytes() >> 20) + " MiB, slack " + (RSS_SLACK >> 20) + " MiB; " + report);
    }

    @Test
    void aClosedSessionRefusesWork() throws IOException {
        float[] input = Fixtures.input("vit-tiny");
        try (ViTModel m = ViTModel.load(Fixtures.fixture(Fixtures.TINY_HF), TWO_THREADS);
             Arena a = Arena.ofConfined()) {
            MemorySegment in = Memory.copyOf(a, input);
            MemorySegment out = Memory.floats(a, 20);
            InferenceSession fresh = m.newSession(2);
            InferenceSession used = m.newSession(2);
            used.forward(in, 0, 2, out, 0);
            float[] expected = Memory.toArray(out, 0, 20);
            for (InferenceSession s : List.of(fresh, used)) {
                s.close();
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.forward(in, 0, 2, out, 0));
                assertMessage(e.getMessage(), "session is closed");
                assertDoesNotThrow(s::close, "close is idempotent");
            }
            assertBitwiseEquals(expected, m.logits(input, 2), "the model still runs once sessions of it are closed");
        }
    }
}
