package dev.vectorvit.cli;

import dev.vectorvit.model.Output;
import dev.vectorvit.model.ViTModel;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vit embed}: the embedding of each image, the class token after the final LayerNorm. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed images (files and folders) with a model folder: the class token after the final "
                + "LayerNorm, the vector the classifier head reads. Without --output, JSON Lines on stdout."})
final class EmbedCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    FolderOptions folder;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        folder.validate(cl, ".jsonl", ".npy");
        try (ViTModel m = folder.load(common.options(cl))) {
            m.require(Output.EMBEDDING);
            Results results = folder.output == null ? new JsonLines(cl.getOut(), false, JsonLines::embedding)
                    : folder.suffix().equals(".npy") ? NpyResults.create(folder.output, Output.EMBEDDING.width(m.config()))
                    : JsonLines.toFile(folder.output, JsonLines::embedding);
            return FolderRun.run(m, Output.EMBEDDING, folder, results, "vit embed", cl.getErr());
        }
    }
}
