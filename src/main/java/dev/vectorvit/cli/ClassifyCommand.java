package dev.vectorvit.cli;

import dev.vectorvit.model.Prediction;
import dev.vectorvit.model.ViTModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vit classify}: the top-K labels of each image. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Classify PNG or JPEG images with a model folder (Hugging Face or timm layout).")
final class ClassifyCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder (config.json + model.safetensors).")
    Path model;

    @Option(names = "--top", paramLabel = "K", description = "Labels per image (default ${DEFAULT-VALUE}).")
    int top = 5;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        Common.requirePositive(cl, "--top", top);
        try (ViTModel m = ViTModel.load(model, common.options(cl))) {
            List<List<Prediction>> all = m.classify(images, top);
            PrintWriter out = cl.getOut();
            for (int i = 0; i < images.size(); i++) {
                out.println(images.get(i));
                for (Prediction p : all.get(i)) {
                    out.println(String.format(Locale.ROOT, "  %6.4f  %s", p.probability(), p.label()));
                }
            }
        }
        return 0;
    }
}
