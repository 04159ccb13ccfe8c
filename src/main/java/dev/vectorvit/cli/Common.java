package dev.vectorvit.cli;

import dev.vectorvit.model.ModelSource;
import dev.vectorvit.model.Output;
import dev.vectorvit.model.ViTConfig;
import dev.vectorvit.model.ViTModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Options every command shares. */
final class Common {
    /** N or HxW, each side at most 9 digits (so that it is an int). */
    private static final Pattern SIZE = Pattern.compile("(-?\\d{1,9})(?:x(-?\\d{1,9}))?");
    private static final int DEFAULT_THREADS = Runtime.getRuntime().availableProcessors();

    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.value("--threads", "N", "Threads per forward pass (default: available processors, "
                    + DEFAULT_THREADS + ")."),
            OptionSpec.value("--image-size", "N|HxW", "Run the model on N x N images, or H x W (e.g. 224x320: resized "
                    + "to exactly that, no crop), multiples of its patch size, its position embeddings resampled at load "
                    + "(default: the model's own size)."));

    final int threads;
    final String imageSize;

    Common(Arguments args) {
        threads = args.intValue("--threads", DEFAULT_THREADS);
        imageSize = args.string("--image-size");
    }

    private ViTModel.Options options() {
        ViTModel.Options options;
        try {
            options = ViTModel.Options.defaults().withThreads(threads);
        } catch (IllegalArgumentException e) { // "threads must be in [1, 65535], got 0": a usage error here
            throw new UsageException("--" + e.getMessage());
        }
        if (imageSize == null) {
            return options;
        }
        Matcher m = SIZE.matcher(imageSize);
        if (!m.matches()) {
            throw new UsageException("--image-size must be N or HxW (e.g. 224 or 224x320), got '" + imageSize + "'");
        }
        int height = Integer.parseInt(m.group(1)), width = m.group(2) == null ? height : Integer.parseInt(m.group(2));
        if (height < 1 || width < 1) {
            throw new UsageException("--image-size must be >= 1, got " + imageSize);
        }
        return options.withImageSize(height, width);
    }

    /**
     * The model of {@code dir} (null: ViT-B/16 on random weights) with these options; an image size it cannot
     * run at is a usage error, found on its config before the weights load.
     */
    ViTModel load(Path dir) throws IOException {
        ViTModel.Options options = options();
        ViTConfig b16 = dir == null ? ViTConfig.vitBase16() : null;
        if (imageSize != null) {
            try {
                (b16 != null ? b16 : ModelSource.read(dir).config()).withImageSize(options.imageHeight(),
                        options.imageWidth());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--image-size " + imageSize + ": " + (b16 != null ? "ViT-B/16" : dir)
                        + " cannot run at it: " + e.getMessage());
            }
        }
        return b16 != null ? ViTModel.random(b16, 42, options) : ViTModel.load(dir, options);
    }

    /** The shape of one image's {@code output}: [classes], [hidden] or [tokens, hidden]. */
    static int[] rowShape(Output output, ViTConfig c) {
        return output == Output.TOKENS ? new int[] {c.tokens(), c.hidden()} : new int[] {output.width(c)};
    }

    /**
     * A usage error of {@code command} if {@code m} cannot give {@code output}: logits without a
     * classification head, an embedding without a pooled output (a SigLIP tower without head).
     */
    static void require(String command, ViTModel m, Output output) {
        try {
            m.require(output);
        } catch (IllegalStateException e) {
            throw new UsageException(command + ": " + e.getMessage());
        }
    }

    static void requirePositive(String option, int value) {
        if (value < 1) {
            throw new UsageException(option + " must be >= 1, got " + value);
        }
    }
}
