package dev.vectorvit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a folder run on stderr: on a terminal a bar redrawn in place (images done / total, images
 * per second, time left); otherwise one plain line every {@code intervalNanos}, so that a log file does
 * not fill with carriage returns. Other messages (errors) go through {@link #message}, which keeps them
 * off the bar's line.
 */
final class Progress {
    private static final long BAR_REDRAW_NANOS = 200_000_000L;
    private static final long LINE_INTERVAL_NANOS = 5_000_000_000L;
    private static final int BAR_WIDTH = 30;

    private final PrintWriter err;
    private final String what;
    private final int total;
    private final boolean bar;
    private final boolean quiet;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final long start;
    private long shown;
    private boolean barOnScreen;

    Progress(PrintWriter err, String what, int total, boolean bar, boolean quiet, long intervalNanos, LongSupplier clock) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.bar = bar;
        this.quiet = quiet;
        this.intervalNanos = intervalNanos;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.shown = start;
    }

    /** The progress of {@code what} on the process's stderr: a bar if it is a terminal. */
    static Progress onStderr(PrintWriter err, String what, int total, boolean quiet) {
        boolean terminal = stderrIsTerminal();
        return new Progress(err, what, total, terminal, quiet, terminal ? BAR_REDRAW_NANOS : LINE_INTERVAL_NANOS,
                System::nanoTime);
    }

    /** Whether file descriptor 2 is a terminal (Linux: a tty or pty device); false where that cannot be told. */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Reports {@code done} images finished; draws if the interval has passed. */
    void update(int done) {
        long now = clock.getAsLong();
        if (quiet || now - shown < intervalNanos) {
            return;
        }
        shown = now;
        String status = status(done, now);
        if (bar) {
            int filled = total == 0 ? BAR_WIDTH : (int) ((long) BAR_WIDTH * done / total);
            err.print("\r\033[K[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + status);
            barOnScreen = true;
        } else {
            err.println(what + ": " + status);
        }
        err.flush();
    }

    /** Prints a line of its own (an error, a warning), even when quiet. */
    void message(String line) {
        clearBar();
        err.println(line);
        err.flush();
    }

    /** The last line: what was done, how fast, and what failed or was skipped. */
    void finish(int done, int failed, int skipped) {
        if (quiet) {
            return;
        }
        clearBar();
        double seconds = (clock.getAsLong() - start) / 1e9;
        err.println(String.format(Locale.ROOT, "%s: %d image%s in %.1f s (%.1f images/s), %d failed, %d other file%s skipped",
                what, done, done == 1 ? "" : "s", seconds, seconds > 0 ? done / seconds : 0, failed, skipped,
                skipped == 1 ? "" : "s"));
        err.flush();
    }

    private void clearBar() {
        if (barOnScreen) {
            err.print("\r\033[K");
            barOnScreen = false;
        }
    }

    private String status(int done, long now) {
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String left = rate > 0 ? duration((total - done) / rate) : "?";
        return String.format(Locale.ROOT, "%d/%d images, %.1f images/s, %s left", done, total, rate, left);
    }

    /** h:mm:ss or m:ss. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
