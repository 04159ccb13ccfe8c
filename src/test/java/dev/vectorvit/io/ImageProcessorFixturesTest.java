package dev.vectorvit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.ImagePreprocessing.Interpolation;
import dev.vectorvit.io.ImagePreprocessing.ResizeMode;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two image-level cases of fixtures/variants through their own {@code preprocessor_config.json}:
 * CLIPImageProcessor (shortest edge 224) and BitImageProcessor (DINOv2, shortest edge 256, crop 224). Their
 * {@code pixel_values.npy} is Pillow's resize of the 8-bit PNGs, cropped, rescaled and normalized in float32
 * (see the fixtures' README): the same resize gives the same floats up to the last rounding of the
 * normalization.
 */
class ImageProcessorFixturesTest {
    /** Measured: 7.2e-7 (2 ulps at 2.6, the last rounding of the normalization); one 8-bit level would be 0.015. */
    private static final double TOLERANCE = 1e-6;

    @ParameterizedTest
    @CsvSource({"clip-full, 224", "dinov2-real, 256"})
    void pixelValuesMatchPillowReference(String name, int shortestEdge) throws IOException {
        Path dir = TestResources.path("fixtures/variants/" + name);
        Path config = dir.resolve("model/preprocessor_config.json");
        ImagePreprocessing p = ImagePreprocessing.huggingFace(
                Json.object(Json.parse(config), "preprocessor config", config.toString()), 0, 0, config.toString());
        assertEquals(ResizeMode.SHORTEST_EDGE_THEN_CENTER_CROP, p.resizeMode());
        assertEquals(Interpolation.BICUBIC, p.interpolation());
        assertEquals(shortestEdge, p.resizeHeight());
        assertArrayEquals(new int[] {224, 224}, new int[] {p.height(), p.width()});
        try (Arena arena = Arena.ofConfined()) {
            double[] want = Npy.read(dir.resolve("pixel_values.npy")).toDoubles();
            int plane = 3 * 224 * 224;
            assertEquals(2 * plane, want.length);
            MemorySegment got = arena.allocate(ValueLayout.JAVA_FLOAT, want.length);
            for (int i = 0; i < 2; i++) {
                Images.toTensor(Images.read(dir.resolve("image" + i + ".png")), p, got, (long) i * plane);
            }
            double worst = 0;
            for (int i = 0; i < want.length; i++) {
                worst = Math.max(worst, Math.abs(got.getAtIndex(ValueLayout.JAVA_FLOAT, i) - want[i]));
            }
            assertTrue(worst <= TOLERANCE, name + ": max |difference| " + worst);
        }
    }
}
