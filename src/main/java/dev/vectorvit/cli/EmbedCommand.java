package dev.vectorvit.cli;

import dev.vectorvit.model.Output;
import dev.vectorvit.model.ViTModel;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vit embed}: the pooled embedding of each image, or with {@code --tokens} every token. */
final class EmbedCommand implements Callable<Integer> {
    static final CommandSpec SPEC = CommandSpec.of("embed",
            List.of("Embed images (files and folders, or --input) with a model folder: the pooled output the model "
                            + "defines (ViT and DeiT: the class token after the final LayerNorm), float32 [N, D]. "
                            + "--output FILE.npy or FILE.jsonl; without --output, JSON Lines on stdout.",
                    "With --tokens, every token instead (Hugging Face's last_hidden_state), float32 [N, T, D] in "
                            + "FILE.npy. With --input, the output is FILE.npy and holds one row per input image."),
            FolderOptions.PATHS, FolderOptions.OPTIONS, TensorInput.OPTIONS,
            List.of(OptionSpec.flag("--normalize", "Scale each embedding to unit L2 norm (for cosine similarity)."),
                    OptionSpec.flag("--tokens", "Write every token (last_hidden_state, [N, T, D]) instead of the "
                            + "pooled embedding; needs --output FILE.npy.")),
            Common.OPTIONS);

    private final Common common;
    private final FolderOptions folder;
    private final TensorInput input;
    private final boolean normalize;
    private final boolean tokens;
    private final PrintWriter out;
    private final PrintWriter err;

    EmbedCommand(Arguments args, PrintWriter out, PrintWriter err) {
        common = new Common(args);
        folder = new FolderOptions(args);
        input = new TensorInput(args);
        normalize = args.flag("--normalize");
        tokens = args.flag("--tokens");
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        if (tokens && normalize) {
            throw new UsageException("--normalize scales pooled embeddings, not --tokens: give one of the two");
        }
        boolean tensors = input.given(folder.paths);
        if ((tensors || tokens) && (folder.output == null || !folder.suffix().equals(".npy"))) {
            throw new UsageException((tokens ? "--tokens" : "--input") + " writes a float32 .npy: give --output FILE.npy");
        }
        folder.validate(".jsonl", ".npy");
        Output output = tokens ? Output.TOKENS : Output.EMBEDDING;
        try (ViTModel m = folder.load(common)) {
            Common.require("vit embed", m, output);
            if (tensors) {
                input.run(m, output, normalize, folder.batch, folder.output);
                return 0;
            }
            Results results = folder.output == null ? new JsonLines(out, false, JsonLines::embedding)
                    : folder.suffix().equals(".npy")
                    ? NpyResults.create(folder.output, Common.rowShape(output, m.config()))
                    : JsonLines.toFile(folder.output, JsonLines::embedding);
            return FolderRun.run(m, output, folder, normalize ? new UnitRows(results) : results, "vit embed", err);
        }
    }
}
