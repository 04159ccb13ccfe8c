package dev.vectorvit.cli;

import dev.vectorvit.model.Output;
import dev.vectorvit.model.ViTConfig;
import dev.vectorvit.model.ViTModel;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options every command shares. */
final class Common {
    @Option(names = "--threads", paramLabel = "N", description = "Threads per forward pass (default: available processors, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--image-size", paramLabel = "N", description = "Run the model on N x N images, a multiple of its "
            + "patch size, its position embeddings resampled at load (default: the model's own size).")
    Integer imageSize;

    ViTModel.Options options(CommandLine cl) {
        if (threads < 1) {
            throw new CommandLine.ParameterException(cl, "--threads must be >= 1, got " + threads);
        }
        ViTModel.Options options = ViTModel.Options.defaults().withThreads(threads);
        if (imageSize == null) {
            return options;
        }
        requirePositive(cl, "--image-size", imageSize);
        return options.withImageSize(imageSize);
    }

    /** The shape of one image's {@code output}: [classes], [hidden] or [tokens, hidden]. */
    static int[] rowShape(Output output, ViTConfig c) {
        return output == Output.TOKENS ? new int[] {c.tokens(), c.hidden()} : new int[] {output.width(c)};
    }

    /**
     * A usage error if {@code m} cannot give {@code output}: logits without a classification head, an
     * embedding without a pooled output (a SigLIP tower without head).
     */
    static void require(CommandLine cl, ViTModel m, Output output) {
        try {
            m.require(output);
        } catch (IllegalStateException e) {
            throw new CommandLine.ParameterException(cl, cl.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        }
    }

    static void requirePositive(CommandLine cl, String option, int value) {
        if (value < 1) {
            throw new CommandLine.ParameterException(cl, option + " must be >= 1, got " + value);
        }
    }
}
