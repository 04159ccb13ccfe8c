package dev.vectorvit.cli;

import dev.vectorvit.io.Images;
import dev.vectorvit.model.ViTModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Options of the commands that run files and folders of images (classify, embed, predict). */
final class FolderOptions {
    private static final int DEFAULT_BATCH = 8;

    static final OptionSpec PATHS = OptionSpec.value("PATH", "PATH...", "Image files, and folders searched recursively "
            + "for .jpg, .jpeg, .png and the other suffixes ImageIO reads (other files are skipped and counted).");

    static final OptionSpec MODEL = OptionSpec.value("--model", "DIR", "Model folder (config.json + model.safetensors).");

    static final List<OptionSpec> OPTIONS = List.of(MODEL,
            OptionSpec.flag("--random-weights", "Instead of --model: ViT-B/16 on deterministic random weights made in "
                    + "memory, as vit bench runs it (to measure throughput without a download)."),
            OptionSpec.value("--batch", "N", "Images per forward pass (default " + DEFAULT_BATCH + ")."),
            OptionSpec.value("--output", "FILE", "Results file, as the command's description says: FILE.npy (float32, "
                    + "a row per image; for image files FILE.paths.txt beside it names each row's image) or FILE.jsonl "
                    + "(an object per image)."),
            OptionSpec.flag("--quiet", "No progress on stderr (errors are still printed)."),
            OptionSpec.value("--max-pixels", "N", "Refuse an image whose header declares more pixels than this, before "
                    + "decoding it (default " + Images.MAX_PIXELS + ", as Pillow)."));

    final Path model;
    final boolean randomWeights;
    final List<Path> paths;
    final int batch;
    final Path output;
    final boolean quiet;
    final long maxPixels;

    FolderOptions(Arguments args) {
        model = args.path("--model");
        randomWeights = args.flag("--random-weights");
        paths = args.paths();
        batch = args.intValue("--batch", DEFAULT_BATCH);
        output = args.path("--output");
        quiet = args.flag("--quiet");
        maxPixels = args.longValue("--max-pixels", Images.MAX_PIXELS);
    }

    /**
     * Checks the values; {@code suffixes} are the output formats the command writes. The paths are the
     * command's to check: some take --input instead.
     */
    void validate(String... suffixes) throws NoSuchFileException {
        if ((model == null) == !randomWeights) {
            throw new UsageException("give either --model DIR or --random-weights");
        }
        Common.requirePositive("--batch", batch);
        if (maxPixels < 1) {
            throw new UsageException("--max-pixels must be >= 1, got " + maxPixels);
        }
        if (output != null && !List.of(suffixes).contains(suffix())) {
            throw new UsageException("--output " + output + ": the name must end in " + String.join(" or ", suffixes));
        }
        // Before the model loads and the images run, not when the results are written.
        Path folder = output == null ? null : output.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            throw new NoSuchFileException(output.toString(), null, "folder " + folder + " does not exist");
        }
    }

    /** The model of --model or --random-weights, with the {@code common} options. */
    ViTModel load(Common common) throws IOException {
        return common.load(randomWeights ? null : model);
    }

    /** The output's suffix, lower case, with its dot ("" without one). */
    String suffix() {
        String name = output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
    }
}
