package dev.vectorvit.cli;

import dev.vectorvit.io.HeatMap;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * One image's picture for {@code vit explain}: at left the preprocessed image with the attention rollout
 * over it as a heat map (half transparent), with a colour bar labelled with the rollout's range; at
 * right one small map per layer, the class token's attention averaged over heads, each scaled to its own
 * range, row by row. Every map is upsampled bilinearly and coloured by {@link HeatMap}; a flat map (all
 * zeros when attention is the identity) is drawn in the lowest colour and its bar reads one value.
 *
 * <p>Layout, in pixels, for images of side n: the image is drawn at side S = n x ceil(256 / n) at
 * ({@value #MARGIN}, {@value #MARGIN} + {@value #TITLE}) under its title; the bar ({@value #BAR} wide)
 * follows after a gap of {@value #GAP}, then its labels ({@value #LABELS}); the L layer maps fill r =
 * ceil(sqrt(L)) rows of ceil(L / r), each a title over a square, as tall as the image with its title.
 * The picture is {@value #MARGIN} + {@value #TITLE} + S + {@value #MARGIN} high.
 */
final class ExplainPicture {
    static final int MARGIN = 16, TITLE = 20, GAP = 16, BAR = 16, LABELS = 64;
    /** The image is scaled up by a whole factor to at least this side, so that small models stay visible. */
    private static final int MIN_SIDE = 256;

    private ExplainPicture() {}

    /**
     * @param image   the preprocessed image, square
     * @param rollout gh x gw values from {@code from}
     * @param layers  one array per layer, gh x gw values from {@code from} in each
     */
    static BufferedImage render(BufferedImage image, float[] rollout, float[][] layers, int from, int gh, int gw) {
        int n = image.getWidth(), side = n * Math.ceilDiv(MIN_SIDE, n);
        int rows = (int) Math.ceil(Math.sqrt(layers.length)), cols = Math.ceilDiv(layers.length, rows);
        int small = (TITLE + side - (rows - 1) * GAP) / rows - TITLE;
        int right = MARGIN + side + GAP + BAR + LABELS;
        BufferedImage out = new BufferedImage(right + cols * small + (cols - 1) * GAP + MARGIN,
                MARGIN + TITLE + side + MARGIN, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int top = MARGIN + TITLE;
            g.drawImage(image, MARGIN, top, side, side, null);
            paint(out, rollout, from, gh, gw, MARGIN, top, side, true);
            int bar = MARGIN + side + GAP;
            for (int y = 0; y < side; y++) {
                g.setColor(new Color(HeatMap.color(1 - (double) y / (side - 1))));
                g.fillRect(bar, top + y, BAR, 1);
            }
            g.setColor(Color.DARK_GRAY);
            g.drawString("attention rollout", MARGIN, top - 6);
            float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < gh * gw; i++) {
                min = Math.min(min, rollout[from + i]);
                max = Math.max(max, rollout[from + i]);
            }
            g.drawString(label(max), bar + BAR + 4, top + 10);
            g.drawString(label(min), bar + BAR + 4, top + side);
            for (int l = 0; l < layers.length; l++) {
                int x = right + l % cols * (small + GAP), y = MARGIN + l / cols * (TITLE + small + GAP);
                g.setColor(Color.DARK_GRAY);
                g.drawString("layer " + (l + 1), x, y + TITLE - 6);
                paint(out, layers[l], from, gh, gw, x, y + TITLE, small, false);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static String label(float v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** The grid as a heat map on the side x side square at (x0, y0): alone, or averaged with what is there. */
    private static void paint(BufferedImage out, float[] grid, int from, int gh, int gw, int x0, int y0, int side,
                              boolean over) {
        double[] heat = HeatMap.upsample(HeatMap.normalize(grid, from, gh * gw), gh, gw, side, side);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int c = HeatMap.color(heat[y * side + x]);
                if (over) {
                    int under = out.getRGB(x0 + x, y0 + y);
                    // Per channel (a + b) / 2, without carries between channels.
                    c = (c & under) + ((c ^ under) >> 1 & 0x7F7F7F);
                }
                out.setRGB(x0 + x, y0 + y, c);
            }
        }
    }

    /** Writes {@code picture} as a PNG, encoded in memory first so that a failure leaves no partial file. */
    static void write(BufferedImage picture, Path file) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(picture, "png", png);
        Files.write(file, png.toByteArray());
    }
}
