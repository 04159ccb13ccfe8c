package dev.vectorvit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.Images;
import dev.vectorvit.model.Prediction;
import dev.vectorvit.model.ViTModel;
import dev.vectorvit.tensor.Memory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job in one local[2] session (starting one costs seconds): over a generated folder of 40 PNG
 * and JPEG images and 2 corrupt files, every good image's logits and embedding are bitwise what
 * {@link ViTModel} gives for the same file, every corrupt one is an error row, and the Parquet output
 * reads back with the same rows.
 */
class VitSparkTest {
    private static final String MODEL = System.getProperty("vectorvit.fixtures", "../src/test/resources/fixtures")
            + "/vit-tiny/hf";
    private static final int GOOD = 40;

    @TempDir
    static Path tmp;
    static Path folder;
    static SparkSession spark;
    static ViTModel model;

    @BeforeAll
    static void start() throws IOException {
        folder = Files.createDirectories(tmp.resolve("images"));
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < GOOD; i++) {
            int w = 16 + r.nextInt(60), h = 16 + r.nextInt(60);
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    image.setRGB(x, y, r.nextInt(1 << 24));
                }
            }
            String format = i % 2 == 0 ? "png" : "jpg";
            ImageIO.write(image, format, folder.resolve(String.format("img%02d.%s", i, format)).toFile());
        }
        Files.writeString(folder.resolve("corrupt.jpg"), "not a JPEG");
        byte[] png = Files.readAllBytes(folder.resolve("img00.png"));
        Files.write(folder.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
        model = ViTModel.load(Path.of(MODEL));
        // Local mode on the loopback interface only: the test opens no port on the machine's address.
        spark = SparkSession.builder().master("local[2]").appName("VitSparkTest")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "3").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (model != null) {
            model.close();
        }
    }

    /** The rows by file name; every one of the 42 files once. */
    private static Map<String, Row> byName(Dataset<Row> result) {
        Map<String, Row> out = new TreeMap<>();
        for (Row row : result.collectAsList()) {
            String name = Path.of(URI.create(row.getAs("path"))).getFileName().toString();
            assertNull(out.put(name, row), "one row for " + name);
        }
        assertEquals(GOOD + 2, out.size(), out.keySet().toString());
        return out;
    }

    /** Spark's binaryFile rows, spread over 3 tasks so that tasks share the executor's model. */
    private static Dataset<Row> images() {
        return spark.read().format("binaryFile").load(folder.toString()).repartition(3);
    }

    /** What the library gives for the file alone: logits, or the embedding. */
    private static float[] library(String name, boolean embed) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment in = Memory.floats(a, model.config().imageFloats());
            Images.toTensor(Images.read(folder.resolve(name)), model.preprocessing(), in, 0);
            float[] image = Memory.toArray(in, 0, model.config().imageFloats());
            return embed ? model.embeddings(image, 1) : model.logits(image, 1);
        }
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static void assertErrorRows(Map<String, Row> rows) {
        for (String bad : List.of("corrupt.jpg", "truncated.png")) {
            String error = rows.get(bad).getAs("error");
            assertNotNull(error, bad);
            assertTrue(error.startsWith("not a decodable image") || error.startsWith("truncated image"), error);
        }
    }

    @Test
    void classifyGivesTheLibrarysLogitsAndAnErrorRowPerCorruptFile() throws IOException {
        Map<String, Row> rows = byName(VitSpark.classify(images(), MODEL, VitSpark.Options.defaults().withBatch(4).withTop(3)));
        assertErrorRows(rows);
        for (int i = 0; i < GOOD; i++) {
            String name = String.format("img%02d.%s", i, i % 2 == 0 ? "png" : "jpg");
            Row row = rows.get(name);
            assertNull(row.getAs("error"), name);
            float[] want = library(name, false);
            assertArrayEquals(want, floats(row.getList(row.fieldIndex("logits"))), name);
            List<Prediction> best = model.top(want, 3);
            assertEquals(best.stream().map(Prediction::label).toList(), row.getList(row.fieldIndex("labels")), name);
            assertEquals(best.stream().map(Prediction::probability).toList(),
                    row.getList(row.fieldIndex("probabilities")), name);
        }
    }

    @Test
    void embedGivesTheLibrarysEmbeddingsAndTheParquetReadsBack() throws IOException {
        Map<String, Row> rows = byName(VitSpark.embed(images(), MODEL, VitSpark.Options.defaults().withBatch(5)));
        assertErrorRows(rows);
        Map<String, float[]> embeddings = new HashMap<>();
        for (int i = 0; i < GOOD; i++) {
            String name = String.format("img%02d.%s", i, i % 2 == 0 ? "png" : "jpg");
            Row row = rows.get(name);
            assertNull(row.getAs("error"), name);
            float[] got = floats(row.getList(row.fieldIndex("embedding")));
            assertArrayEquals(library(name, true), got, name);
            embeddings.put(row.getAs("path"), got);
        }
        // The job's command line, in this session: a folder (with a non-image file, left out) to Parquet.
        Files.writeString(folder.resolve("notes.txt"), "not an image");
        try {
            Path output = tmp.resolve("embeddings.parquet");
            Job job = Job.parse(new String[] {folder.toString(), MODEL, output.toString(), "--task", "embed", "--batch", "3"});
            assertArrayEquals(new long[] {GOOD + 2, 2}, job.run(spark));
            Map<String, Row> back = byName(spark.read().parquet(output.toString()));
            assertEquals(List.of("path", "embedding", "error"), Arrays.asList(back.values().iterator().next().schema().fieldNames()));
            for (Map.Entry<String, Row> e : rows.entrySet()) {
                Row read = back.get(e.getKey());
                assertEquals(e.getValue().<String>getAs("path"), read.getAs("path"));
                assertEquals(e.getValue().<String>getAs("error"), read.getAs("error"));
                float[] want = embeddings.get(read.<String>getAs("path"));
                assertArrayEquals(want, want == null ? null : floats(read.getList(read.fieldIndex("embedding"))), e.getKey());
            }
        } finally {
            Files.delete(folder.resolve("notes.txt"));
        }
    }

    @Test
    void commandLineErrors() {
        List<String> messages = new ArrayList<>();
        for (String[] args : List.of(new String[] {"a", "b"}, new String[] {"a", "b", "c", "--task", "segment"},
                new String[] {"a", "b", "c", "--batch"}, new String[] {"a", "b", "c", "--batch", "0"})) {
            try {
                Job.parse(args);
            } catch (IllegalArgumentException e) {
                messages.add(e.getMessage());
            }
        }
        assertEquals(List.of("IMAGES, MODEL_DIR and OUTPUT are required", "--task is classify or embed, got segment",
                "--batch needs a value", "batch, top and maxPixels must be >= 1, got 0, 5, 178956970"), messages);
    }
}
