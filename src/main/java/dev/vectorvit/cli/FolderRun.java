package dev.vectorvit.cli;

import dev.vectorvit.io.ImagePreprocessing;
import dev.vectorvit.io.Images;
import dev.vectorvit.model.ImageBatch;
import dev.vectorvit.model.InferenceSession;
import dev.vectorvit.model.Output;
import dev.vectorvit.model.ViTModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Files and folders of images through a model: one thread decodes and preprocesses into one batch while
 * the calling thread runs the other through the model (two batches in turn), and every file gets one
 * record, in order, whether it worked or not. A file that fails is an {@code error: PATH: reason} line
 * and an error record; the exit code is 1 if any failed. On Ctrl-C (or any JVM shutdown) the results
 * are closed after the batch being written, so the output holds every image finished so far.
 */
final class FolderRun {
    /** Most records one hand-over carries: failed files ride along with a batch's images, bounded. */
    private static final int RECORDS_PER_BATCH = 8;

    /** One file's outcome: its slot in the batch, or why it failed; a warning for a huge image. */
    private record Entry(Path path, int slot, String error, String warning) {}

    /** A batch on its way from the decoder to the model, with its files' entries in order. */
    private record Work(ImageBatch batch, List<Entry> entries) {}

    private static final Work DONE = new Work(null, List.of());

    private final ViTModel model;
    private final FolderOptions options;
    private final Results results;
    private final Object lock = new Object();
    private boolean closed;

    private FolderRun(ViTModel model, FolderOptions options, Results results) {
        this.model = model;
        this.options = options;
        this.results = results;
    }

    /** Runs the files {@code options} name into {@code results} (which it closes); returns the exit code. */
    static int run(ViTModel model, Output output, FolderOptions options, Results results, String what, PrintWriter err)
            throws IOException, InterruptedException {
        return new FolderRun(model, options, results).run(output, what, err);
    }

    private int run(Output output, String what, PrintWriter err) throws IOException, InterruptedException {
        Thread hook = new Thread(() -> {
            try {
                closeResults();
            } catch (IOException e) {
                System.err.println("error: closing the output: " + e.getMessage());
            }
        }, "vit-close-output");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            ImageFiles files = ImageFiles.of(options.paths);
            Progress progress = Progress.onStderr(err, what, files.files().size(), options.quiet);
            int failed = process(files.files(), output, progress);
            closeResults();
            progress.finish(files.files().size(), failed, files.skipped());
            return failed > 0 ? 1 : 0;
        } finally {
            try {
                closeResults();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or has run: nothing to remove
                }
            }
        }
    }

    /** Runs every file; returns how many failed. */
    private int process(List<Path> files, Output output, Progress progress) throws IOException, InterruptedException {
        ImagePreprocessing pre = model.preprocessing();
        BlockingQueue<Work> free = new ArrayBlockingQueue<>(2);
        BlockingQueue<Work> filled = new ArrayBlockingQueue<>(3);
        AtomicReference<Throwable> decoderFailure = new AtomicReference<>();
        List<ImageBatch> batches = new ArrayList<>();
        Thread decoder = null;
        try {
            for (int i = 0; i < 2; i++) {
                ImageBatch b = new ImageBatch(model, pre, output, options.batch);
                batches.add(b);
                free.add(new Work(b, new ArrayList<>()));
            }
            decoder = Thread.ofPlatform().name("vit-decode").daemon().start(() -> decode(files, free, filled, decoderFailure));
            int done = 0;
            int failed = 0;
            try (InferenceSession session = model.newSession(model.options().threads())) {
                for (Work work = filled.take(); work != DONE; work = filled.take()) {
                    work.batch().run(session);
                    failed += write(work, progress);
                    done += work.entries().size();
                    progress.update(done);
                    work.batch().clear();
                    work.entries().clear();
                    free.put(work);
                }
            }
            if (decoderFailure.get() != null) {
                throw new IllegalStateException("decoding failed: " + decoderFailure.get(), decoderFailure.get());
            }
            return failed;
        } finally {
            if (decoder != null) {
                decoder.interrupt();
                decoder.join();
            }
            batches.forEach(ImageBatch::close);
        }
    }

    /** The decoder thread: fills batches in file order and hands them over, then {@link #DONE}. */
    private void decode(List<Path> files, BlockingQueue<Work> free, BlockingQueue<Work> filled,
                        AtomicReference<Throwable> failure) {
        try {
            try {
                Work work = free.take();
                for (Path file : files) {
                    work.entries().add(decodeOne(file, work.batch()));
                    if (work.batch().isFull() || work.entries().size() == RECORDS_PER_BATCH * options.batch) {
                        filled.put(work);
                        work = free.take();
                    }
                }
                if (!work.entries().isEmpty()) {
                    filled.put(work);
                }
            } catch (RuntimeException | Error e) {
                failure.set(e);
            }
            filled.put(DONE);
        } catch (InterruptedException e) {
            // the run is over (it failed or was interrupted): nobody waits for more batches
        }
    }

    private Entry decodeOne(Path file, ImageBatch batch) {
        try {
            BufferedImage image = Images.read(file, options.maxPixels);
            long pixels = (long) image.getWidth() * image.getHeight();
            String warning = pixels <= Images.WARN_PIXELS ? null : String.format(Locale.ROOT,
                    "warning: %s: %,d pixels is over %,d, where Pillow warns of a possible decompression bomb",
                    file, pixels, Images.WARN_PIXELS);
            return new Entry(file, batch.add(image), null, warning);
        } catch (IOException | RuntimeException e) {
            return failedEntry(file, Main.describe(e));
        } catch (OutOfMemoryError e) {
            // The image's rasters are garbage now; the next file may fit.
            return failedEntry(file, "out of Java heap decoding it (lower --max-pixels or raise -Xmx)");
        }
    }

    /** A failed file's entry; the reason without the path that most messages start with. */
    private static Entry failedEntry(Path file, String message) {
        String prefix = file + ": ";
        return new Entry(file, -1, message.startsWith(prefix) ? message.substring(prefix.length()) : message, null);
    }

    /** Writes a batch's records in order; returns how many failed. */
    private int write(Work work, Progress progress) throws IOException {
        int failed = 0;
        synchronized (lock) {
            for (Entry e : work.entries()) {
                if (e.warning() != null) {
                    progress.message(e.warning());
                }
                if (e.slot() < 0) {
                    failed++;
                    progress.message("error: " + e.path() + ": " + e.error());
                    if (!closed) {
                        results.error(e.path(), e.error());
                    }
                } else if (!closed) {
                    results.image(e.path(), work.batch().row(e.slot()));
                }
            }
            if (!closed) {
                results.flush();
            }
        }
        return failed;
    }

    /** Closes the results once: at the end of the run, or from the shutdown hook after the batch in flight. */
    private void closeResults() throws IOException {
        synchronized (lock) {
            if (!closed) {
                closed = true;
                results.close();
            }
        }
    }
}
