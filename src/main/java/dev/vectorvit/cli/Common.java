package dev.vectorvit.cli;

import dev.vectorvit.model.ViTModel;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options every command shares. */
final class Common {
    @Option(names = "--threads", paramLabel = "N", description = "Threads per forward pass (default: available processors, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    ViTModel.Options options(CommandLine cl) {
        if (threads < 1) {
            throw new CommandLine.ParameterException(cl, "--threads must be >= 1, got " + threads);
        }
        return ViTModel.Options.defaults().withThreads(threads);
    }

    static void requirePositive(CommandLine cl, String option, int value) {
        if (value < 1) {
            throw new CommandLine.ParameterException(cl, option + " must be >= 1, got " + value);
        }
    }
}
