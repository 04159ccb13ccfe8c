package dev.vectorvit.cli;

import dev.vectorvit.io.Json;
import dev.vectorvit.model.Output;
import dev.vectorvit.model.Prediction;
import dev.vectorvit.model.ViTModel;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vit classify}: the top-K labels of each image. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Classify images (files and folders) with a model folder that has a classification head "
                + "(for others: vit embed). --output FILE.jsonl; without --output, the labels as text on stdout.")
final class ClassifyCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    FolderOptions folder;

    @Option(names = "--top", paramLabel = "K", description = "Labels per image (default ${DEFAULT-VALUE}).")
    int top = 5;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        Common.requirePositive(cl, "--top", top);
        if (folder.paths.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "give image files or folders");
        }
        folder.validate(cl, ".jsonl");
        try (ViTModel m = folder.load(cl, common)) {
            Common.require(cl, m, Output.LOGITS);
            Results results = folder.output == null ? new TextResults(cl.getOut(), m, top)
                    : JsonLines.toFile(folder.output, logits -> members(m.top(logits, top)));
            return FolderRun.run(m, Output.LOGITS, folder, results, "vit classify", cl.getErr());
        }
    }

    /** {@code "labels":[...],"probabilities":[...]}, best first. */
    static String members(List<Prediction> best) {
        return "\"labels\":" + best.stream().map(p -> Json.quote(p.label())).collect(Collectors.joining(",", "[", "]"))
                + ",\"probabilities\":" + best.stream().map(p -> Double.toString(p.probability()))
                .collect(Collectors.joining(",", "[", "]"));
    }
}
