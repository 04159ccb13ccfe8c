package dev.vectorvit.cli;

import dev.vectorvit.model.Prediction;
import dev.vectorvit.model.ViTModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** Classifications as text on stdout: the path, then one indented line per label, best first. */
final class TextResults implements Results {
    private final PrintWriter out;
    private final ViTModel model;
    private final int top;

    TextResults(PrintWriter out, ViTModel model, int top) {
        this.out = out;
        this.model = model;
        this.top = top;
    }

    @Override
    public void image(Path path, float[] logits) {
        out.println(path);
        for (Prediction p : model.top(logits, top)) {
            out.println(String.format(Locale.ROOT, "  %6.4f  %s", p.probability(), p.label()));
        }
    }

    @Override
    public void error(Path path, String reason) {
        // stdout keeps to results: the run reports the error on stderr
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }
}
