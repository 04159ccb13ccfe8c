package dev.vectorvit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.TestResources;
import dev.vectorvit.model.Fixtures;
import dev.vectorvit.model.Prediction;
import dev.vectorvit.model.ViTModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example of README.md's "Use it as a library", compiled and run on the vit-tiny and CLIP fixtures.
 * The methods below are the README's snippet verbatim (indented one level more): {@link #readmeShowsThisCode}
 * fails when the two drift apart.
 */
final class ReadmeExampleTest {

    /** Prints the five most likely labels of an image file, then runs tensors of your own. */
    static float[] classifyAndRun(Path modelDir, Path image, float[] tensors) throws IOException {
        try (ViTModel model = ViTModel.load(modelDir)) {
            for (Prediction p : model.classify(List.of(image), 5).getFirst()) {
                System.out.printf("%.4f  %s%n", p.probability(), p.label());
            }
            // Tensors you prepared yourself: float32 NCHW, already normalized, batch x 3 x height x width.
            int batch = tensors.length / model.config().imageFloats();
            return model.logits(tensors, batch); // batch x classes, one row per image
        }
    }

    /** Image search: a folder's images, most similar to the query first (CLIP, SigLIP, DINOv2, any ViT). */
    static List<Path> search(Path modelDir, Path folder, Path query) throws IOException {
        try (ViTModel model = ViTModel.load(modelDir); Stream<Path> files = Files.list(folder)) {
            List<Path> images = files.sorted().toList();
            float[] q = model.embed(List.of(query), true), e = model.embed(images, true); // unit length
            double[] cosine = new double[images.size()];
            for (int i = 0; i < cosine.length * q.length; i++) {
                cosine[i / q.length] += q[i % q.length] * e[i];
            }
            return IntStream.range(0, images.size()).boxed()
                    .sorted(Comparator.comparingDouble(i -> -cosine[i])).map(images::get).toList();
        }
    }

    @Test
    void theExampleRunsOnVitTiny() throws IOException {
        Path image = TestResources.path("images/photo_45x33.jpg");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        float[] logits;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            logits = classifyAndRun(Fixtures.fixture(Fixtures.TINY_HF), image, Fixtures.input("vit-tiny"));
        } finally {
            System.setOut(stdout);
        }
        // The tensors' logits are the PyTorch reference's.
        Fixtures.assertClose("logits", Fixtures.logits("vit-tiny"), logits, Fixtures.LOGITS_TOLERANCE);
        // Five lines "probability  label", distinct labels, most probable first.
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(5, lines.size(), printed::toString);
        Pattern line = Pattern.compile("(0[.,]\\d{4})  (class_\\d)");
        Set<String> labels = new HashSet<>();
        double previous = 1;
        for (String l : lines) {
            Matcher m = line.matcher(l);
            assertTrue(m.matches(), l);
            double p = Double.parseDouble(m.group(1).replace(',', '.'));
            assertTrue(p > 0 && p <= previous, "descending: " + lines);
            previous = p;
            assertTrue(labels.add(m.group(2)), "distinct: " + lines);
        }
        try (ViTModel model = ViTModel.load(Fixtures.fixture(Fixtures.TINY_HF))) {
            Prediction best = model.classify(List.of(image), 1).getFirst().getFirst();
            assertTrue(lines.getFirst().endsWith("  " + best.label()), lines.getFirst() + " vs " + best);
        }
    }

    /** The search ranks the query's own copy first, and every image of the folder once (CLIP fixture). */
    @Test
    void theSearchRanksTheQueryFirst(@TempDir Path folder) throws IOException {
        Path clip = Fixtures.fixture("variants/clip-full");
        for (String name : List.of("image0.png", "image1.png")) {
            Files.copy(clip.resolve(name), folder.resolve(name));
        }
        Files.copy(TestResources.path("images/photo_45x33.jpg"), folder.resolve("photo.jpg"));
        List<Path> ranked = search(clip.resolve("model"), folder, clip.resolve("image1.png"));
        assertEquals(folder.resolve("image1.png"), ranked.getFirst());
        assertEquals(Set.of(folder.resolve("image0.png"), folder.resolve("image1.png"), folder.resolve("photo.jpg")),
                Set.copyOf(ranked));
        assertEquals(3, ranked.size());
    }

    @Test
    void readmeShowsThisCode() throws IOException {
        Path root = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        String readme = Files.readString(root.resolve("README.md"));
        int section = readme.indexOf("\n## Use it as a library\n");
        assertTrue(section >= 0 || readme.startsWith("## Use it as a library\n"), "README.md has the section");
        Matcher code = Pattern.compile("```java\n(.*?)\n```", Pattern.DOTALL).matcher(readme);
        assertTrue(code.find(Math.max(section, 0)), "a ```java block in the section");
        String indented = code.group(1).lines().map(l -> l.isEmpty() ? l : "    " + l)
                .collect(Collectors.joining("\n"));
        String source = Files.readString(root.resolve("src/test/java/dev/vectorvit/ReadmeExampleTest.java"));
        assertTrue(source.contains(indented), "README.md's example is not in ReadmeExampleTest.java verbatim:\n"
                + code.group(1));
    }
}
