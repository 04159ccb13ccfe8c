package dev.vectorvit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vectorvit.io.Npy;
import dev.vectorvit.io.NpyArray;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attention probabilities and rollout against an independent float64 numpy forward pass of vit-tiny
 * (src/test/resources/fixtures/README.md, "Attention"), in both layouts.
 */
final class AttentionTest {
    /** Float32 probabilities against float64 ones: the bound. */
    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest(name = "{0}, {1} threads")
    @CsvSource({"vit-tiny/hf, 1", "vit-tiny/hf, 3", "vit-tiny/timm, 1", "vit-tiny/timm, 3"})
    void matchesTheNumpyReference(String layout, int threads) throws IOException {
        NpyArray attentions = Npy.read(Fixtures.fixture("vit-tiny/attentions.npy"));
        NpyArray rollout = Npy.read(Fixtures.fixture("vit-tiny/rollout.npy"));
        float[] input = Fixtures.input("vit-tiny");
        try (ViTModel model = ViTModel.load(Fixtures.fixture(layout), ViTModel.Options.defaults().withThreads(threads))) {
            AttentionMaps maps = model.attention(input, 2);
            assertArrayEquals(attentions.shape(), maps.shape());
            Fixtures.assertClose("attentions", attentions.toDoubles(), maps.probabilities(), TOLERANCE);
            float[] r = maps.rollout();
            assertEquals(List.of(2L, 4L, 4L), LongStream.of(rollout.shape()).boxed().toList());
            Fixtures.assertClose("rollout", rollout.toDoubles(), r, TOLERANCE);
            assertArrayEquals(r, model.rollout(input, 2), "model.rollout is the maps' rollout");
            // Capturing leaves the pass alone: the logits are those of the plain pass.
            float[] plain = model.logits(input, 2);
            float[] probabilities = maps.probabilities();
            try (InferenceSession s = model.newSession(threads); Arena a = Arena.ofShared()) {
                MemorySegment logits = Memory.floats(a, plain.length);
                MemorySegment att = Memory.floats(a, probabilities.length);
                s.forward(Memory.copyOf(a, input), 0, 2, logits, 0, att, 0);
                Fixtures.assertBitwiseEquals(plain, Memory.toArray(logits, 0, plain.length), "logits, attention captured");
                Fixtures.assertBitwiseEquals(probabilities, Memory.toArray(att, 0, probabilities.length), "session's attention");
            }
        }
    }

    @Test
    void layerMapIsTheClassRowAveragedOverHeads() throws IOException {
        double[] ref = Npy.read(Fixtures.fixture("vit-tiny/attentions.npy")).toDoubles();
        try (ViTModel model = ViTModel.load(Fixtures.fixture(Fixtures.TINY_HF))) {
            AttentionMaps maps = model.attention(Fixtures.input("vit-tiny"), 2);
            int layers = 2, images = 2, heads = 4, t = 17;
            for (int l = 0; l < layers; l++) {
                float[] map = maps.layerMap(l);
                double[] want = new double[images * 16];
                for (int i = 0; i < images; i++) {
                    for (int p = 0; p < 16; p++) {
                        double sum = 0;
                        for (int h = 0; h < heads; h++) {
                            sum += ref[(((l * images + i) * heads + h) * t) * t + 1 + p];
                        }
                        want[i * 16 + p] = sum / heads;
                    }
                }
                Fixtures.assertClose("layer " + l, want, map, TOLERANCE);
            }
        }
    }

    @Test
    void refusesMismatchedSizes() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AttentionMaps(new float[10], 1, 1, 1, 1, 2, 2));
        Fixtures.assertMessage(e.getMessage(), "10 probabilities", "5 x 5 tokens");
        // vit-tiny: 2 layers x 1 image x 4 heads x 17 x 17 = 2312 floats; one fewer is refused before the pass.
        try (ViTModel model = ViTModel.load(Fixtures.fixture(Fixtures.TINY_HF));
             InferenceSession s = model.newSession(1); Arena a = Arena.ofShared()) {
            MemorySegment logits = Memory.floats(a, 10);
            MemorySegment in = Memory.copyOf(a, Fixtures.input("vit-tiny"));
            MemorySegment small = Memory.floats(a, 2311);
            e = assertThrows(IllegalArgumentException.class, () -> s.forward(in, 0, 1, logits, 0, small, 0));
            Fixtures.assertMessage(e.getMessage(), "attention", "needs 2312 floats, segment holds 2311");
            Fixtures.assertBitwiseEquals(new float[10], Memory.toArray(logits, 0, 10), "logits untouched");
        }
    }
}
