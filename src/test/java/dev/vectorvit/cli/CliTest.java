package dev.vectorvit.cli;

import static dev.vectorvit.model.Fixtures.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.Json;
import dev.vectorvit.io.Npy;
import dev.vectorvit.io.NpyArray;
import dev.vectorvit.io.TestResources;
import dev.vectorvit.model.Fixtures;
import dev.vectorvit.model.ViTModel;
import dev.vectorvit.tensor.LargePageArena;
import dev.vectorvit.tensor.Memory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code vit} command line through {@link Main#run}: exit codes, output and error lines. */
final class CliTest {
    @TempDir
    Path tmp;

    private static final String MODEL = Fixtures.fixture(Fixtures.TINY_HF).toString();
    private static final String INPUT = Fixtures.fixture("vit-tiny/input.npy").toString();

    /** What one run printed, and its exit code. */
    private record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        /** Exit code 1 and a single "error: ..." line naming {@code parts}, no stack trace. */
        void failedWith(String... parts) {
            assertEquals(1, code, this::toString);
            assertEquals(1, errLines().size(), () -> "one line on stderr: " + err);
            assertTrue(err.startsWith("error: "), err);
            assertMessage(err.strip(), parts);
        }
    }

    private static Run vit(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    // ---- usage ----

    @Test
    void helpListsTheCommands() {
        Run r = vit("--help");
        assertEquals(0, r.code(), r::toString);
        for (String command : List.of("classify", "embed", "predict", "explain", "bench")) {
            assertTrue(r.out().contains(command), "--help lists " + command + ": " + r.out());
        }
        assertTrue(r.out().lines().allMatch(l -> l.length() <= 80), r.out());
        assertEquals("", r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"classify", "embed", "predict", "explain", "bench"})
    void subcommandHelp(String command) {
        Run r = vit(command, "--help");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Usage: vit " + command), r.out());
        assertTrue(r.out().contains("--threads"), r.out());
    }

    @Test
    void helpCommandAndVersion() {
        Run help = vit("help", "bench");
        assertEquals(0, help.code(), help::toString);
        assertTrue(help.out().startsWith("Usage: vit bench [OPTIONS]\n"), help.out());
        for (String[] args : List.of(new String[] {"--version"}, new String[] {"-V"}, new String[] {"embed", "-V"})) {
            Run r = vit(args);
            assertEquals(0, r.code(), r::toString);
            assertEquals("vit 0.1.0", r.out().strip());
        }
    }

    @Test
    void unknownCommandIsAUsageError() {
        Run r = vit("--verbose", "clasify", "x.png");
        assertEquals(2, r.code(), r::toString);
        assertEquals(List.of("error: unknown command 'clasify': give classify, embed, predict, explain or bench",
                "Try 'vit --help'."), r.errLines());
    }

    @Test
    void noSubcommandIsAUsageError() {
        Run r = vit();
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().startsWith("error: a command is required"), r.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        Run r = vit("predict", "--model", MODEL, "--input", INPUT, "--output", "x.npy", "--frobnicate");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.errLines().getFirst().startsWith("error: ") && r.err().contains("--frobnicate"), r.err());
        assertEquals("", r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"classify", "predict", "explain", "bench"})
    void zeroThreadsIsAUsageError(String command) {
        Run r = switch (command) {
            case "classify" -> vit("classify", "--threads", "0", "--model", MODEL, image());
            case "predict" -> vit("predict", "--threads", "0", "--model", MODEL, "--input", INPUT, "--output",
                    tmp.resolve("never.npy").toString());
            case "explain" -> vit("explain", "--threads", "0", "--model", MODEL, "--input", INPUT, "--rollout",
                    tmp.resolve("never.npy").toString());
            default -> vit("bench", "--threads", "0", "--model", MODEL, "--iterations", "1");
        };
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.errLines().getFirst().equals("error: --threads must be in [1, 65535], got 0"), r.err());
        assertFalse(Files.exists(tmp.resolve("never.npy")));
    }

    @Test
    void moreThreadsThanATeamCanHoldIsAUsageError() {
        Run r = vit("bench", "--threads", "65536", "--model", MODEL, "--iterations", "1");
        assertEquals(2, r.code(), r::toString);
        assertEquals("error: --threads must be in [1, 65535], got 65536", r.errLines().getFirst(), r.err());
    }

    // ---- predict ----

    @Test
    void predictRoundTrip() throws IOException {
        Path output = tmp.resolve("OUT.npy");
        Run r = vit("predict", "--threads", "2", "--batch", "1", "--model", MODEL, "--input", INPUT,
                "--output", output.toString());
        assertEquals(0, r.code(), r::toString);
        NpyArray logits = Npy.read(output);
        assertEquals("<f4", logits.descr());
        assertEquals(List.of(2L, 10L), Arrays.stream(logits.shape()).boxed().toList());
        Fixtures.assertClose("OUT.npy", Fixtures.logits("vit-tiny"), Fixtures.toFloats(logits.toDoubles()),
                Fixtures.LOGITS_TOLERANCE);
    }

    @Test
    void predictRefusesAFloat64Input() throws IOException {
        Path input = tmp.resolve("f64.npy");
        Fixtures.writeFloat64Npy(input, new long[] {2, 3, 32, 32}, Fixtures.toDoubles(Fixtures.input("vit-tiny")));
        Path output = tmp.resolve("OUT.npy");
        vit("predict", "--model", MODEL, "--input", input.toString(), "--output", output.toString())
                .failedWith(input.toString(), "expected float32", "'<f8'");
        assertFalse(Files.exists(output));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2,3072", "2,3,16,16", "2,1,32,32", "0,3,32,32"})
    void predictRefusesAnInputOfTheWrongShape(String dims) throws IOException {
        Path input = zeros("bad.npy", Arrays.stream(dims.split(",")).mapToLong(Long::parseLong).toArray());
        vit("predict", "--model", MODEL, "--input", input.toString(), "--output", tmp.resolve("OUT.npy").toString())
                .failedWith(input.toString(), "is not [N, 3, 32, 32]");
    }

    /** A float32 .npy file of zeros of {@code shape} in the temporary folder. */
    private Path zeros(String name, long... shape) throws IOException {
        Path file = tmp.resolve(name);
        try (Arena a = Arena.ofConfined()) {
            Npy.write(file, Memory.floats(a, Math.max(1, Arrays.stream(shape).reduce(1, Math::multiplyExact))), 0, shape);
        }
        return file;
    }

    @Test
    void verboseAddsTheStackTrace() throws IOException {
        Path input = zeros("bad.npy", 2, 3072);
        Run r = vit("--verbose", "predict", "--model", MODEL, "--input", input.toString(), "--output",
                tmp.resolve("OUT.npy").toString());
        assertEquals(1, r.code(), r::toString);
        List<String> lines = r.errLines();
        assertTrue(lines.getFirst().startsWith("error: " + input), r.err());
        assertTrue(lines.size() > 2 && lines.get(1).startsWith("dev.vectorvit.io.FormatException: ")
                && lines.get(2).strip().startsWith("at dev.vectorvit."), r.err());
    }

    @Test
    void missingModelFolder() {
        Path missing = tmp.resolve("no-model");
        vit("classify", "--model", missing.toString(), image()).failedWith("error: " + missing + ": model folder not found");
        vit("predict", "--model", missing.toString(), "--input", INPUT, "--output", tmp.resolve("o.npy").toString())
                .failedWith("error: " + missing + ": ");
    }

    @Test
    void missingInputFile() {
        Path missing = tmp.resolve("in.npy");
        vit("predict", "--model", MODEL, "--input", missing.toString(), "--output", tmp.resolve("o.npy").toString())
                .failedWith("error: " + missing + ": ");
    }

    @Test
    void unwritableOutputNamesTheOutput() throws IOException {
        Path inMissingFolder = tmp.resolve("no-such-folder").resolve("OUT.npy");
        vit("predict", "--model", MODEL, "--input", INPUT, "--output", inMissingFolder.toString())
                .failedWith("error: " + inMissingFolder + ": folder " + inMissingFolder.getParent() + " does not exist");
        Path jsonl = inMissingFolder.resolveSibling("OUT.jsonl");
        vit("classify", "--model", MODEL, image(), "--output", jsonl.toString())
                .failedWith("error: " + jsonl + ": folder " + jsonl.getParent() + " does not exist");
        vit("embed", "--model", MODEL, image(), "--output", jsonl.toString())
                .failedWith("error: " + jsonl + ": folder " + jsonl.getParent() + " does not exist");
        Path folder = Files.createDirectories(tmp.resolve("OUT.npy"));
        Files.writeString(folder.resolve("keep"), "x");
        vit("predict", "--model", MODEL, "--input", INPUT, "--output", folder.toString())
                .failedWith("error: " + folder + ": ");
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of("OUT.npy"), files.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
        }
    }

    // ---- embed, and predict of image files ----

    private static final String PHOTO = TestResources.path("images/photo_45x33.jpg").toString();

    /** The float32 array of an .npy file, after checking its dtype and shape. */
    private static float[] floats(Path npy, long... shape) throws IOException {
        NpyArray a = Npy.read(npy);
        assertEquals("<f4", a.descr(), npy::toString);
        assertArrayEquals(shape, a.shape(), npy::toString);
        return Fixtures.toFloats(a.toDoubles());
    }

    /** The pooled embedding of --input: the class token after the final LayerNorm, PyTorch's final_norm_cls. */
    @Test
    void embedOfAnInputIsTheReferenceClassToken() throws IOException {
        Path output = tmp.resolve("e.npy");
        Run r = vit("embed", "--threads", "2", "--batch", "1", "--model", MODEL, "--input", INPUT, "--output",
                output.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.out() + r.err());
        Fixtures.assertClose("e.npy", reference("final_norm_cls.npy"), floats(output, 2, 64), 1e-4);
        assertFalse(Files.exists(tmp.resolve("e.paths.txt")), "no paths for --input");
    }

    @Test
    void embedNormalizeWritesUnitRowsInTheReferenceDirection() throws IOException {
        Path output = tmp.resolve("unit.npy");
        Run r = vit("embed", "--normalize", "--model", MODEL, "--input", INPUT, "--output", output.toString());
        assertEquals(0, r.code(), r::toString);
        double[] cls = reference("final_norm_cls.npy");
        for (int row = 0; row < 2; row++) {
            double norm = Math.sqrt(Arrays.stream(cls, row * 64, row * 64 + 64).map(v -> v * v).sum());
            for (int i = row * 64; i < row * 64 + 64; i++) {
                cls[i] /= norm;
            }
        }
        Fixtures.assertClose("unit.npy", cls, floats(output, 2, 64), 1e-5);
    }

    /** Every token (last_hidden_state): the class token is final_norm_cls; all are what the Java API gives. */
    @Test
    void embedTokensOfAnInput() throws IOException {
        Path output = tmp.resolve("tokens.npy");
        Run r = vit("embed", "--tokens", "--batch", "1", "--model", MODEL, "--input", INPUT, "--output", output.toString());
        assertEquals(0, r.code(), r::toString);
        float[] tokens = floats(output, 2, 17, 64);
        float[] classTokens = new float[2 * 64];
        for (int b = 0; b < 2; b++) {
            System.arraycopy(tokens, b * 17 * 64, classTokens, b * 64, 64);
        }
        Fixtures.assertClose("class tokens", reference("final_norm_cls.npy"), classTokens, 1e-4);
        try (ViTModel m = ViTModel.load(Path.of(MODEL))) {
            Fixtures.assertBitwiseEquals(m.tokens(Fixtures.input("vit-tiny"), 2), tokens, "tokens.npy");
        }
    }

    /**
     * Image files go through the model's own preprocessing: their outputs are those of --input holding what
     * Pillow makes of the same files (ViTImageProcessor's defaults at 32 x 32, the images' .hf.npy).
     */
    @Test
    void imageFilesGiveTheOutputsOfPillowsTensors() throws IOException {
        Path pillow = tmp.resolve("pillow.npy");
        float[] tensors = new float[2 * 3 * 32 * 32];
        System.arraycopy(floats(Path.of(image() + ".hf.npy"), 3, 32, 32), 0, tensors, 0, 3 * 32 * 32);
        System.arraycopy(floats(Path.of(PHOTO + ".hf.npy"), 3, 32, 32), 0, tensors, 3 * 32 * 32, 3 * 32 * 32);
        try (Arena a = Arena.ofConfined()) {
            Npy.write(pillow, Memory.copyOf(a, tensors), 0, new long[] {2, 3, 32, 32});
        }
        List<List<String>> runs = List.of(List.of("predict"), List.of("embed", "--tokens"), List.of("embed", "--normalize"));
        List<long[]> shapes = List.of(new long[] {2, 10}, new long[] {2, 17, 64}, new long[] {2, 64});
        for (int i = 0; i < runs.size(); i++) {
            Path fromFiles = tmp.resolve("files" + i + ".npy"), fromPillow = tmp.resolve("pillow" + i + ".npy");
            String[] common = Stream.concat(runs.get(i).stream(), Stream.of("--model", MODEL)).toArray(String[]::new);
            Run files = vit(concat(common, "--quiet", "--batch", "1", "--output", fromFiles.toString(), image(), PHOTO));
            assertEquals(0, files.code(), files::toString);
            assertEquals("", files.out() + files.err());
            assertEquals(List.of(image(), PHOTO), Files.readAllLines(NpyResults.pathsFile(fromFiles)));
            Run arrays = vit(concat(common, "--input", pillow.toString(), "--output", fromPillow.toString()));
            assertEquals(0, arrays.code(), arrays::toString);
            Fixtures.assertClose(runs.get(i).toString(), Fixtures.toDoubles(floats(fromPillow, shapes.get(i))),
                    floats(fromFiles, shapes.get(i)), 1e-4);
        }
    }

    private static String[] concat(String[] first, String... rest) {
        return Stream.concat(Arrays.stream(first), Arrays.stream(rest)).toArray(String[]::new);
    }

    @Test
    void embedNormalizeOfImageFilesToJsonLines() throws IOException {
        Path output = tmp.resolve("e.jsonl");
        Run r = vit("embed", "--normalize", "--quiet", "--model", MODEL, "--output", output.toString(), image(), PHOTO);
        assertEquals(0, r.code(), r::toString);
        List<String> lines = Files.readAllLines(output);
        assertEquals(2, lines.size());
        for (String line : lines) {
            List<Object> embedding = Json.array(Json.object(Json.parse(line, "e.jsonl"), "record", "e.jsonl")
                    .get("embedding"), "embedding", "e.jsonl");
            assertEquals(64, embedding.size());
            double sum = 0;
            for (Object v : embedding) {
                sum += Math.pow(Json.number(v, "embedding", "e.jsonl"), 2);
            }
            assertEquals(1, sum, 1e-5, line);
        }
    }

    @Test
    void predictOfImageFilesGoesOnPastAnUndecodableOne() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.png"), "not a PNG");
        Path output = tmp.resolve("p.npy");
        Run r = vit("predict", "--quiet", "--model", MODEL, "--output", output.toString(), bad.toString(), PHOTO);
        assertEquals(1, r.code(), r::toString);
        assertEquals(List.of("error: " + bad + ": not a decodable image (PNG, JPEG, BMP, GIF)"), r.errLines());
        floats(output, 1, 10);
        assertEquals(List.of(PHOTO), Files.readAllLines(NpyResults.pathsFile(output)));
    }

    @Test
    void embedAndPredictUsageErrors() throws IOException {
        String npy = tmp.resolve("never.npy").toString(), jsonl = tmp.resolve("never.jsonl").toString();
        String oneOfTwo = "error: give --input IN.npy or image files, one of the two";
        List<List<String>> cases = List.of(
                List.of("embed", "--input", INPUT, PHOTO, "--output", npy), List.of(oneOfTwo),
                List.of("embed", "--output", npy), List.of(oneOfTwo),
                List.of("predict", "--input", INPUT, PHOTO, "--output", npy), List.of(oneOfTwo),
                List.of("embed", "--input", INPUT), List.of("error: --input writes a float32 .npy: give --output FILE.npy"),
                List.of("embed", "--input", INPUT, "--output", jsonl), List.of("error: --input writes a float32 .npy: "),
                List.of("embed", "--tokens", PHOTO), List.of("error: --tokens writes a float32 .npy: give --output FILE.npy"),
                List.of("embed", "--tokens", "--output", jsonl, PHOTO), List.of("error: --tokens writes a float32 .npy: "),
                List.of("embed", "--tokens", "--normalize", "--output", npy, PHOTO),
                List.of("error: --normalize scales pooled embeddings, not --tokens: give one of the two"),
                List.of("predict", PHOTO), List.of("error: give --output FILE.npy"),
                List.of("predict", "--output", jsonl, PHOTO), List.of("error: --output " + jsonl + ": the name must end in .npy"),
                List.of("classify"), List.of("error: give image files or folders"));
        for (int i = 0; i < cases.size(); i += 2) {
            List<String> args = cases.get(i);
            Run r = vit(Stream.concat(Stream.of(args.getFirst(), "--model", MODEL), args.stream().skip(1))
                    .toArray(String[]::new));
            assertEquals(2, r.code(), r::toString);
            assertTrue(r.errLines().getFirst().startsWith(cases.get(i + 1).getFirst()), args + ": " + r.err());
            assertEquals("Try 'vit " + args.getFirst() + " --help'.", r.errLines().get(1));
        }
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(), files.toList(), "nothing written");
        }
    }

    /** A model folder without head (DINOv2) loads; the commands that need logits then refuse it as a usage error. */
    @ParameterizedTest
    @ValueSource(strings = {"classify", "predict"})
    void logitsOfAModelWithoutHeadAreAUsageError(String command) {
        String dinov2 = Fixtures.fixture("variants/dinov2/model").toString();
        Path never = tmp.resolve("never.npy");
        Run r = command.equals("classify") ? vit("classify", "--model", dinov2, image())
                : vit("predict", "--image-size", "42", "--model", dinov2, "--input",
                        Fixtures.fixture("variants/dinov2/input.npy").toString(), "--output", never.toString());
        assertEquals(2, r.code(), r::toString);
        assertEquals(List.of("error: vit " + command + ": model " + dinov2 + " has no classification head: use embed or tokens",
                "Try 'vit " + command + " --help'."), r.errLines());
        assertEquals("", r.out());
        assertFalse(Files.exists(never), "nothing written");
    }

    // ---- classify ----

    private static String image() {
        return TestResources.path("images/rgb_37x23.png").toString();
    }

    @Test
    void classifyPrintsEachImageAndItsTopK() {
        String second = TestResources.path("images/photo_45x33.jpg").toString();
        Run r = vit("classify", "--threads", "1", "--model", MODEL, "--top", "3", image(), second);
        assertEquals(0, r.code(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals(8, lines.size(), r.out());
        assertEquals(image(), lines.get(0));
        assertEquals(second, lines.get(4));
        for (int i : new int[] {1, 2, 3, 5, 6, 7}) {
            assertTrue(lines.get(i).matches(" +[01]\\.\\d{4}  class_\\d"), lines.get(i));
        }
    }

    @Test
    void classifyAnUndecodableImageReportsItAndGoesOn() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.jpg"), "not a JPEG");
        Run r = vit("classify", "--quiet", "--model", MODEL, bad.toString(), image());
        assertEquals(1, r.code(), r::toString);
        assertEquals(List.of("error: " + bad + ": not a decodable image (PNG, JPEG, BMP, GIF)"), r.errLines());
        assertEquals(image(), r.out().lines().findFirst().orElseThrow());
    }

    // ---- explain ----

    @Test
    void explainWritesTheAttentionAndTheRollout() throws IOException {
        Path attention = tmp.resolve("attention.npy"), rollout = tmp.resolve("rollout.npy");
        Run r = vit("explain", "--threads", "2", "--model", MODEL, "--input", INPUT, "--attention", attention.toString(),
                "--rollout", rollout.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.out());
        NpyArray a = Npy.read(attention);
        assertEquals("<f4", a.descr());
        assertEquals(List.of(2L, 2L, 4L, 17L, 17L), Arrays.stream(a.shape()).boxed().toList());
        Fixtures.assertClose("attention.npy", reference("attentions.npy"), Fixtures.toFloats(a.toDoubles()), 1e-5);
        NpyArray b = Npy.read(rollout);
        assertEquals(List.of(2L, 4L, 4L), Arrays.stream(b.shape()).boxed().toList());
        Fixtures.assertClose("rollout.npy", reference("rollout.npy"), Fixtures.toFloats(b.toDoubles()), 1e-5);
    }

    private static double[] reference(String name) throws IOException {
        return Npy.read(Fixtures.fixture("vit-tiny/" + name)).toDoubles();
    }

    /**
     * A model without a head (it failed to allocate its 0 logits): every layer's attention of its pass to the
     * embedding, each row a probability distribution over the tokens.
     */
    @ParameterizedTest
    @CsvSource({"variants/dinov2, 3, 3, 17", "variants/siglip-vision, 3, 3, 16"})
    void explainsAModelWithoutAHead(String fixture, long layers, long heads, long tokens) throws IOException {
        Path attention = tmp.resolve("attention.npy");
        Run r = vit("explain", "--model", Fixtures.fixture(fixture + "/model").toString(), "--attention",
                attention.toString(), TestResources.path("images/photo_45x33.jpg").toString());
        assertEquals(0, r.code(), r::toString);
        NpyArray a = Npy.read(attention);
        assertEquals(List.of(layers, 1L, heads, tokens, tokens), Arrays.stream(a.shape()).boxed().toList());
        double[] p = a.toDoubles();
        for (int row = 0; row < p.length / tokens; row++) {
            double sum = 0;
            for (int j = 0; j < tokens; j++) {
                assertTrue(p[(int) (row * tokens + j)] >= 0, "row " + row);
                sum += p[(int) (row * tokens + j)];
            }
            assertEquals(1, sum, 1e-5, "row " + row);
        }
    }

    /**
     * The picture of a uniform gray image (a tensor of zeros), read back: vit-tiny's 32-pixel image is drawn
     * 8 times larger, 256 x 256 at (16, 36), each of its 4 x 4 patches 64 pixels; with viridis getting
     * lighter as the value grows and gray under it, the lightest patch centre is the rollout's maximum.
     */
    @Test
    void explainPictureShowsTheRolloutsMaximumWhereItIs() throws IOException {
        Path input = zeros("gray.npy", 1, 3, 32, 32), rollout = tmp.resolve("rollout.npy"), pictures = tmp.resolve("pictures");
        Run r = vit("explain", "--model", MODEL, "--input", input.toString(), "--rollout", rollout.toString(),
                "--output", pictures.toString());
        assertEquals(0, r.code(), r::toString);
        Path png = pictures.resolve("gray-0.png");
        assertEquals(List.of(png.toString()), r.out().lines().toList());
        BufferedImage picture = ImageIO.read(png.toFile());
        // Layout (ExplainPicture): margins 16, titles 20, image 256, gap and bar 16, labels 64, two layer maps of 110.
        assertEquals(16 + 256 + 16 + 16 + 64 + 110 + 16, picture.getWidth());
        assertEquals(16 + 20 + 256 + 16, picture.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int y = 36; y < 36 + 256; y++) {
            for (int x = 16; x < 16 + 256; x++) {
                colours.add(picture.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 100, "a heat map over the image, not blank: " + colours.size() + " colours");
        double[] values = Npy.read(rollout).toDoubles();
        int hottest = -1;
        double lightest = -1;
        for (int cell = 0; cell < 16; cell++) {
            int rgb = picture.getRGB(16 + cell % 4 * 64 + 32, 36 + cell / 4 * 64 + 32);
            double luma = 0.2126 * (rgb >> 16 & 0xFF) + 0.7152 * (rgb >> 8 & 0xFF) + 0.0722 * (rgb & 0xFF);
            if (luma > lightest) {
                lightest = luma;
                hottest = cell;
            }
        }
        assertEquals(Fixtures.argmax(values, 0, 16), hottest, "rollout " + Arrays.toString(values));
    }

    @Test
    void explainImageFilesWritesOnePicturePerImage() throws IOException {
        Path pictures = tmp.resolve("pictures");
        String photo = TestResources.path("images/photo_45x33.jpg").toString();
        Run r = vit("explain", "--threads", "1", "--model", MODEL, "--output", pictures.toString(), photo, image());
        assertEquals(0, r.code(), r::toString);
        List<Path> written = List.of(pictures.resolve("photo_45x33.png"), pictures.resolve("rgb_37x23.png"));
        assertEquals(written.stream().map(Path::toString).toList(), r.out().lines().toList());
        for (Path png : written) {
            assertEquals(494, ImageIO.read(png.toFile()).getWidth(), png::toString);
        }
    }

    @Test
    void explainUsageErrors() {
        String out = tmp.resolve("r.npy").toString();
        Map<List<String>, String> cases = Map.of(
                List.of("--input", INPUT, image(), "--rollout", out), "error: give --input IN.npy or image files, one of the two",
                List.of("--rollout", out), "error: give --input IN.npy or image files, one of the two",
                List.of("--input", INPUT), "error: nothing to write: give --attention, --rollout or --output",
                List.of("--output", tmp.toString(), image(), image()), "would both write " + tmp.resolve("rgb_37x23.png"));
        cases.forEach((args, message) -> {
            Run r = vit(Stream.concat(Stream.of("explain", "--model", MODEL), args.stream()).toArray(String[]::new));
            assertEquals(2, r.code(), r::toString);
            assertTrue(r.errLines().getFirst().startsWith("error: ") && r.errLines().getFirst().contains(message), r.err());
        });
        assertFalse(Files.exists(tmp.resolve("r.npy")));
    }

    @Test
    void explainRuntimeErrors() throws IOException {
        Path bad = zeros("bad.npy", 2, 3072);
        Path out = tmp.resolve("r.npy");
        vit("explain", "--model", MODEL, "--input", bad.toString(), "--rollout", out.toString())
                .failedWith(bad.toString(), "is not [N, 3, 32, 32]");
        Path undecodable = Files.writeString(tmp.resolve("bad.jpg"), "not a JPEG");
        vit("explain", "--model", MODEL, "--rollout", out.toString(), image(), undecodable.toString())
                .failedWith("error: " + undecodable + ": ");
        assertFalse(Files.exists(out));
    }

    // ---- bench ----

    @Test
    void benchJson() throws IOException {
        Run r = vit("bench", "--threads", "1", "--model", MODEL, "--iterations", "2", "--warmup", "0", "--json");
        assertEquals(0, r.code(), r::toString);
        assertEquals(1, r.out().lines().count(), "one line on stdout: " + r.out());
        Map<String, Object> json = Json.object(Json.parse(r.out().strip(), "stdout"), "bench output", "stdout");
        for (String key : List.of("median_ms", "images_per_s", "gflops", "first_logits_since_jvm_start_ms",
                "peak_rss_bytes")) {
            double v = Json.number(json.get(key), key, "stdout");
            assertTrue(v > 0, key + " = " + v);
        }
        assertInstanceOf(Long.class, json.get("peak_rss_bytes"));
        assertEquals(LargePageArena.available(), json.get("large_pages"));
        assertEquals(MODEL, json.get("model"));
        assertEquals(2L, json.get("iterations"));
        // The GEMM's register tile and blocking, as this JVM chose them: 2 vectors of this machine's width, 6 rows
        // (5 where vectors of 8 floats or fewer have A packed k-major).
        Map<String, Object> gemm = Json.object(json.get("gemm"), "gemm", "stdout");
        assertEquals(FloatVector.SPECIES_PREFERRED.length() <= 8 ? 5L : 6L, gemm.get("tile_rows"));
        assertEquals(2L * FloatVector.SPECIES_PREFERRED.length(), gemm.get("tile_cols"));
        for (String key : List.of("kc", "mc", "nc")) {
            assertTrue(Json.number(gemm.get(key), key, "stdout") > 0, key);
        }
        assertTrue(List.of("row strips", "k-major").contains(gemm.get("a_panels")), gemm.toString());
        assertEquals("logits", json.get("output"));
        assertEquals(10L, json.get("output_floats_per_image"), "vit-tiny's classes");
    }

    /** A model without a classification head is timed to its pooled embedding (it has no logits to give). */
    @ParameterizedTest
    @CsvSource({"variants/dinov2/model, embedding, 48", "variants/clip-vision/model, embedding, 24",
            "variants/siglip-vision/model, embedding, 48"})
    void benchTimesModelsWithoutAHeadToTheirEmbedding(String fixture, String output, long width) throws IOException {
        Run r = vit("bench", "--threads", "1", "--model", Fixtures.fixture(fixture).toString(), "--iterations", "1",
                "--warmup", "0", "--json");
        assertEquals(0, r.code(), r::toString);
        Map<String, Object> json = Json.object(Json.parse(r.out().strip(), "stdout"), "bench output", "stdout");
        assertEquals(output, json.get("output"));
        assertEquals(width, json.get("output_floats_per_image"));
        assertTrue(Json.number(json.get("median_ms"), "median_ms", "stdout") > 0);
        Run text = vit("bench", "--threads", "1", "--model", Fixtures.fixture(fixture).toString(), "--iterations", "1",
                "--warmup", "0");
        assertEquals(0, text.code(), text::toString);
        assertTrue(text.out().contains("\nfirst " + output + " "), text.out());
    }
}
