package dev.vectorvit.cli;

import dev.vectorvit.model.Output;
import dev.vectorvit.model.ViTModel;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vit predict}: the logits of each image into a float32 .npy file. */
final class PredictCommand implements Callable<Integer> {
    static final CommandSpec SPEC = CommandSpec.of("predict",
            List.of("Write the logits of images, float32 [N, classes], to --output FILE.npy: of preprocessed images "
                            + "(--input, float32 [N, C, H, W] .npy), or of image files and folders through the model's "
                            + "own preprocessing, with FILE.paths.txt beside it (the path of each row).",
                    "Needs a model with a classification head (for others: vit embed)."),
            FolderOptions.PATHS, FolderOptions.OPTIONS, TensorInput.OPTIONS, Common.OPTIONS);

    private final Common common;
    private final FolderOptions folder;
    private final TensorInput input;
    private final PrintWriter err;

    PredictCommand(Arguments args, PrintWriter err) {
        common = new Common(args);
        folder = new FolderOptions(args);
        input = new TensorInput(args);
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        boolean tensors = input.given(folder.paths);
        if (folder.output == null) {
            throw new UsageException("give --output FILE.npy");
        }
        folder.validate(".npy");
        try (ViTModel m = folder.load(common)) {
            Common.require("vit predict", m, Output.LOGITS);
            if (tensors) {
                input.run(m, Output.LOGITS, false, folder.batch, folder.output);
                return 0;
            }
            return FolderRun.run(m, Output.LOGITS, folder,
                    NpyResults.create(folder.output, Common.rowShape(Output.LOGITS, m.config())), "vit predict", err);
        }
    }
}
