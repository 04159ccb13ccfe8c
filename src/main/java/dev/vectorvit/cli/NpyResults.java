package dev.vectorvit.cli;

import dev.vectorvit.io.NpyRows;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Output rows (embeddings, tokens or logits) as a float32 {@code [N, ...]} {@code x.npy} beside
 * {@code x.paths.txt}, the path of each row, one a line. Failed images have no row: their errors are on stderr.
 */
final class NpyResults implements Results {
    private final NpyRows rows;
    private final BufferedWriter paths;

    private NpyResults(NpyRows rows, BufferedWriter paths) {
        this.rows = rows;
        this.paths = paths;
    }

    /** @param rowShape the shape of one image's output (see {@link Common#rowShape}) */
    static NpyResults create(Path npy, int... rowShape) throws IOException {
        BufferedWriter paths = Files.newBufferedWriter(pathsFile(npy), StandardCharsets.UTF_8);
        try {
            return new NpyResults(NpyRows.create(npy, rowShape), paths);
        } catch (IOException | RuntimeException e) {
            paths.close();
            throw e;
        }
    }

    /** {@code x.npy}'s list of paths: {@code x.paths.txt}. */
    static Path pathsFile(Path npy) {
        String name = npy.getFileName().toString();
        return npy.resolveSibling(name.substring(0, name.length() - ".npy".length()) + ".paths.txt");
    }

    @Override
    public void image(Path path, float[] row) throws IOException {
        rows.write(row);
        paths.write(path + "\n");
    }

    @Override
    public void error(Path path, String reason) {
        // no row: the run reports the error on stderr
    }

    @Override
    public void flush() throws IOException {
        rows.flush();
        paths.flush();
    }

    @Override
    public void close() throws IOException {
        try (paths; rows) {
            flush();
        }
    }
}
