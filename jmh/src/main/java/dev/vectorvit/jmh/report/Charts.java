package dev.vectorvit.jmh.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;

/** The bar charts of every report: one style, bars with error bars, the FMA peak as a dashed line. */
final class Charts {
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd)
    };

    private Charts() {}

    static CategoryChart chart(int width, int height, String title, String x, String y) {
        CategoryChart c = new CategoryChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(x).yAxisTitle(y).build();
        CategoryStyler s = c.getStyler();
        s.setSeriesColors(PALETTE);
        s.setLegendPosition(Styler.LegendPosition.InsideNW);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotGridVerticalLinesVisible(false);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setLabelsVisible(true);
        s.setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLabelsFontColorAutomaticEnabled(false);
        s.setLabelsFontColor(Color.DARK_GRAY);
        s.setLabelsPosition(0.9);
        s.setAvailableSpaceFill(0.8);
        s.setErrorBarsColor(Color.BLACK);
        s.setYAxisMin(0.0);
        s.setChartPadding(14);
        return c;
    }

    /** A series of bars, with error bars where any error is known; missing values draw as 0. */
    static void addBars(CategoryChart c, String name, List<String> x, double[] y, double[] err) {
        boolean anyErr = false;
        for (double e : err) {
            anyErr |= Double.isFinite(e) && e > 0;
        }
        if (anyErr) {
            c.addSeries(name, x, finite(y), finite(err));
        } else {
            c.addSeries(name, x, finite(y));
        }
    }

    private static List<Double> finite(double[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (double d : v) {
            l.add(Double.isFinite(d) ? d : 0);
        }
        return l;
    }

    /** Dashed grey lines at the given GFLOPS (not series: they would take bar slots). */
    static void peakLines(CategoryChart c, double... gflops) {
        for (double g : gflops) {
            c.addAnnotation(new AnnotationLine(g, false, false));
        }
        c.getStyler().setAnnotationLineColor(Color.GRAY);
        c.getStyler().setAnnotationLineStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                new float[] {6, 4}, 0));
    }

    /** The y axis up to {@code top} plus 8%, rounded up to 50. */
    static void yMax(CategoryChart c, double top) {
        c.getStyler().setYAxisMax(Math.ceil(top * 1.08 / 50) * 50);
    }

    /** The legend in one row under the plot. */
    static void legendBelow(CategoryChart c) {
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    }

    static Path save(CategoryChart c, Path file) throws IOException {
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }
}
