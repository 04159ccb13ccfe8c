package dev.vectorvit.jmh;

import dev.vectorvit.model.InferenceSession;
import dev.vectorvit.model.ViTConfig;
import dev.vectorvit.model.ViTModel;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One ViT-B/16 forward pass (224 x 224, 1000 classes, FP32) on deterministic random weights
 * ({@code ViTModel.random(ViTConfig.vitBase16(), 42, ...)}): latency of a batch of {@code batch} images
 * with a session of {@code threads} threads. The model, one {@link InferenceSession} (thread team,
 * packing buffers, activation workspace) and the input are made once per trial; the measured call
 * allocates nothing. FLOPs per image: {@link ViTModel#flopsPerImage()} (35.13 GFLOP).
 *
 * <p>A pass takes 0.1-1.5 s here, so iterations are long (5 s) and warm-up is three of them (the first
 * passes run while C2 compiles the kernels). Shorter: {@code -wi 3 -w 2s -i 5 -r 2s}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:TypeProfileLevel=112"}) // as the vit script runs the model (docs/library.md)
@State(Scope.Benchmark)
public class ForwardBench {

    @Param({"1", "8"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    private ViTModel model;
    private InferenceSession session;
    private Arena arena;
    private MemorySegment input, logits;

    @Setup(Level.Trial)
    public void setup() {
        Data.requireSimd();
        ViTModel.Options options = ViTModel.Options.defaults().withThreads(threads);
        model = ViTModel.random(ViTConfig.vitBase16(), 42, options);
        session = model.newSession(threads);
        ViTConfig c = model.config();
        arena = Arena.ofShared();
        input = Data.random(arena, (long) batch * c.imageFloats(), 7);
        logits = Memory.floats(arena, (long) batch * c.classes());
        forward(); // sizes the workspace outside the measurement
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        model.close();
        arena.close();
    }

    @Benchmark
    public void forward() {
        session.forward(input, 0, batch, logits, 0);
    }
}
