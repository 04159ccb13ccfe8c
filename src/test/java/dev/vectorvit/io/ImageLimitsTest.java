package dev.vectorvit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.tensor.Memory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile sizes: refused from the header (decompression bombs) or before a gigapixel resize (slivers). */
class ImageLimitsTest {
    @TempDir
    Path dir;

    @Test
    void pillowsThresholds() {
        assertEquals(89_478_485, Images.WARN_PIXELS); // PIL.Image.MAX_IMAGE_PIXELS
        assertEquals(178_956_970, Images.MAX_PIXELS);
    }

    @Test
    void aBombIsRefusedFromItsHeaderNamingSizeAndLimit() throws IOException {
        Path bomb = Files.write(dir.resolve("bomb.png"), TestImages.pngDeclaring(20_000, 20_000));
        // Decoding would take 1.2 GB of raster and many seconds; the header check takes milliseconds.
        FormatException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(FormatException.class, () -> Images.read(bomb)));
        assertEquals(bomb + ": 20000 x 20000 = 400,000,000 pixels is over the limit of 178,956,970 "
                + "(a possible decompression bomb)", e.getMessage());
    }

    @Test
    void theLimitIsSettable() throws IOException {
        Path small = TestResources.path("images/rgb_37x23.png");
        FormatException e = assertThrows(FormatException.class, () -> Images.read(small, 37 * 23 - 1));
        assertTrue(e.getMessage().contains("37 x 23 = 851 pixels is over the limit of 850"), e.getMessage());
        assertEquals(37, Images.read(small, 37 * 23).getWidth());
        byte[] bytes = Files.readAllBytes(small);
        assertThrows(FormatException.class, () -> Images.decode(bytes, "named", 100));
        assertThrows(IllegalArgumentException.class, () -> Images.decode(bytes, "named", 0));
    }

    @Test
    void aSliverIsRefusedBeforeItsShorterSideResize() throws IOException {
        Path sliver = dir.resolve("sliver.png");
        ImageIO.write(new BufferedImage(1_000_000, 1, BufferedImage.TYPE_INT_RGB), "png", sliver.toFile());
        BufferedImage image = Images.read(sliver); // a million pixels is no bomb
        ImagePreprocessing timm = ImagePreprocessing.timm(Map.of(), 224, 224, "test");
        try (Arena a = Arena.ofShared()) { // the timeout runs the call on another thread
            IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(
                    IllegalArgumentException.class, () -> Images.toTensor(image, timm, Memory.floats(a, 3 * 224 * 224), 0)));
            assertTrue(e.getMessage().contains("image is 1000000 x 1 (width x height): resizing its shorter side to 256 "
                    + "makes 65536000000 pixels, over the limit of 178,956,970"), e.getMessage());
        }
    }
}
