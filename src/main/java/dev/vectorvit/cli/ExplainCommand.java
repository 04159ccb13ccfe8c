package dev.vectorvit.cli;

import dev.vectorvit.io.ImagePreprocessing;
import dev.vectorvit.io.Images;
import dev.vectorvit.io.Npy;
import dev.vectorvit.model.AttentionMaps;
import dev.vectorvit.model.ViTConfig;
import dev.vectorvit.model.ViTModel;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code vit explain}: what the model looks at. Writes each layer's attention probabilities and the
 * attention rollout as float32 .npy arrays, and with {@code --output} one PNG per image (see
 * {@link ExplainPicture}), named after the image file ({@code photo.jpg} gives {@code photo.png}) or,
 * for {@code --input}, after the array and the image's index ({@code in.npy} gives {@code in-0.png}, ...).
 */
final class ExplainCommand implements Callable<Integer> {
    /** Images per forward pass: the attention of a batch is layers x heads x tokens^2 floats per image. */
    private static final int CHUNK = 8;

    static final CommandSpec SPEC = CommandSpec.of("explain",
            List.of("Show what the model looks at: each layer's attention and the attention rollout (Abnar and "
                            + "Zuidema, 2020) of preprocessed images (float32 [N, C, H, W] .npy) or image files, as "
                            + "float32 .npy arrays and PNG pictures.",
                    "The rollout is the class token's row of R = B_L ... B_1, B_l = (A_l + I) / 2 with A_l layer l's "
                            + "attention averaged over heads, without the class token's column, on the patch grid."),
            OptionSpec.value("IMAGE", "IMAGE...", "Image files (instead of --input)."),
            List.of(OptionSpec.value("--model", "DIR", "Model folder (config.json + model.safetensors); required.")),
            TensorInput.OPTIONS,
            List.of(OptionSpec.value("--attention", "OUT.npy", "Where to write float32 [layers, N, heads, tokens, tokens]."),
                    OptionSpec.value("--rollout", "OUT.npy", "Where to write float32 [N, grid, grid]."),
                    OptionSpec.value("--output", "DIR", "Folder for one PNG per image, IMAGE's name or IN-0, IN-1, ... "
                            + "with .png (made if missing).")),
            Common.OPTIONS);

    private final Common common;
    private final Path model;
    private final TensorInput input;
    private final List<Path> images;
    private final Path attention;
    private final Path rollout;
    private final Path output;
    private final PrintWriter out;

    ExplainCommand(Arguments args, PrintWriter out) {
        common = new Common(args);
        model = args.path("--model");
        input = new TensorInput(args);
        images = args.paths();
        attention = args.path("--attention");
        rollout = args.path("--rollout");
        output = args.path("--output");
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        if (model == null) {
            throw new UsageException("give --model DIR");
        }
        boolean fromArray = input.given(images);
        if (attention == null && rollout == null && output == null) {
            throw new UsageException("nothing to write: give --attention, --rollout or --output");
        }
        if (output != null) {
            requireDistinctPictures();
        }
        try (ViTModel m = common.load(model); Arena arena = Arena.ofShared()) {
            ViTConfig c = m.config();
            MemorySegment tensors = null;
            int n = images.size();
            if (fromArray) {
                TensorInput.Tensors read = input.read(c, arena);
                n = read.count();
                tensors = read.data();
            }
            // The picture undoes the normalization the model folder asks for, whatever made the tensors.
            ImagePreprocessing pre = m.preprocessing();
            int cells = c.patches();
            long perImage = (long) c.heads() * c.tokens() * c.tokens();
            MemorySegment all = attention == null ? null : Memory.floats(arena, (long) c.layers() * n * perImage);
            float[] rolled = new float[Math.multiplyExact(n, cells)];
            if (output != null) {
                Files.createDirectories(output);
            }
            for (int start = 0; start < n; start += CHUNK) {
                int count = Math.min(CHUNK, n - start);
                float[] chunk = tensors != null
                        ? Memory.toArray(tensors, (long) start * c.imageFloats(), count * c.imageFloats())
                        : m.preprocess(images.subList(start, start + count));
                AttentionMaps maps = m.attention(chunk, count);
                float[] chunkRollout = maps.rollout();
                System.arraycopy(chunkRollout, 0, rolled, start * cells, count * cells);
                if (all != null) {
                    float[] p = maps.probabilities();
                    for (int l = 0; l < c.layers(); l++) {
                        MemorySegment.copy(p, (int) (l * count * perImage), all, ValueLayout.JAVA_FLOAT,
                                ((long) l * n + start) * perImage * Float.BYTES, (int) (count * perImage));
                    }
                }
                if (output != null) {
                    writePictures(maps, chunkRollout, chunk, start, pre);
                }
            }
            if (all != null) {
                Npy.write(attention, all, 0, new long[] {c.layers(), n, c.heads(), c.tokens(), c.tokens()});
            }
            if (rollout != null) {
                Npy.write(rollout, Memory.copyOf(arena, rolled), 0, new long[] {n, c.gridHeight(), c.gridWidth()});
            }
        }
        return 0;
    }

    /** The PNG of each image of a chunk (from index {@code start}), its name printed when written. */
    private void writePictures(AttentionMaps maps, float[] rollout, float[] tensors, int start, ImagePreprocessing pre)
            throws IOException {
        float[][] layers = new float[maps.layers()][];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = maps.layerMap(l);
        }
        int cells = maps.gridHeight() * maps.gridWidth(), imageFloats = tensors.length / maps.images();
        for (int i = 0; i < maps.images(); i++) {
            Path file = picture(start + i);
            ExplainPicture.write(ExplainPicture.render(Images.fromTensor(tensors, i * imageFloats, pre), rollout, layers,
                    i * cells, maps.gridHeight(), maps.gridWidth()), file);
            out.println(file);
        }
    }

    /** Image {@code i}'s PNG under {@code --output}. */
    private Path picture(int i) {
        return output.resolve(input.file != null ? stem(input.file) + "-" + i + ".png" : stem(images.get(i)) + ".png");
    }

    private void requireDistinctPictures() {
        Map<Path, Path> seen = new HashMap<>();
        for (int i = 0; i < images.size(); i++) {
            Path before = seen.put(picture(i), images.get(i));
            if (before != null) {
                throw new UsageException(before + " and " + images.get(i) + " would both write " + picture(i));
            }
        }
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
