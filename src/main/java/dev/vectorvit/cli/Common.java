package dev.vectorvit.cli;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.NpyArray;
import dev.vectorvit.model.ViTConfig;
import dev.vectorvit.model.ViTModel;
import java.util.Arrays;
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

    /** The number of images in a float32 [N, C, H, W] array of the model's size; another shape is a FormatException. */
    static int images(NpyArray array, ViTConfig c) throws FormatException {
        long[] shape = array.shape();
        long[] want = {-1, c.channels(), c.imageSize(), c.imageSize()};
        if (shape.length != 4 || shape[0] < 1 || shape[1] != want[1] || shape[2] != want[2] || shape[3] != want[3]) {
            throw new FormatException(array.source() + ": shape " + Arrays.toString(shape) + " is not [N, " + want[1]
                    + ", " + want[2] + ", " + want[3] + "] as the model needs");
        }
        return Math.toIntExact(shape[0]);
    }

    static void requirePositive(CommandLine cl, String option, int value) {
        if (value < 1) {
            throw new CommandLine.ParameterException(cl, option + " must be >= 1, got " + value);
        }
    }
}
