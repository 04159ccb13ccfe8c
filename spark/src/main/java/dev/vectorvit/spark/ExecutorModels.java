package dev.vectorvit.spark;

import dev.vectorvit.model.ViTModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models of this JVM (an executor, or the driver in local mode), each loaded once from its folder
 * and shared by every task: the weights are memory-mapped, read-only and off-heap, so tasks on all of
 * the executor's cores read one copy, and nothing is broadcast. They live as long as the JVM.
 */
final class ExecutorModels {
    private static final Map<String, ViTModel> MODELS = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    /** The model in {@code dir}: a local path or a {@code file:} URI that every executor can read. */
    static ViTModel get(String dir) {
        return MODELS.computeIfAbsent(dir, d -> {
            try {
                return ViTModel.load(path(d));
            } catch (IOException e) {
                throw new UncheckedIOException("loading the model in " + d + " failed: " + e.getMessage(), e);
            }
        });
    }

    static Path path(String dir) {
        return dir.startsWith("file:") ? Path.of(URI.create(dir)) : Path.of(dir);
    }
}
