package dev.vectorvit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vectorvit.io.Npy;
import dev.vectorvit.io.TestResources;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forward pass against PyTorch: fixtures computed by torchvision's VisionTransformer in float64
 * (see src/test/resources/fixtures/README.md), in both checkpoint layouts, including a model where no
 * dimension is a multiple of 16 (vit-odd, eps 1e-12).
 */
class GoldenTest {
    /** Float32 inference against a float64 reference: PyTorch's own float32 run is ~2e-6 off. */
    private static final double LOGITS_TOLERANCE = Fixtures.LOGITS_TOLERANCE;
    private static final double INTERMEDIATE_TOLERANCE = 1e-4;

    @ParameterizedTest(name = "{0}/{1}, {2} threads")
    @CsvSource({"vit-tiny, hf, 1", "vit-tiny, hf, 2", "vit-tiny, timm, 1", "vit-tiny, timm, 3",
            "vit-odd, hf, 1", "vit-odd, hf, 2"})
    void matchesPyTorch(String fixture, String layout, int threads) throws IOException {
        String dir = "fixtures/" + fixture + "/";
        double[] input = Npy.read(TestResources.path(dir + "input.npy")).toDoubles();
        double[] expected = Npy.read(TestResources.path(dir + "logits.npy")).toDoubles();
        try (ViTModel model = ViTModel.load(TestResources.path(dir + layout), ViTModel.Options.defaults().withThreads(threads));
             InferenceSession session = model.newSession(threads);
             Arena arena = Arena.ofConfined()) {
            ViTConfig c = model.config();
            int batch = input.length / c.imageFloats();
            MemorySegment in = Memory.floats(arena, input.length);
            for (int i = 0; i < input.length; i++) {
                in.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) input[i]);
            }
            MemorySegment logits = Memory.floats(arena, (long) batch * c.classes());
            Map<String, float[]> seen = new HashMap<>();
            session.forward(in, 0, batch, logits, 0, (name, data, off, rows, cols, ld) -> {
                float[] copy = new float[rows * cols];
                for (int r = 0; r < rows; r++) {
                    MemorySegment.copy(data, ValueLayout.JAVA_FLOAT, (off + (long) r * ld) * Float.BYTES, copy, r * cols, cols);
                }
                seen.put(name, copy);
            });
            float[] got = Memory.toArray(logits, 0, batch * c.classes());
            Fixtures.assertClose("logits", expected, got, LOGITS_TOLERANCE);
            for (int b = 0; b < batch; b++) {
                assertEquals(Fixtures.argmax(expected, b * c.classes(), c.classes()), Fixtures.argmax(Fixtures.toDoubles(got), b * c.classes(), c.classes()),
                        "top-1 of image " + b);
            }
            for (String name : new String[] {"embeddings", "block0", "final_norm_cls"}) {
                double[] want = Npy.read(TestResources.path(dir + name + ".npy")).toDoubles();
                Fixtures.assertClose(name, want, seen.get(name), INTERMEDIATE_TOLERANCE);
            }
            // The pooled path gives the same bits as this session.
            float[] pooled = model.logits(Fixtures.toFloats(input), batch);
            assertArrayEquals(got, pooled);
            // Embeddings: the class token after the final LayerNorm, as PyTorch computes it.
            double[] cls = Npy.read(TestResources.path(dir + "final_norm_cls.npy")).toDoubles();
            Fixtures.assertClose("embeddings", cls, model.embeddings(Fixtures.toFloats(input), batch), INTERMEDIATE_TOLERANCE);
        }
    }
}
