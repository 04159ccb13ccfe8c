package dev.vectorvit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.ImagePreprocessing.Interpolation;
import dev.vectorvit.io.ImagePreprocessing.ResizeMode;
import dev.vectorvit.tensor.Memory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImagesTest {
    /**
     * Largest allowed difference from the Python references. The resize is bit-exact with Pillow and the
     * float32 arithmetic is the same operations in the same order, so the measured difference is 0; the
     * bound leaves room only for a last-bit difference in the reference's own float32 arithmetic, and is
     * far below one 8-bit step (1/255/std, at least 0.0157 with these normalizations).
     */
    private static final double BOUND = 1e-6;

    private static final Map<String, Object> HF_CONFIG = Map.of(
            "do_resize", true, "size", Map.of("height", 32L, "width", 32L), "resample", 2L,
            "do_rescale", true, "rescale_factor", 0.00392156862745098, "do_normalize", true,
            "image_mean", List.of(0.5, 0.5, 0.5), "image_std", List.of(0.5, 0.5, 0.5));
    private static final Map<String, Object> TIMM_CONFIG = Map.of(
            "input_size", List.of(3L, 32L, 32L), "interpolation", "bicubic", "crop_pct", 0.875,
            "crop_mode", "center", "mean", List.of(0.485, 0.456, 0.406), "std", List.of(0.229, 0.224, 0.225));

    /** make_references.py's RESIZE_CASES: width, height, filter. */
    private static final List<Object[]> RESIZE_CASES = List.of(
            new Object[] {16, 16, Interpolation.NEAREST}, new Object[] {16, 16, Interpolation.BILINEAR},
            new Object[] {16, 16, Interpolation.BICUBIC},
            new Object[] {50, 30, Interpolation.NEAREST}, new Object[] {50, 30, Interpolation.BILINEAR},
            new Object[] {50, 30, Interpolation.BICUBIC},
            new Object[] {5, 7, Interpolation.BILINEAR}, new Object[] {5, 7, Interpolation.BICUBIC},
            new Object[] {37, 10, Interpolation.BICUBIC}, new Object[] {100, 3, Interpolation.BILINEAR},
            new Object[] {9, 23, Interpolation.NEAREST});

    @ParameterizedTest
    @ValueSource(strings = {"rgb_37x23.png", "gray_29x41.png", "rgba_40x30.png", "palette_24x20.png", "photo_45x33.jpg"})
    void huggingFaceRecipeMatchesPython(String image) throws IOException {
        ImagePreprocessing p = ImagePreprocessing.huggingFace(HF_CONFIG, 224, 224, "preprocessor_config.json");
        assertMatchesReference(image, p, image + ".hf.npy");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rgb_37x23.png", "gray_29x41.png", "rgba_40x30.png", "palette_24x20.png", "photo_45x33.jpg"})
    void timmRecipeMatchesPython(String image) throws IOException {
        ImagePreprocessing p = ImagePreprocessing.timm(TIMM_CONFIG, 224, 224, "config.json");
        assertMatchesReference(image, p, image + ".timm.npy");
    }

    private static void assertMatchesReference(String image, ImagePreprocessing p, String reference) throws IOException {
        ImageTestData.Floats expected = ImageTestData.npy(reference);
        assertArrayEquals(new int[] {3, 32, 32}, expected.shape());
        BufferedImage rgb = Images.read(ImageTestData.resource(image));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = Memory.floats(arena, expected.data().length);
            Images.toTensor(rgb, p, out, 0);
            float[] actual = Memory.toArray(out, 0, expected.data().length);
            double max = 0;
            for (int i = 0; i < actual.length; i++) {
                max = Math.max(max, Math.abs(actual[i] - expected.data()[i]));
            }
            assertTrue(max <= BOUND, image + " against " + reference + ": max |difference| " + max);
        }
    }

    @Test
    void resizeIsBitExactWithPillow() throws IOException {
        float[] expected = ImageTestData.npy("resize_cases.npy").data();
        BufferedImage src = Images.read(ImageTestData.resource("rgb_37x23.png"));
        int[] pixels = src.getRGB(0, 0, 37, 23, null, 0, 37);
        int at = 0;
        for (Object[] c : RESIZE_CASES) {
            int w = (int) c[0];
            int h = (int) c[1];
            int[] out = Resampling.resize(pixels, 37, 23, w, h, (Interpolation) c[2]);
            for (int i = 0; i < w * h; i++) {
                for (int ch = 0; ch < 3; ch++) {
                    int value = out[i] >>> (16 - 8 * ch) & 0xFF;
                    assertEquals(expected[at++], value, () -> "37x23 -> " + w + "x" + h + " " + c[2]);
                }
            }
        }
        assertEquals(expected.length, at);
    }

    @Test
    void resizeToTheSameSizeIsTheIdentity() {
        int[] pixels = {0x010203, 0xFFFEFD, 0x808080, 0x000000, 0x123456, 0xABCDEF};
        for (Interpolation f : Interpolation.values()) {
            assertSame(pixels, Resampling.resize(pixels, 3, 2, 3, 2, f));
        }
    }

    /** Hugging Face's float32(x * (1/255) in double) and torchvision's x / 255f agree on every 8-bit value. */
    @Test
    void bothRescaleFormulasGiveTheSameFloats() {
        for (int v = 0; v < 256; v++) {
            assertEquals(Float.floatToIntBits(v / 255f), Float.floatToIntBits((float) (v * (1.0 / 255))), "value " + v);
        }
    }

    /** Java2D treats 8-bit gray as linear and would brighten it through getRGB; Pillow replicates it as is. */
    @Test
    void grayValuesAreReplicatedUnchanged() {
        BufferedImage gray = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 12; i++) {
            gray.getRaster().setSample(i % 4, i / 4, 0, i * 20);
        }
        float[] out = identityTensor(gray);
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 12; i++) {
                assertEquals(i * 20, out[c * 12 + i], "channel " + c + " pixel " + i);
            }
        }
    }

    @Test
    void alphaIsDroppedNotComposited() {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_4BYTE_ABGR);
        argb.getRaster().setPixel(0, 0, new int[] {200, 100, 50, 0});
        argb.getRaster().setPixel(1, 0, new int[] {10, 20, 30, 128});
        assertArrayEquals(new float[] {200, 10, 100, 20, 50, 30}, identityTensor(argb));
    }

    /**
     * Hugging Face's center crop floors the offset, (5 - 2) // 2 = 1 (torchvision's round would take 2);
     * the resize to the image's own size leaves it as it is. Pixel (x, y) is red 10 x + y here.
     */
    @Test
    void huggingFaceCropFloorsTheOffset() {
        BufferedImage image = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                image.setRGB(x, y, (10 * x + y) << 16);
            }
        }
        float[] zero = {0, 0, 0};
        float[] one = {1, 1, 1};
        ImagePreprocessing stretch = new ImagePreprocessing(2, 2, ResizeMode.STRETCH_THEN_CENTER_CROP, 4, 5,
                Interpolation.BICUBIC, 1.0, 1.0, zero, one);
        ImagePreprocessing edge = new ImagePreprocessing(2, 2, ResizeMode.SHORTEST_EDGE_THEN_CENTER_CROP, 4, 4,
                Interpolation.BICUBIC, 1.0, 1.0, zero, one);
        for (ImagePreprocessing p : List.of(stretch, edge)) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = Memory.floats(arena, 12);
                Images.toTensor(image, p, out, 0);
                // Rows 1..2, columns 1..2: red 11, 21 / 12, 22; green and blue 0.
                assertArrayEquals(new float[] {11, 21, 12, 22, 0, 0, 0, 0, 0, 0, 0, 0}, Memory.toArray(out, 0, 12));
            }
        }
    }

    /** The tensor of an image with no resize, rescale or normalization: its 8-bit values, CHW. */
    private static float[] identityTensor(BufferedImage image) {
        ImagePreprocessing raw = new ImagePreprocessing(image.getHeight(), image.getWidth(), ResizeMode.NONE,
                Interpolation.BILINEAR, 1.0, 1.0, new float[] {0, 0, 0}, new float[] {1, 1, 1});
        int n = 3 * image.getHeight() * image.getWidth();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = Memory.floats(arena, n);
            Images.toTensor(image, raw, out, 0);
            return Memory.toArray(out, 0, n);
        }
    }

    /** fromTensor undoes toTensor: ImageNet's mean and std, no resize, every pixel back as it was. */
    @Test
    void fromTensorGivesThePreprocessedImageBack() throws IOException {
        BufferedImage photo = Images.read(ImageTestData.resource("photo_45x33.jpg"));
        ImagePreprocessing p = new ImagePreprocessing(photo.getHeight(), photo.getWidth(), ResizeMode.NONE,
                Interpolation.BILINEAR, 1.0, 1 / 255.0, new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f});
        int n = 3 * photo.getHeight() * photo.getWidth();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = Memory.floats(arena, n + 5);
            Images.toTensor(photo, p, out, 5);
            BufferedImage back = Images.fromTensor(Memory.toArray(out, 0, n + 5), 5, p);
            for (int y = 0; y < photo.getHeight(); y++) {
                for (int x = 0; x < photo.getWidth(); x++) {
                    assertEquals(photo.getRGB(x, y), back.getRGB(x, y), "pixel " + x + ", " + y);
                }
            }
        }
        // Values no 8-bit pixel makes are clamped; NaN is 0.
        ImagePreprocessing one = new ImagePreprocessing(1, 1, ResizeMode.NONE, Interpolation.BILINEAR, 1.0, 1.0,
                new float[] {0, 0, 0}, new float[] {1, 1, 1});
        assertEquals(0xFF00FF00, Images.fromTensor(new float[] {-3, 1e9f, Float.NaN}, 0, one).getRGB(0, 0));
    }

    @Test
    void readGivesIntRgb() throws IOException {
        for (String name : List.of("gray_29x41.png", "rgba_40x30.png", "palette_24x20.png", "photo_45x33.jpg")) {
            assertEquals(BufferedImage.TYPE_INT_RGB, Images.read(ImageTestData.resource(name)).getType(), name);
        }
    }

    @Test
    void writesExactlyItsRegionAtTheOffset() throws IOException {
        ImagePreprocessing p = ImagePreprocessing.huggingFace(HF_CONFIG, 224, 224, "preprocessor_config.json");
        float[] expected = ImageTestData.npy("rgb_37x23.png.hf.npy").data();
        BufferedImage rgb = Images.read(ImageTestData.resource("rgb_37x23.png"));
        try (Arena arena = Arena.ofConfined()) {
            int n = expected.length;
            MemorySegment out = Memory.floats(arena, n + 10);
            out.fill((byte) 0x7F);
            Images.toTensor(rgb, p, out, 3);
            float untouched = Memory.toArray(out, 0, 1)[0];
            assertArrayEquals(new float[] {untouched, untouched, untouched}, Memory.toArray(out, 0, 3));
            assertArrayEquals(expected, Memory.toArray(out, 3, n), (float) BOUND);
            float[] after = Memory.toArray(out, 3 + n, 7);
            float[] filler = new float[7];
            Arrays.fill(filler, untouched);
            assertArrayEquals(filler, after);
        }
    }

    @Test
    void tooSmallOutputIsRejectedWithTheSizes() throws IOException {
        ImagePreprocessing p = ImagePreprocessing.timm(TIMM_CONFIG, 224, 224, "config.json");
        BufferedImage rgb = Images.read(ImageTestData.resource("rgb_37x23.png"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment exact = Memory.floats(arena, 3 * 32 * 32);
            var e = assertThrows(IllegalArgumentException.class, () -> Images.toTensor(rgb, p, exact, 1));
            assertTrue(e.getMessage().contains("3072") && e.getMessage().contains("offset 1"), e.getMessage());
            MemorySegment small = Memory.floats(arena, 3000);
            e = assertThrows(IllegalArgumentException.class, () -> Images.toTensor(rgb, p, small, 0));
            assertTrue(e.getMessage().contains("3072") && e.getMessage().contains("3000"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Images.toTensor(rgb, p, exact, -1));
        }
    }

    @Test
    void noResizeNeedsTheExactSize() throws IOException {
        ImagePreprocessing p = ImagePreprocessing.huggingFace(Map.of("do_resize", false), 32, 32, "preprocessor_config.json");
        BufferedImage rgb = Images.read(ImageTestData.resource("rgb_37x23.png"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = Memory.floats(arena, 3 * 32 * 32);
            var e = assertThrows(IllegalArgumentException.class, () -> Images.toTensor(rgb, p, out, 0));
            assertTrue(e.getMessage().contains("23x37"), e.getMessage());
        }
    }

    @Test
    void undecodableFilesAreFormatExceptionsNamingTheFile(@TempDir Path dir) throws IOException {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Path random = Files.write(dir.resolve("noise.png"), noise);
        Path empty = Files.write(dir.resolve("empty.jpg"), new byte[0]);
        Path text = Files.writeString(dir.resolve("notes.txt"), "not an image\n", StandardCharsets.UTF_8);
        for (Path file : List.of(random, empty, text)) {
            var e = assertThrows(FormatException.class, () -> Images.read(file));
            assertTrue(e.getMessage().startsWith(file + ": not a decodable image (PNG, JPEG, BMP, GIF)"), e.getMessage());
        }
    }

    @Test
    void truncatedFilesAreRefusedAsPillowRefusesThem(@TempDir Path dir) throws IOException {
        byte[] jpeg = Files.readAllBytes(ImageTestData.resource("photo_45x33.jpg"));
        byte[] png = Files.readAllBytes(ImageTestData.resource("rgb_37x23.png"));
        for (Path file : List.of(
                Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2)),
                Files.write(dir.resolve("no-end-marker.jpg"), Arrays.copyOf(jpeg, jpeg.length - 2)),
                Files.write(dir.resolve("cut.png"), Arrays.copyOf(png, png.length / 2)))) {
            var e = assertThrows(FormatException.class, () -> Images.read(file));
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        }
    }

    @Test
    void missingFileIsNoSuchFileNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("missing.png");
        var e = assertThrows(NoSuchFileException.class, () -> Images.read(missing));
        assertTrue(e.getMessage().contains("missing.png"), e.getMessage());
    }
}
