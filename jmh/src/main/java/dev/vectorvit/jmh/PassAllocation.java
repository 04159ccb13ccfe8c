package dev.vectorvit.jmh;

import com.sun.management.ThreadMXBean;
import dev.vectorvit.model.InferenceSession;
import dev.vectorvit.model.ViTConfig;
import dev.vectorvit.model.ViTModel;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * Heap bytes allocated per ViT-B/16 forward pass (random weights), counted on every thread of the JVM
 * (the caller and the team's helpers) with {@link ThreadMXBean#getThreadAllocatedBytes(long[])}. JMH's
 * {@code -prof gc} divides its whole iteration's allocation, its own bookkeeping included, by the passes
 * of that iteration: for a pass of a quarter second that is a few hundred bytes per pass that are not the
 * pass's. Here the count brackets each pass alone, less what one reading of the counters allocates.
 * Prints each block of passes' median and maximum.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp jmh/target/benchmarks.jar \
 *       dev.vectorvit.jmh.PassAllocation [THREADS [BATCH [SECONDS]]]
 * </pre>
 */
public final class PassAllocation {
    private static final int BLOCK = 20;

    private PassAllocation() {}

    public static void main(String[] args) {
        Data.requireSimd();
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 60;
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (ViTModel model = ViTModel.random(ViTConfig.vitBase16(), 42, ViTModel.Options.defaults().withThreads(threads));
             InferenceSession session = model.newSession(threads);
             Arena arena = Arena.ofShared()) {
            ViTConfig c = model.config();
            MemorySegment input = Data.random(arena, (long) batch * c.imageFloats(), 7);
            MemorySegment logits = Memory.floats(arena, (long) batch * c.classes());
            long[] bytes = new long[BLOCK];
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            for (int block = 1; System.nanoTime() < end; block++) {
                long[] threadIds = mx.getAllThreadIds(); // per block: listing the threads allocates
                for (int i = 0; i < BLOCK; i++) {
                    long reading = allocated(mx, threadIds) - allocated(mx, threadIds); // minus one reading's array
                    long before = allocated(mx, threadIds);
                    session.forward(input, 0, batch, logits, 0);
                    bytes[i] = allocated(mx, threadIds) - before + reading;
                }
                Arrays.sort(bytes);
                System.out.printf(Locale.ROOT, "passes %d-%d: heap bytes per pass, all threads: median %d, max %d%n",
                        (block - 1) * BLOCK + 1, block * BLOCK, bytes[BLOCK / 2], bytes[BLOCK - 1]);
            }
        }
    }

    /** Bytes allocated so far by these threads (-1 for one that has ended: left out). */
    private static long allocated(ThreadMXBean mx, long[] threadIds) {
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(threadIds)) {
            sum += Math.max(0, b);
        }
        return sum;
    }
}
