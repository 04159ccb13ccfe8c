package dev.vectorvit.jmh;

import dev.vectorvit.model.ViTModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading a model folder whose file is in the page cache, in a JVM that has loaded it before (a server that
 * loads models as it goes): {@code ViTModel.load} of {@code model} with {@code threads} packing threads, closed
 * again in the same call, so that every load maps the file, packs every weight into new memory and frees it.
 * A fresh process's first load, which shares the cores with the JIT compiling the kernels, is {@code vit
 * bench}'s "weights loaded". {@code model} is a folder (config.json and model.safetensors): {@code -p
 * model=DIR}; jmh/peers/run.sh writes ViT-B/16 to results/peers-model. One load per measurement (a few tenths of
 * a second each), 10 to warm up and 20 timed per fork.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = 20)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class LoadBench {

    @Param("results/peers-model")
    public String model;

    @Param({"1", "2"})
    public int threads;

    private Path dir;
    private ViTModel.Options options;

    @Setup(Level.Trial)
    public void setup() {
        Data.requireSimd();
        dir = Path.of(model);
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new IllegalStateException(dir.toAbsolutePath() + " holds no config.json: give -p model=DIR, a model "
                    + "folder (jmh/peers/run.sh writes ViT-B/16 to results/peers-model)");
        }
        options = ViTModel.Options.defaults().withThreads(threads);
    }

    @Benchmark
    public int load() throws IOException {
        try (ViTModel m = ViTModel.load(dir, options)) {
            return m.config().classes();
        }
    }
}
