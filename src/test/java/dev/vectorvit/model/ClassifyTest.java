package dev.vectorvit.model;

import static dev.vectorvit.model.Fixtures.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.ImagePreprocessing;
import dev.vectorvit.io.ImagePreprocessing.Interpolation;
import dev.vectorvit.io.ImagePreprocessing.ResizeMode;
import dev.vectorvit.io.Images;
import dev.vectorvit.io.TestResources;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ViTModel#classify} on the PNG and JPEG test images: the same answer as decoding, preprocessing,
 * running and ranking by hand, through each preprocessing path (Hugging Face defaults, a Hugging Face
 * preprocessor_config.json, timm's pretrained_cfg), and its argument and file errors.
 */
final class ClassifyTest {
    @TempDir
    Path tmp;

    /** The model folder of a case: a fixture, or the Hugging Face one with a preprocessor_config.json. */
    private Path folder(String which) throws IOException {
        if (!which.equals("hf+preprocessor")) {
            return Fixtures.fixture(which);
        }
        Path dir = Fixtures.copy(Fixtures.TINY_HF, tmp);
        Files.writeString(dir.resolve("preprocessor_config.json"), """
                {"do_resize": true, "size": {"height": 32, "width": 32}, "resample": 3, "do_rescale": true,
                 "rescale_factor": 0.00392156862745098, "do_normalize": true,
                 "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225]}""");
        return dir;
    }

    private static ViTModel load(Path dir) throws IOException {
        return ViTModel.load(dir, ViTModel.Options.defaults().withThreads(1));
    }

    /** The top k of one image file, step by step with the public pieces. */
    private static List<Prediction> byHand(ViTModel m, Path image, int k) throws IOException {
        ViTConfig c = m.config();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment tensor = Memory.floats(a, c.imageFloats());
            Images.toTensor(Images.read(image), m.preprocessing(), tensor, 0);
            return m.top(m.logits(Memory.toArray(tensor, 0, c.imageFloats()), 1), k);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.TINY_HF, Fixtures.TINY_TIMM, "hf+preprocessor"})
    void classifyIsDecodePreprocessRunAndRank(String which) throws IOException {
        List<Path> images = Fixtures.images();
        assertEquals(5, images.size(), "the test images: " + images);
        // Twice over: 10 images, more than classify's chunk of 8.
        List<Path> twice = new ArrayList<>(images);
        twice.addAll(images);
        try (ViTModel m = load(folder(which))) {
            ImagePreprocessing p = m.preprocessing();
            switch (which) {
                case Fixtures.TINY_HF -> assertEquals(List.of(ResizeMode.STRETCH, Interpolation.BILINEAR),
                        List.of(p.resizeMode(), p.interpolation()), "ViTImageProcessor's defaults");
                case Fixtures.TINY_TIMM -> assertEquals(List.of(ResizeMode.SHORTER_SIDE_THEN_CENTER_CROP,
                        Interpolation.BICUBIC), List.of(p.resizeMode(), p.interpolation()), "pretrained_cfg");
                default -> assertEquals(List.of(ResizeMode.STRETCH, Interpolation.BICUBIC, 0.485f),
                        List.of(p.resizeMode(), p.interpolation(), p.mean()[0]), "preprocessor_config.json");
            }
            List<List<Prediction>> all = m.classify(twice, 3);
            assertEquals(twice.size(), all.size());
            for (int i = 0; i < twice.size(); i++) {
                assertEquals(byHand(m, twice.get(i), 3), all.get(i), twice.get(i).toString());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.TINY_HF, Fixtures.TINY_TIMM})
    void probabilitiesAreRankedAndAtMostOne(String which) throws IOException {
        try (ViTModel m = load(Fixtures.fixture(which))) {
            int classes = m.config().classes();
            List<List<Prediction>> top3 = m.classify(Fixtures.images(), 3);
            // k beyond the number of classes gives every class once.
            List<List<Prediction>> every = m.classify(Fixtures.images(), classes + 40);
            for (int i = 0; i < top3.size(); i++) {
                List<Prediction> all = every.get(i);
                assertEquals(classes, all.size(), "k is clamped to the classes");
                Set<Integer> seen = new HashSet<>();
                double sum = 0;
                for (int j = 0; j < all.size(); j++) {
                    Prediction p = all.get(j);
                    assertTrue(seen.add(p.index()), "class " + p.index() + " twice");
                    assertEquals(m.config().labels().get(p.index()), p.label());
                    assertTrue(p.probability() > 0 && p.probability() <= 1, p.toString());
                    if (j > 0) {
                        assertTrue(all.get(j - 1).probability() >= p.probability(), "sorted descending at " + j);
                    }
                    sum += p.probability();
                }
                assertEquals(1, sum, 1e-12, "all classes together");
                assertEquals(all.subList(0, 3), top3.get(i), "top 3 is the head of the full ranking");
                double top3Sum = top3.get(i).stream().mapToDouble(Prediction::probability).sum();
                assertTrue(top3Sum <= 1, "top 3 sum " + top3Sum);
            }
        }
    }

    @Test
    void topRanksLogits() throws IOException {
        try (ViTModel m = load(Fixtures.fixture(Fixtures.TINY_HF))) {
            float[] logits = {0, 3, 1, 3, -2, 0, 0, 0, 0, 2};
            List<Prediction> top = m.top(logits, 4);
            assertEquals(List.of(1, 3, 9, 2), top.stream().map(Prediction::index).toList(), "ties keep class order");
            double sum = 0;
            for (float v : logits) {
                sum += Math.exp(v - 3);
            }
            assertEquals(1 / sum, top.getFirst().probability(), 1e-15);
            assertEquals("class_9", top.get(2).label());
            assertEquals(10, m.top(logits, 11).size());
        }
    }

    @Test
    void kBelowOneIsRefused() throws IOException {
        try (ViTModel m = load(Fixtures.fixture(Fixtures.TINY_HF))) {
            for (int k : new int[] {0, -1}) {
                assertMessage(assertThrows(IllegalArgumentException.class,
                        () -> m.classify(Fixtures.images(), k)).getMessage(), "top k must be >= 1, got " + k);
                assertMessage(assertThrows(IllegalArgumentException.class,
                        () -> m.top(new float[10], k)).getMessage(), "top k must be >= 1, got " + k);
            }
            assertMessage(assertThrows(IllegalArgumentException.class, () -> m.top(new float[11], 1)).getMessage(),
                    "11 logits for a model of 10 classes");
        }
    }

    @Test
    void undecodableImagesNameTheFile() throws IOException {
        Path text = Files.writeString(tmp.resolve("notes.png"), "this is not a PNG");
        byte[] png = Files.readAllBytes(TestResources.path("images/rgb_37x23.png"));
        Path truncated = Files.write(tmp.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
        try (ViTModel m = load(Fixtures.fixture(Fixtures.TINY_HF))) {
            for (Path bad : List.of(text, truncated)) {
                FormatException e = assertThrows(FormatException.class,
                        () -> m.classify(List.of(Fixtures.images().getFirst(), bad), 1));
                assertMessage(e.getMessage(), bad.toString());
            }
            Path missing = tmp.resolve("missing.jpg");
            NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> m.classify(List.of(missing), 1));
            assertEquals(missing.toString(), e.getFile());
        }
    }
}
