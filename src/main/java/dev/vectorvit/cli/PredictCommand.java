package dev.vectorvit.cli;

import dev.vectorvit.model.Output;
import dev.vectorvit.model.ViTModel;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vit predict}: the logits of each image into a float32 .npy file. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Write the logits of images, float32 [N, classes], to --output FILE.npy: of preprocessed "
                + "images (--input, float32 [N, C, H, W] .npy), or of image files and folders through the model's "
                + "own preprocessing, with FILE.paths.txt beside it (the path of each row).",
                "Needs a model with a classification head (for others: vit embed)."})
final class PredictCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    FolderOptions folder;

    @Mixin
    TensorInput input;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        boolean tensors = input.given(cl, folder.paths);
        if (folder.output == null) {
            throw new CommandLine.ParameterException(cl, "give --output FILE.npy");
        }
        folder.validate(cl, ".npy");
        try (ViTModel m = folder.load(cl, common)) {
            Common.require(cl, m, Output.LOGITS);
            if (tensors) {
                input.run(m, Output.LOGITS, false, folder.batch, folder.output);
                return 0;
            }
            return FolderRun.run(m, Output.LOGITS, folder,
                    NpyResults.create(folder.output, Common.rowShape(Output.LOGITS, m.config())), "vit predict",
                    cl.getErr());
        }
    }
}
