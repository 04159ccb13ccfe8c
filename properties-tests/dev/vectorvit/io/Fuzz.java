package dev.vectorvit.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import net.jqwik.api.statistics.Statistics;

/**
 * The contract every fuzzed reader is held to, checked case by case: on any input it returns normally
 * or throws a {@link FormatException} whose message names the file on one line (never another exception,
 * an OutOfMemoryError or StackOverflowError included), within {@link #TIME_LIMIT}, and reading allocates
 * at most {@link #ALLOCATION_LIMIT} bytes of heap. Heap is counted per thread (ThreadMXBean's allocated
 * bytes), so the cases run one at a time on a thread of their own, which also lets a stuck case time out.
 * Off-heap, mapping the file is free, and the only other native memory a reader takes is a float32 copy
 * of an F16, BF16 or unaligned tensor, whose size the properties check against the tensor's shape.
 */
final class Fuzz {
    static final Duration TIME_LIMIT = Duration.ofSeconds(5);
    static final long ALLOCATION_LIMIT = 64L << 20;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static ExecutorService caseThread = newCaseThread();

    /** How a case ended. */
    enum Outcome { ACCEPTED, REJECTED }

    /** Reads a file into something to close. */
    @FunctionalInterface
    interface Read<T extends AutoCloseable> {
        T open() throws Exception;
    }

    /** Uses what a {@link Read} returned. */
    @FunctionalInterface
    interface Use<T> {
        void accept(T opened) throws Exception;
    }

    /** A read that leaves nothing open. */
    @FunctionalInterface
    interface Check {
        void run() throws Exception;
    }

    private Fuzz() {}

    /** {@link #check(Path, Read, Use)} of a read that leaves nothing open. */
    static Outcome check(Path source, Check read) {
        return check(source, () -> {
            read.run();
            return () -> {};
        }, opened -> {});
    }

    /**
     * Runs {@code read}, then {@code use} on its result (which it closes), on the case thread under the
     * contract above: {@code source} is the file (or folder) that a FormatException's message must name;
     * the heap allocation limit applies to {@code read}, since what {@code use} allocates (a forward pass
     * before the JIT has compiled its Vector API code: tens of MiB of garbage) depends on the JIT, not on
     * the file. Returns the outcome and records it in jqwik's statistics under "outcome".
     */
    static <T extends AutoCloseable> Outcome check(Path source, Read<T> read, Use<T> use) {
        Future<Outcome> result = caseThread.submit(() -> run(source, read, use));
        Outcome outcome;
        try {
            outcome = result.get(TIME_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // The case is stuck: leave its thread behind (interrupted) and give later cases a new one.
            caseThread.shutdownNow();
            caseThread = newCaseThread();
            throw new AssertionError("no answer within " + TIME_LIMIT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        Statistics.label("outcome").collect(outcome);
        return outcome;
    }

    private static <T extends AutoCloseable> Outcome run(Path source, Read<T> read, Use<T> use) {
        long heapBefore = THREADS.getCurrentThreadAllocatedBytes();
        long heapRead = -1;
        Outcome outcome;
        try (T opened = read.open()) {
            heapRead = THREADS.getCurrentThreadAllocatedBytes() - heapBefore;
            use.accept(opened);
            outcome = Outcome.ACCEPTED;
        } catch (FormatException e) {
            String message = e.getMessage();
            if (message == null || !message.contains(source.toString())) {
                throw new AssertionError("FormatException does not name " + source + ": " + message, e);
            }
            if (message.lines().count() != 1) {
                throw new AssertionError("FormatException message of several lines: " + message, e);
            }
            outcome = Outcome.REJECTED;
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("undocumented " + t.getClass().getName() + ": " + t.getMessage(), t);
        }
        long heap = heapRead >= 0 ? heapRead : THREADS.getCurrentThreadAllocatedBytes() - heapBefore;
        if (heap > ALLOCATION_LIMIT) {
            throw new AssertionError("reading allocated " + heap + " bytes of heap, over the limit of "
                    + ALLOCATION_LIMIT);
        }
        return outcome;
    }

    /** One daemon thread that runs the cases (starting a thread per case would cost more than most cases). */
    private static ExecutorService newCaseThread() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true);
            return t;
        });
    }

    /** Fails the property unless at least {@code percent} of its cases ended as {@code outcome} (the fuzzing reaches it). */
    static void requireShare(Outcome outcome, double percent) {
        Statistics.label("outcome").coverage(c -> c.check(outcome).percentage(p -> p >= percent));
    }

    /** A fresh temporary folder for a property class's files. */
    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory("vectorvit-" + prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code dir} and everything in it. */
    static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
