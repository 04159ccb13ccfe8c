package dev.vectorvit.cli;

import dev.vectorvit.model.Output;
import dev.vectorvit.model.ViTModel;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vit embed}: the pooled embedding of each image, or with {@code --tokens} every token. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed images (files and folders, or --input) with a model folder: the pooled output the "
                + "model defines (ViT and DeiT: the class token after the final LayerNorm), float32 [N, D]. "
                + "--output FILE.npy or FILE.jsonl; without --output, JSON Lines on stdout.",
                "With --tokens, every token instead (Hugging Face's last_hidden_state), float32 [N, T, D] in "
                        + "FILE.npy. With --input, the output is FILE.npy and holds one row per input image."})
final class EmbedCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    FolderOptions folder;

    @Mixin
    TensorInput input;

    @Option(names = "--normalize", description = "Scale each embedding to unit L2 norm (for cosine similarity).")
    boolean normalize;

    @Option(names = "--tokens", description = "Write every token (last_hidden_state, [N, T, D]) instead of the "
            + "pooled embedding; needs --output FILE.npy.")
    boolean tokens;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (tokens && normalize) {
            throw new CommandLine.ParameterException(cl, "--normalize scales pooled embeddings, not --tokens: "
                    + "give one of the two");
        }
        boolean tensors = input.given(cl, folder.paths);
        if ((tensors || tokens) && (folder.output == null || !folder.suffix().equals(".npy"))) {
            throw new CommandLine.ParameterException(cl, (tokens ? "--tokens" : "--input")
                    + " writes a float32 .npy: give --output FILE.npy");
        }
        folder.validate(cl, ".jsonl", ".npy");
        Output output = tokens ? Output.TOKENS : Output.EMBEDDING;
        try (ViTModel m = folder.load(cl, common)) {
            Common.require(cl, m, output);
            if (tensors) {
                input.run(m, output, normalize, folder.batch, folder.output);
                return 0;
            }
            Results results = folder.output == null ? new JsonLines(cl.getOut(), false, JsonLines::embedding)
                    : folder.suffix().equals(".npy")
                    ? NpyResults.create(folder.output, Common.rowShape(output, m.config()))
                    : JsonLines.toFile(folder.output, JsonLines::embedding);
            return FolderRun.run(m, output, folder, normalize ? new UnitRows(results) : results, "vit embed",
                    cl.getErr());
        }
    }
}
