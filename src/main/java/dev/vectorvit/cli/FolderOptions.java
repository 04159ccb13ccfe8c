package dev.vectorvit.cli;

import dev.vectorvit.io.Images;
import dev.vectorvit.model.ViTModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Options of the commands that run files and folders of images (classify, embed, predict). */
final class FolderOptions {
    @Option(names = "--model", paramLabel = "DIR", description = "Model folder (config.json + model.safetensors).")
    Path model;

    @Option(names = "--random-weights", description = "Instead of --model: ViT-B/16 on deterministic random weights "
            + "made in memory, as vit bench runs it (to measure throughput without a download).")
    boolean randomWeights;

    @Parameters(arity = "0..*", paramLabel = "PATH", description = "Image files, and folders searched recursively "
            + "for .jpg, .jpeg, .png and the other suffixes ImageIO reads (other files are skipped and counted).")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--batch", paramLabel = "N", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch = 8;

    @Option(names = "--output", paramLabel = "FILE", description = "Results file, as the command's description says: "
            + "FILE.npy (float32, a row per image; for image files FILE.paths.txt beside it names each row's image) "
            + "or FILE.jsonl (an object per image).")
    Path output;

    @Option(names = "--quiet", description = "No progress on stderr (errors are still printed).")
    boolean quiet;

    @Option(names = "--max-pixels", paramLabel = "N", description = "Refuse an image whose header declares more "
            + "pixels than this, before decoding it (default ${DEFAULT-VALUE}, as Pillow).")
    long maxPixels = Images.MAX_PIXELS;

    /**
     * Checks the values; {@code suffixes} are the output formats the command writes. The paths are the
     * command's to check: some take --input instead.
     */
    void validate(CommandLine cl, String... suffixes) {
        if ((model == null) == !randomWeights) {
            throw new CommandLine.ParameterException(cl, "give either --model DIR or --random-weights");
        }
        Common.requirePositive(cl, "--batch", batch);
        if (maxPixels < 1) {
            throw new CommandLine.ParameterException(cl, "--max-pixels must be >= 1, got " + maxPixels);
        }
        if (output != null && !List.of(suffixes).contains(suffix())) {
            throw new CommandLine.ParameterException(cl, "--output " + output + ": the name must end in "
                    + String.join(" or ", suffixes));
        }
    }

    /** The model of --model or --random-weights, with the {@code common} options. */
    ViTModel load(CommandLine cl, Common common) throws IOException {
        return common.load(cl, randomWeights ? null : model);
    }

    /** The output's suffix, lower case, with its dot ("" without one). */
    String suffix() {
        String name = output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
    }
}
