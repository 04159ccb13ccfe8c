package dev.vectorvit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example on the library's tiny test model (10 classes named class_0 to class_9) and four images. */
final class ClassifyAndRankTest {
    private static final Path RESOURCES = Path.of(System.getProperty("vectorvit.testResources"));

    @Test
    void classifiesEveryImageAndRanksTheOthers() throws IOException {
        List<Path> images = List.of("rgb_37x23.png", "gray_29x41.png", "palette_24x20.png", "photo_45x33.jpg")
                .stream().map(name -> RESOURCES.resolve("images").resolve(name)).toList();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<ClassifyAndRank.Ranked> ranking = ClassifyAndRank.run(RESOURCES.resolve("fixtures/vit-tiny/hf"),
                images, new PrintStream(printed, true, StandardCharsets.UTF_8));

        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(images.size() + 1 + ranking.size(), lines.size(), printed::toString); // + the heading
        for (int i = 0; i < images.size(); i++) {
            String line = lines.get(i);
            assertTrue(line.matches("\\Q" + images.get(i).getFileName() + "\\E  class_\\d  0[.,]\\d{4}"), line);
        }
        assertEquals(images.subList(1, images.size()).stream().sorted().toList(),
                ranking.stream().map(ClassifyAndRank.Ranked::image).sorted().toList());
        double previous = 1 + 1e-12;
        for (ClassifyAndRank.Ranked r : ranking) {
            // Probability vectors are non-negative, so their cosine lies in [0, 1].
            assertTrue(r.similarity() > 0 && r.similarity() <= previous, ranking::toString);
            previous = r.similarity();
        }
    }

    @Test
    void cosineOfParallelAndOrthogonalVectors() {
        assertEquals(1, ClassifyAndRank.cosine(new double[] {1, 2}, new double[] {2, 4}), 1e-12);
        assertEquals(0, ClassifyAndRank.cosine(new double[] {1, 0}, new double[] {0, 3}), 1e-12);
    }
}
