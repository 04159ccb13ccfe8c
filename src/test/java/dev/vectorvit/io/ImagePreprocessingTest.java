package dev.vectorvit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.ImagePreprocessing.Interpolation;
import dev.vectorvit.io.ImagePreprocessing.ResizeMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImagePreprocessingTest {
    private static final String HF = "preprocessor_config.json";
    private static final String TIMM = "config.json";

    @Test
    void huggingFaceDefaultsAreViTImageProcessors() throws FormatException {
        for (Map<String, Object> config : List.of(Map.<String, Object>of(), nulls("size", "resample", "image_mean"))) {
            ImagePreprocessing p = ImagePreprocessing.huggingFace(config, 224, 224, HF);
            assertEquals(224, p.height());
            assertEquals(224, p.width());
            assertEquals(ResizeMode.STRETCH, p.resizeMode());
            assertEquals(Interpolation.BILINEAR, p.interpolation());
            assertEquals(1.0 / 255, p.rescaleFactor());
            assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, p.mean());
            assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, p.std());
        }
        assertEquals(384, ImagePreprocessing.huggingFace(null, 384, 384, HF).height());
    }

    @Test
    void huggingFaceReadsEveryKey() throws FormatException {
        ImagePreprocessing p = ImagePreprocessing.huggingFace(Map.of(
                "size", Map.of("height", 240L, "width", 320L), "resample", 3L, "rescale_factor", 0.5,
                "image_mean", List.of(0.485, 0.456, 0.406), "image_std", List.of(0.229, 0.224, 0.225),
                "image_processor_type", "ViTImageProcessor"), 224, 224, HF);
        assertEquals(240, p.height());
        assertEquals(320, p.width());
        assertEquals(Interpolation.BICUBIC, p.interpolation());
        assertEquals(0.5, p.rescaleFactor());
        assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f}, p.mean());
        assertArrayEquals(new float[] {0.229f, 0.224f, 0.225f}, p.std());

        p = ImagePreprocessing.huggingFace(Map.of("size", 256L, "resample", 0L, "image_mean", 0.25), 224, 224, HF);
        assertEquals(256, p.height());
        assertEquals(256, p.width());
        assertEquals(Interpolation.NEAREST, p.interpolation());
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, p.mean());
        assertEquals(ResizeMode.NONE, ImagePreprocessing.huggingFace(Map.of("do_resize", false), 224, 224, HF).resizeMode());
    }

    @Test
    void huggingFaceFlagsTurnStepsOff() throws FormatException {
        ImagePreprocessing p = ImagePreprocessing.huggingFace(Map.of(
                "do_rescale", false, "rescale_factor", 0.5, "do_normalize", false, "image_mean", List.of(9, 9, 9)), 224, 224, HF);
        assertEquals(1.0, p.rescaleFactor());
        assertArrayEquals(new float[] {0, 0, 0}, p.mean());
        assertArrayEquals(new float[] {1, 1, 1}, p.std());
    }

    @Test
    void huggingFaceBadValuesNameTheKey() {
        assertBad(HF, "size", () -> hf(Map.of("size", "224")));
        assertBad(HF, "size", () -> hf(Map.of("size", Map.of("shortest_edge", 224L))));
        assertBad(HF, "size.height", () -> hf(Map.of("size", Map.of("height", 0L, "width", 224L))));
        assertBad(HF, "size.width", () -> hf(Map.of("size", Map.of("height", 224L, "width", 22.5))));
        assertBad(HF, "resample 1", () -> hf(Map.of("resample", 1L)));
        assertBad(HF, "resample 9", () -> hf(Map.of("resample", 9L)));
        assertBad(HF, "resample", () -> hf(Map.of("resample", "bilinear")));
        assertBad(HF, "do_resize", () -> hf(Map.of("do_resize", "yes")));
        assertBad(HF, "do_normalize", () -> hf(Map.of("do_normalize", 1L)));
        assertBad(HF, "rescale_factor", () -> hf(Map.of("rescale_factor", -1.0)));
        assertBad(HF, "image_mean", () -> hf(Map.of("image_mean", List.of(0.5, 0.5))));
        assertBad(HF, "image_mean", () -> hf(Map.of("image_mean", List.of(0.5, "x", 0.5))));
        assertBad(HF, "image_std", () -> hf(Map.of("image_std", List.of(0.5, 0.0, 0.5))));
        assertBad(HF, "image_std", () -> hf(Map.of("image_std", 1e300)));
        assertBad(HF, "do_center_crop", () -> hf(Map.of("do_center_crop", true, "crop_size", 224L)));
        assertBad(HF, "image_size", () -> ImagePreprocessing.huggingFace(null, 0, 0, HF));
    }

    /** Each processor's transformers defaults: size, crop, filter, mean and std. */
    @Test
    void huggingFaceProcessorDefaults() throws FormatException {
        ImagePreprocessing clip = hf(Map.of("image_processor_type", "CLIPImageProcessor"));
        assertGeometry(clip, ResizeMode.SHORTEST_EDGE_THEN_CENTER_CROP, 224, 224, 224, 224, Interpolation.BICUBIC);
        assertArrayEquals(new float[] {0.48145466f, 0.4578275f, 0.40821073f}, clip.mean());
        assertArrayEquals(new float[] {0.26862954f, 0.26130258f, 0.27577711f}, clip.std());

        ImagePreprocessing bit = hf(Map.of("image_processor_type", "BitImageProcessorFast", "size", 256L));
        assertGeometry(bit, ResizeMode.SHORTEST_EDGE_THEN_CENTER_CROP, 256, 256, 224, 224, Interpolation.BICUBIC);

        ImagePreprocessing deit = hf(Map.of("feature_extractor_type", "DeiTFeatureExtractor"));
        assertGeometry(deit, ResizeMode.STRETCH_THEN_CENTER_CROP, 256, 256, 224, 224, Interpolation.BICUBIC);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, deit.mean());

        ImagePreprocessing siglip = hf(Map.of("image_processor_type", "SiglipImageProcessor",
                "size", Map.of("height", 384L, "width", 384L), "resample", 2L));
        assertGeometry(siglip, ResizeMode.STRETCH, 384, 384, 384, 384, Interpolation.BILINEAR);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, siglip.std());
        assertEquals(Interpolation.BICUBIC, hf(Map.of("image_processor_type", "SiglipImageProcessor")).interpolation());

        ImagePreprocessing noCrop = hf(Map.of("image_processor_type", "DeiTImageProcessor", "do_center_crop", false,
                "size", Map.of("height", 200L, "width", 300L)));
        assertGeometry(noCrop, ResizeMode.STRETCH, 200, 300, 200, 300, Interpolation.BICUBIC);
    }

    private static void assertGeometry(ImagePreprocessing p, ResizeMode mode, int resizeHeight, int resizeWidth,
                                       int height, int width, Interpolation interpolation) {
        assertEquals(mode, p.resizeMode());
        assertArrayEquals(new int[] {resizeHeight, resizeWidth, height, width},
                new int[] {p.resizeHeight(), p.resizeWidth(), p.height(), p.width()});
        assertEquals(interpolation, p.interpolation());
    }

    @Test
    void huggingFaceProcessorsRejectWhatTheyCannotDo() {
        FormatException e = assertThrows(FormatException.class, () -> hf(Map.of("image_processor_type", "DPTImageProcessor")));
        assertEquals(HF + ": image processor \"DPTImageProcessor\" is not supported; supported: ViTImageProcessor, "
                + "DeiTImageProcessor, BitImageProcessor, CLIPImageProcessor, SiglipImageProcessor", e.getMessage());
        assertBad(HF, "image processor 7", () -> hf(Map.of("image_processor_type", 7L)));
        assertBad(HF, "do_center_crop", () -> hf(Map.of("image_processor_type", "SiglipImageProcessor",
                "do_center_crop", true)));
        assertBad(HF, "shortest_edge", () -> hf(Map.of("image_processor_type", "CLIPImageProcessor",
                "do_center_crop", false)));
        assertBad(HF, "crop_size", () -> hf(Map.of("image_processor_type", "CLIPImageProcessor", "size", 200L)));
        assertBad(HF, "crop_size.width", () -> hf(Map.of("image_processor_type", "CLIPImageProcessor",
                "crop_size", Map.of("height", 224L, "width", -1L))));
        assertBad(HF, "longest_edge", () -> hf(Map.of("image_processor_type", "CLIPImageProcessor",
                "size", Map.of("shortest_edge", 224L, "longest_edge", 300L))));
        assertBad(HF, "do_resize", () -> hf(Map.of("image_processor_type", "BitImageProcessor", "do_resize", false)));
    }

    @Test
    void timmDefaultsAreResolveDataConfigs() throws FormatException {
        for (Map<String, Object> config : List.of(Map.<String, Object>of(), nulls("input_size", "crop_pct", "crop_mode"))) {
            ImagePreprocessing p = ImagePreprocessing.timm(config, 224, 224, TIMM);
            assertEquals(224, p.height());
            assertEquals(224, p.width());
            assertEquals(ResizeMode.SHORTER_SIDE_THEN_CENTER_CROP, p.resizeMode());
            assertEquals(Interpolation.BICUBIC, p.interpolation());
            assertEquals(0.875, p.cropPct());
            assertEquals(1.0 / 255, p.rescaleFactor());
            assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f}, p.mean());
            assertArrayEquals(new float[] {0.229f, 0.224f, 0.225f}, p.std());
        }
        assertEquals(0.875, ImagePreprocessing.timm(null, 224, 224, TIMM).cropPct());
    }

    @Test
    void timmReadsEveryKey() throws FormatException {
        ImagePreprocessing p = ImagePreprocessing.timm(Map.of(
                "input_size", List.of(3L, 384L, 384L), "interpolation", "bilinear", "crop_pct", 1.0,
                "crop_mode", "center", "mean", List.of(0.5, 0.5, 0.5), "std", List.of(0.5, 0.5, 0.5),
                "num_classes", 1000L), 224, 224, TIMM);
        assertEquals(384, p.height());
        assertEquals(Interpolation.BILINEAR, p.interpolation());
        assertEquals(1.0, p.cropPct());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, p.mean());
        assertEquals(Interpolation.NEAREST, ImagePreprocessing.timm(Map.of("interpolation", "nearest"), 224, 224, TIMM).interpolation());
    }

    @Test
    void timmBadValuesNameTheKey() {
        assertBad(TIMM, "crop_mode", () -> timm(Map.of("crop_mode", "squash")));
        assertBad(TIMM, "interpolation", () -> timm(Map.of("interpolation", "lanczos")));
        assertBad(TIMM, "interpolation", () -> timm(Map.of("interpolation", 3L)));
        assertBad(TIMM, "input_size", () -> timm(Map.of("input_size", List.of(3L, 224L))));
        assertBad(TIMM, "input_size", () -> timm(Map.of("input_size", List.of(1L, 224L, 224L))));
        assertBad(TIMM, "input_size", () -> timm(Map.of("input_size", List.of(3L, 224L, 160L))));
        assertBad(TIMM, "input_size", () -> timm(Map.of("input_size", "224")));
        assertBad(TIMM, "crop_pct", () -> timm(Map.of("crop_pct", 1.2)));
        assertBad(TIMM, "crop_pct", () -> timm(Map.of("crop_pct", "0.9")));
        assertBad(TIMM, "crop_pct", () -> timm(Map.of("crop_pct", 0.0)));
        assertBad(TIMM, "mean", () -> timm(Map.of("mean", List.of("a", "b", "c"))));
        assertBad(TIMM, "std", () -> timm(Map.of("std", List.of(0.0, 0.0, 0.0))));
    }

    @Test
    void constructorChecksAndCopies() {
        float[] mean = {0.1f, 0.2f, 0.3f};
        ImagePreprocessing p = new ImagePreprocessing(8, 8, ResizeMode.STRETCH, Interpolation.BILINEAR, 1.0,
                1.0 / 255, mean, new float[] {1, 1, 1});
        mean[0] = 9;
        p.mean()[1] = 9;
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, p.mean());
        float[] ones = {1, 1, 1};
        assertThrows(IllegalArgumentException.class, () -> new ImagePreprocessing(0, 8, ResizeMode.STRETCH,
                Interpolation.BILINEAR, 1.0, 1.0, ones, ones));
        assertThrows(IllegalArgumentException.class, () -> new ImagePreprocessing(8, 9,
                ResizeMode.SHORTER_SIDE_THEN_CENTER_CROP, Interpolation.BILINEAR, 1.0, 1.0, ones, ones));
        assertThrows(IllegalArgumentException.class, () -> new ImagePreprocessing(8, 8, ResizeMode.STRETCH,
                Interpolation.BILINEAR, 1.5, 1.0, ones, ones));
        assertThrows(IllegalArgumentException.class, () -> new ImagePreprocessing(8, 8, ResizeMode.STRETCH,
                Interpolation.BILINEAR, 1.0, 1.0, new float[] {1, 1}, ones));
        assertThrows(IllegalArgumentException.class, () -> new ImagePreprocessing(8, 8, ResizeMode.STRETCH,
                Interpolation.BILINEAR, 1.0, 1.0, ones, new float[] {1, 0, 1}));
    }

    private static ImagePreprocessing hf(Map<String, Object> config) throws FormatException {
        return ImagePreprocessing.huggingFace(config, 224, 224, HF);
    }

    private static ImagePreprocessing timm(Map<String, Object> config) throws FormatException {
        return ImagePreprocessing.timm(config, 224, 224, TIMM);
    }

    /** A config whose given keys are JSON nulls (Map.of refuses null values). */
    private static Map<String, Object> nulls(String... keys) {
        Map<String, Object> map = new HashMap<>();
        for (String k : keys) {
            map.put(k, null);
        }
        return map;
    }

    private interface Parse {
        ImagePreprocessing run() throws FormatException;
    }

    private static void assertBad(String source, String key, Parse parse) {
        FormatException e = assertThrows(FormatException.class, parse::run);
        assertTrue(e.getMessage().startsWith(source + ": ") && e.getMessage().contains(key),
                "expected a message naming " + source + " and " + key + ": " + e.getMessage());
    }
}
