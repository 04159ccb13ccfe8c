package dev.vectorvit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.Images;
import dev.vectorvit.io.Json;
import dev.vectorvit.io.Npy;
import dev.vectorvit.io.NpyArray;
import dev.vectorvit.io.TestImages;
import dev.vectorvit.model.Fixtures;
import dev.vectorvit.model.Prediction;
import dev.vectorvit.model.ViTModel;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vit classify} and {@code vit embed} over a folder of generated PNG and JPEG files with corrupt,
 * hostile and non-image files among them: one record per file in path order, each good image's result
 * bitwise what the library gives for that file alone, and one error per bad file.
 */
final class FolderRunTest {
    private static final String MODEL = Fixtures.fixture(Fixtures.TINY_HF).toString();

    @TempDir
    static Path tmp;
    static Path folder;
    static List<Path> good = new ArrayList<>();
    static List<Path> bad = new ArrayList<>();
    /** Every file the run must report, in its order: sorted paths. */
    static List<Path> all;

    @BeforeAll
    static void makeFolder() throws IOException {
        folder = Files.createDirectories(tmp.resolve("photos"));
        Path sub = Files.createDirectories(folder.resolve("sub"));
        for (int i = 0; i < 7; i++) {
            Path dir = i % 2 == 0 ? folder : sub;
            String format = i % 3 == 0 ? "jpg" : "png";
            good.add(TestImages.random(dir.resolve("img" + i + "." + format), format, 20 + 7 * i, 45 - 3 * i, i));
        }
        bad.add(Files.writeString(folder.resolve("corrupt.jpg"), "not a JPEG"));
        byte[] png = Files.readAllBytes(good.get(1));
        bad.add(Files.write(sub.resolve("truncated.png"), java.util.Arrays.copyOf(png, png.length / 2)));
        bad.add(Files.write(folder.resolve("bomb.png"), TestImages.pngDeclaring(20_000, 20_000)));
        Files.writeString(folder.resolve("notes.txt"), "skipped");
        List<Path> sorted = new ArrayList<>(good);
        sorted.addAll(bad);
        sorted.sort(null);
        all = List.copyOf(sorted);
    }

    private record Run(int code, String out, String err) {}

    private static Run vit(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    /** The library's output for one file alone: logits (embed false) or the embedding. */
    private static float[] expected(ViTModel m, Path file, boolean embed) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment in = Memory.floats(a, m.config().imageFloats());
            Images.toTensor(Images.read(file), m.preprocessing(), in, 0);
            float[] image = Memory.toArray(in, 0, m.config().imageFloats());
            return embed ? m.embeddings(image, 1) : m.logits(image, 1);
        }
    }

    /** Exit code 1, an "error: PATH: " line for each bad file, and the summary line. */
    private static void assertErrorsReported(Run r, String what) {
        assertEquals(1, r.code(), r::toString);
        for (Path b : bad) {
            assertEquals(1, r.err().lines().filter(l -> l.startsWith("error: " + b + ": ")).count(), r.err());
        }
        assertTrue(r.err().contains("error: " + folder.resolve("bomb.png")
                + ": 20000 x 20000 = 400,000,000 pixels is over the limit of 178,956,970"), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith(what + ": 10 images in ")
                && l.endsWith(", 3 failed, 1 other file skipped")), r.err());
    }

    @Test
    void classifyToJsonLines() throws IOException {
        Path output = tmp.resolve("x.jsonl");
        Run r = vit("classify", "--threads", "2", "--batch", "3", "--top", "3", "--model", MODEL, "--output",
                output.toString(), folder.toString());
        assertErrorsReported(r, "vit classify");
        assertEquals("", r.out());
        List<String> lines = Files.readAllLines(output);
        assertEquals(all.size(), lines.size());
        try (ViTModel m = ViTModel.load(Path.of(MODEL))) {
            for (int i = 0; i < all.size(); i++) {
                Map<String, Object> record = Json.object(Json.parse(lines.get(i), "line " + i), "record", "x.jsonl");
                assertEquals(all.get(i).toString(), record.get("path"));
                if (bad.contains(all.get(i))) {
                    assertEquals(List.of("path", "error"), List.copyOf(record.keySet()));
                    continue;
                }
                assertEquals(List.of("path", "labels", "probabilities"), List.copyOf(record.keySet()));
                List<Prediction> want = m.top(expected(m, all.get(i), false), 3);
                assertEquals(want.stream().map(Prediction::label).toList(), record.get("labels"));
                assertEquals(want.stream().map(Prediction::probability).toList(), record.get("probabilities"));
            }
        }
    }

    @Test
    void embedToNpyWithItsPaths() throws IOException {
        Path output = tmp.resolve("x.npy");
        Run r = vit("embed", "--threads", "1", "--batch", "4", "--model", MODEL, "--output", output.toString(),
                folder.toString());
        assertErrorsReported(r, "vit embed");
        List<Path> goodInOrder = all.stream().filter(good::contains).toList();
        assertEquals(goodInOrder.stream().map(Path::toString).toList(), Files.readAllLines(tmp.resolve("x.paths.txt")));
        NpyArray npy = Npy.read(output);
        assertArrayEquals(new long[] {goodInOrder.size(), 64}, npy.shape());
        float[] rows = Fixtures.toFloats(npy.toDoubles());
        try (ViTModel m = ViTModel.load(Path.of(MODEL))) {
            for (int i = 0; i < goodInOrder.size(); i++) {
                Fixtures.assertBitwiseEquals(expected(m, goodInOrder.get(i), true),
                        java.util.Arrays.copyOfRange(rows, i * 64, (i + 1) * 64), goodInOrder.get(i).toString());
            }
        }
        // Without --output: JSON Lines on stdout, the same floats.
        Run lines = vit("embed", "--quiet", "--model", MODEL, goodInOrder.getFirst().toString());
        assertEquals(0, lines.code(), lines::toString);
        assertEquals("", lines.err());
        Map<String, Object> record = Json.object(Json.parse(lines.out().strip(), "stdout"), "record", "stdout");
        List<Object> embedding = Json.array(record.get("embedding"), "embedding", "stdout");
        float[] printed = new float[embedding.size()];
        for (int i = 0; i < printed.length; i++) {
            printed[i] = (float) Json.number(embedding.get(i), "embedding", "stdout");
        }
        Fixtures.assertBitwiseEquals(java.util.Arrays.copyOfRange(rows, 0, 64), printed, "stdout embedding");
    }

    @Test
    void classifyAsTextWithoutFailuresExitsZero() {
        Run r = vit("classify", "--quiet", "--top", "1", "--model", MODEL, good.get(0).toString(), good.get(1).toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err());
        List<String> out = r.out().lines().toList();
        assertEquals(List.of(good.get(0).toString(), good.get(1).toString()), List.of(out.get(0), out.get(2)));
        assertTrue(out.get(1).matches(" +[01]\\.\\d{4}  class_\\d"), out.get(1));
    }

    @Test
    void maxPixelsIsSettable() {
        Run r = vit("classify", "--max-pixels", "100", "--model", MODEL, good.getFirst().toString());
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().startsWith("error: " + good.getFirst() + ": 20 x 45 = 900 pixels is over the limit of 100"),
                r.err());
    }

    @Test
    void outputFormatsAreChecked() {
        Path npy = tmp.resolve("never.npy");
        Run r = vit("classify", "--model", MODEL, "--output", npy.toString(), folder.toString());
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().startsWith("error: --output " + npy + ": the name must end in .jsonl"), r.err());
        assertFalse(Files.exists(npy));
        Run neither = vit("embed", folder.toString());
        assertEquals(2, neither.code(), neither::toString);
        assertTrue(neither.err().startsWith("error: give either --model DIR or --random-weights"), neither.err());
    }
}
