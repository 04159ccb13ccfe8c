package dev.vectorvit.cli;

import dev.vectorvit.io.Npy;
import dev.vectorvit.io.NpyArray;
import dev.vectorvit.model.InferenceSession;
import dev.vectorvit.model.Output;
import dev.vectorvit.model.ViTConfig;
import dev.vectorvit.model.ViTModel;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vit predict}: float32 NCHW images in a .npy file to float32 logits in a .npy file. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Run preprocessed images (float32 [N, C, H, W] .npy) and write logits (float32 [N, classes] .npy).")
final class PredictCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder (config.json + model.safetensors).")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "IN.npy", description = "float32 [N, C, H, W], normalized.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.npy", description = "Where to write float32 [N, classes].")
    Path output;

    @Option(names = "--batch", paramLabel = "N", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch = 8;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        Common.requirePositive(cl, "--batch", batch);
        ViTModel.Options options = common.options(cl);
        NpyArray array = Npy.read(input);
        try (ViTModel m = ViTModel.load(model, options);
             InferenceSession session = m.newSession(options.threads());
             Arena arena = Arena.ofShared()) {
            ViTConfig c = m.config();
            m.require(Output.LOGITS);
            int n = Common.images(array, c);
            MemorySegment in = array.float32(arena);
            MemorySegment logits = Memory.floats(arena, (long) n * c.classes());
            for (int start = 0; start < n; start += batch) {
                int count = Math.min(batch, n - start);
                session.forward(in, (long) start * c.imageFloats(), count, logits, (long) start * c.classes());
            }
            Npy.write(output, logits, 0, new long[] {n, c.classes()});
        }
        return 0;
    }
}
