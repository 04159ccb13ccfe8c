package dev.vectorvit.jmh.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;

/** Charts composed into one PNG under a two-line header: the title, then machine and date. */
final class Frames {
    private static final int HEADER = 56;

    private Frames() {}

    /** Panels side by side. */
    static Path sideBySide(Path file, String title, String subtitle, List<CategoryChart> panels) throws IOException {
        return line(file, title, subtitle, panels, true);
    }

    /** Panels one above the other. */
    static Path stacked(Path file, String title, String subtitle, List<CategoryChart> panels) throws IOException {
        return line(file, title, subtitle, panels, false);
    }

    private static Path line(Path file, String title, String subtitle, List<CategoryChart> panels, boolean horizontal)
            throws IOException {
        List<BufferedImage> images = images(panels);
        int width = 0, height = 0;
        for (BufferedImage p : images) {
            width = horizontal ? width + p.getWidth() : Math.max(width, p.getWidth());
            height = horizontal ? Math.max(height, p.getHeight()) : height + p.getHeight();
        }
        BufferedImage img = new BufferedImage(Math.max(width, 10), HEADER + height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = header(img, title, subtitle);
        int x = 0, y = HEADER;
        for (BufferedImage p : images) {
            g.drawImage(p, x, y, null);
            if (horizontal) {
                x += p.getWidth();
            } else {
                y += p.getHeight();
            }
        }
        return write(g, img, file);
    }

    /** Panels in a grid of {@code cols} columns, each cell the size of the largest panel. */
    static Path grid(Path file, String title, String subtitle, List<CategoryChart> panels, int cols) throws IOException {
        List<BufferedImage> images = images(panels);
        int w = images.stream().mapToInt(BufferedImage::getWidth).max().orElse(0);
        int h = images.stream().mapToInt(BufferedImage::getHeight).max().orElse(0);
        int rows = (images.size() + cols - 1) / cols;
        BufferedImage img = new BufferedImage(w * Math.min(cols, images.size()), HEADER + h * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = header(img, title, subtitle);
        for (int i = 0; i < images.size(); i++) {
            g.drawImage(images.get(i), (i % cols) * w, HEADER + (i / cols) * h, null);
        }
        return write(g, img, file);
    }

    private static List<BufferedImage> images(List<CategoryChart> panels) {
        List<BufferedImage> images = new ArrayList<>();
        for (CategoryChart c : panels) {
            images.add(BitmapEncoder.getBufferedImage(c));
        }
        return images;
    }

    /** A white image with the title and subtitle centred in its header. */
    private static Graphics2D header(BufferedImage img, String title, String subtitle) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, Math.max(4, (img.getWidth() - g.getFontMetrics().stringWidth(title)) / 2), 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.drawString(subtitle, Math.max(4, (img.getWidth() - g.getFontMetrics().stringWidth(subtitle)) / 2), 46);
        return g;
    }

    private static Path write(Graphics2D g, BufferedImage img, Path file) throws IOException {
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
        return file;
    }
}
