package dev.vectorvit.jmh.folder;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Writes N photo-sized JPEGs of random shapes (400-640 x 300-480, seeded) for the folder-throughput run:
 * smooth colour fields with noise, so that they compress and decode like photographs, not like flat fills.
 * Usage: MakeJpegs DIR N
 */
public final class MakeJpegs {
    private MakeJpegs() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < n; i++) {
            int w = 400 + random.nextInt(241), h = 300 + random.nextInt(181);
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            double fx = random.nextDouble(0.005, 0.05), fy = random.nextDouble(0.005, 0.05);
            double phase = random.nextDouble(0, 6.3);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int r = clamp(128 + 100 * Math.sin(fx * x + phase) + random.nextInt(-20, 21));
                    int g = clamp(128 + 100 * Math.cos(fy * y + phase) + random.nextInt(-20, 21));
                    int b = clamp(128 + 100 * Math.sin(fx * x + fy * y) + random.nextInt(-20, 21));
                    image.setRGB(x, y, r << 16 | g << 8 | b);
                }
            }
            ImageIO.write(image, "jpg", dir.resolve(String.format("img%05d.jpg", i)).toFile());
        }
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, v));
    }
}
