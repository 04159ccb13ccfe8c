package dev.vectorvit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vectorvit.io.Fuzz.Outcome;
import dev.vectorvit.model.Fixtures;
import dev.vectorvit.model.Output;
import dev.vectorvit.model.ViTConfig;
import dev.vectorvit.model.ViTModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing {@link ViTModel#load}: a vit-tiny folder (Hugging Face or timm), a DINOv2 with registers (patch
 * 14, layer scale, register tokens, mlp_ratio), a CLIP one (CLIPModel, its config nested, and
 * CLIPVisionModelWithProjection) or a SigLIP one with a mutated config.json or model.safetensors loads or
 * fails with a FormatException ({@link Fuzz}'s contract), and a model that loads reads its preprocessing
 * (FormatException allowed), runs a forward pass (NaN allowed) and picks its top classes or gives its
 * tokens and embedding. 1,000 random mutations, plus each of {@link Mutations#WRONG_VALUES} in place of
 * each config value a reader looks at (every such path of the six configs x 26 values).
 */
final class ModelFolderProperties {
    /** ViT in two layouts; DINOv2 with registers; CLIP and SigLIP, a two-tower config (vision_config nested) and vision-only ones. */
    private static final List<String> LAYOUTS = List.of(Fixtures.TINY_HF, Fixtures.TINY_TIMM,
            "variants/dinov2-registers/model", "variants/clip-full/model", "variants/clip-vision/model",
            "variants/siglip-vision/model");
    private static final String CONFIG = "config.json";
    private static final String WEIGHTS = "model.safetensors";
    private static final ViTModel.Options ONE_THREAD = ViTModel.Options.defaults().withThreads(1);

    /**
     * A folder per layout and file to damage, so that a case writes one file and the other stays the
     * original; the original files by path.
     */
    private static final Map<String, Path> FOLDERS = new HashMap<>();
    private static final Map<Path, byte[]> ORIGINALS = new HashMap<>();
    private static Path dir;

    /** The file of a layout's folder to damage, and how. */
    record Case(String layout, String file, Mutation mutation) {
        Path folder() {
            return ModelFolderProperties.folder(layout, file);
        }
    }

    /** The folder of {@code layout} where {@code file} is the one damaged. */
    private static Path folder(String layout, String file) {
        return FOLDERS.get(layout + "/" + file);
    }

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Fuzz.tempDir("model");
        for (String layout : LAYOUTS) {
            for (String file : List.of(CONFIG, WEIGHTS)) {
                FOLDERS.put(layout + "/" + file, Fixtures.copy(layout, dir.resolve(layout).resolve(file)));
                Path copy = folder(layout, file).resolve(file);
                ORIGINALS.put(copy, Files.readAllBytes(copy));
            }
        }
    }

    @AfterContainer
    static void tearDown() throws IOException {
        Fuzz.delete(dir);
    }

    private static byte[] original(String layout, String file) {
        return ORIGINALS.get(folder(layout, file).resolve(file));
    }

    @Provide
    Arbitrary<Case> mutations() {
        List<Arbitrary<Case>> each = new ArrayList<>();
        for (String layout : LAYOUTS) {
            each.add(Mutations.json(original(layout, CONFIG)).map(m -> new Case(layout, CONFIG, m)));
            each.add(Mutations.safeTensors(original(layout, WEIGHTS)).map(m -> new Case(layout, WEIGHTS, m)));
        }
        return Arbitraries.oneOf(each);
    }

    /**
     * Every value a config reader looks at (the root, a member named in {@link Mutations#READ_KEYS}, an
     * element of one such as input_size[2], but not the labels themselves) replaced by every one of
     * {@link Mutations#WRONG_VALUES}.
     */
    @Provide
    Arbitrary<Case> wrongValues() throws FormatException {
        List<Case> cases = new ArrayList<>();
        for (String layout : LAYOUTS) {
            Object config = Json.parse(new String(original(layout, CONFIG), StandardCharsets.UTF_8), CONFIG);
            for (List<Object> path : Mutations.paths(config)) {
                if (path.isEmpty() || readerLooksAt(path)) {
                    for (String value : Mutations.WRONG_VALUES) {
                        cases.add(new Case(layout, CONFIG, new Mutation.JsonEdit(Mutation.Op.REPLACE, path, "", value)));
                    }
                }
            }
        }
        return Arbitraries.of(cases);
    }

    private static boolean readerLooksAt(List<Object> path) {
        if (path.getLast() instanceof String key) {
            return Mutations.READ_KEYS.contains(key);
        }
        Object parent = path.size() >= 2 ? path.get(path.size() - 2) : null;
        return Mutations.READ_KEYS.contains(parent) && !"label_names".equals(parent);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 1000)
    void mutatedFolderLoadsOrFailsCleanly(@ForAll("mutations") Case c) throws IOException {
        check(c);
        Fuzz.requireShare(Outcome.ACCEPTED, 2);
        Fuzz.requireShare(Outcome.REJECTED, 50);
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(generation = GenerationMode.EXHAUSTIVE, tries = 10_000)
    void wrongConfigValues(@ForAll("wrongValues") Case c) throws IOException {
        check(c);
    }

    private static void check(Case c) throws IOException {
        Path folder = c.folder();
        Path file = folder.resolve(c.file());
        Files.write(file, c.mutation().apply(ORIGINALS.get(file)));
        Fuzz.check(folder, () -> load(folder), ModelFolderProperties::run);
    }

    /** Loads the folder and reads the preprocessing it describes. */
    private static ViTModel load(Path folder) throws IOException {
        ViTModel m = ViTModel.load(folder, ONE_THREAD);
        try {
            m.preprocessing();
            return m;
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Runs one image through a model that loaded and takes its top classes, or, for a model without head
     * (DINOv2, CLIP, SigLIP), its tokens and embedding if it has one: values may be NaN, but are there.
     */
    private static void run(ViTModel m) {
        ViTConfig c = m.config();
        float[] image = Fixtures.randomImages(c, 1, 7);
        if (!m.hasClassifier()) {
            assertEquals(c.tokens() * c.hidden(), m.tokens(image, 1).length);
            int width = Output.EMBEDDING.width(c);
            if (width > 0) {
                assertEquals(width, m.embeddings(image, 1).length);
            }
            return;
        }
        float[] logits = m.logits(image, 1);
        assertEquals(c.classes(), logits.length);
        assertEquals(Math.min(3, c.classes()), m.top(logits, 3).size());
    }
}
