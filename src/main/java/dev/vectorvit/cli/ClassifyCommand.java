package dev.vectorvit.cli;

import dev.vectorvit.io.Json;
import dev.vectorvit.model.Output;
import dev.vectorvit.model.Prediction;
import dev.vectorvit.model.ViTModel;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code vit classify}: the top-K labels of each image. */
final class ClassifyCommand implements Callable<Integer> {
    private static final int DEFAULT_TOP = 5;

    static final CommandSpec SPEC = CommandSpec.of("classify",
            List.of("Classify images (files and folders) with a model folder that has a classification head (for "
                    + "others: vit embed). --output FILE.jsonl; without --output, the labels as text on stdout."),
            FolderOptions.PATHS, FolderOptions.OPTIONS,
            List.of(OptionSpec.value("--top", "K", "Labels per image (default " + DEFAULT_TOP + ").")), Common.OPTIONS);

    private final Common common;
    private final FolderOptions folder;
    private final int top;
    private final PrintWriter out;
    private final PrintWriter err;

    ClassifyCommand(Arguments args, PrintWriter out, PrintWriter err) {
        common = new Common(args);
        folder = new FolderOptions(args);
        top = args.intValue("--top", DEFAULT_TOP);
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        Common.requirePositive("--top", top);
        if (folder.paths.isEmpty()) {
            throw new UsageException("give image files or folders");
        }
        folder.validate(".jsonl");
        try (ViTModel m = folder.load(common)) {
            Common.require("vit classify", m, Output.LOGITS);
            Results results = folder.output == null ? new TextResults(out, m, top)
                    : JsonLines.toFile(folder.output, logits -> members(m.top(logits, top)));
            return FolderRun.run(m, Output.LOGITS, folder, results, "vit classify", err);
        }
    }

    /** {@code "labels":[...],"probabilities":[...]}, best first. */
    static String members(List<Prediction> best) {
        return "\"labels\":" + best.stream().map(p -> Json.quote(p.label())).collect(Collectors.joining(",", "[", "]"))
                + ",\"probabilities\":" + best.stream().map(p -> Double.toString(p.probability()))
                .collect(Collectors.joining(",", "[", "]"));
    }
}
