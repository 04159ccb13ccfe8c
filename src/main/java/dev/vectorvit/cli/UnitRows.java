package dev.vectorvit.cli;

import dev.vectorvit.model.Embeddings;
import java.io.IOException;
import java.nio.file.Path;

/** Results that scale each embedding to unit L2 norm before writing it ({@code vit embed --normalize}). */
final class UnitRows implements Results {
    private final Results results;

    UnitRows(Results results) {
        this.results = results;
    }

    @Override
    public void image(Path path, float[] row) throws IOException {
        Embeddings.normalize(row, row.length);
        results.image(path, row);
    }

    @Override
    public void error(Path path, String reason) throws IOException {
        results.error(path, reason);
    }

    @Override
    public void flush() throws IOException {
        results.flush();
    }

    @Override
    public void close() throws IOException {
        results.close();
    }
}
