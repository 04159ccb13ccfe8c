package dev.vectorvit.jmh.report;

import static dev.vectorvit.jmh.report.Ladders.find;
import static dev.vectorvit.jmh.report.Ladders.rung;
import static dev.vectorvit.jmh.report.Text.fmt;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.style.Styler;

/** GemmLadderBench: GFLOPS and % of the FMA peak per rung and shape, and the speed-up each rung brings. */
record GemmLadderSection(Run run) implements Section {
    /** The rungs in order, with what each adds. */
    private static final Map<String, String> GEMM = Ladders.rungs(
            "scalar", "i-k-j loop, one float at a time",
            "vector", "+ Vector API: broadcast A[i][k], one FMA per 16 columns of a B row",
            "tiled", "+ register tile: 6 x 2 vectors of C (12 accumulators) stay in registers along k",
            "packed", "+ packing: A and B copied into the order the kernel reads them",
            "blocked", "+ cache blocking: KC x NC of B, MC x KC of A per block",
            "library", "the library's Gemm on one thread (what rung 5 grew into)",
            "threads", "+ threads: the library's Gemm on a team");

    /** The rung's thread count: the team size for the threads rung, one otherwise. */
    private static int threads(JmhResult r) {
        return r.param("rung").equals("threads") ? Integer.parseInt(r.param("threads")) : 1;
    }

    @Override
    public void markdown(StringBuilder md) {
        List<JmhResult> rs = run.of("GemmLadderBench");
        if (rs.isEmpty()) {
            return;
        }
        double peak = run.peak().perCore();
        List<String> shapes = Ladders.shapes(rs);
        md.append("## GEMM ladder: C = A B, FP32\n\n");
        md.append("Shapes are M x K x N: A [M x K], B [K x N] row-major (197x768x768 is a ViT-B/16 attention "
                + "projection of one image, 197x768x3072 MLP fc1, 197x3072x768 fc2). GFLOPS = 2 M N K / time; "
                + "in parentheses the % of the FMA peak, " + fmt(peak, 0) + " GFLOPS per core (" + run.peak().source()
                + "), times the rung's threads. \"x prev.\" is the geometric mean over the shapes of the speed-up "
                + "over the rung above.\n\n");
        StringBuilder head = new StringBuilder("| rung | what it adds |"), rule = new StringBuilder("|---|---|");
        for (String s : shapes) {
            head.append(' ').append(s).append(" |");
            rule.append("---:|");
        }
        md.append(head).append(" x prev. | B/op (max) |\n").append(rule).append("---:|---:|\n");
        int n = 0;
        String previous = null;
        for (String rung : Ladders.present(rs, GEMM)) {
            md.append("| ").append(++n).append(' ').append(rung).append(" | ").append(GEMM.get(rung)).append(" |");
            double logRatio = 0, alloc = Double.NaN;
            int ratios = 0;
            for (String s : shapes) {
                JmhResult r = rung(rs, rung, s);
                if (r == null) {
                    md.append(" |");
                    continue;
                }
                double g = GemmShapes.gflops(s, r);
                md.append(' ').append(fmt(g, g < 10 ? 1 : 0)).append(" (").append(fmt(100 * g / (peak * threads(r)), 0)).append("%) |");
                JmhResult p = previous == null ? null : rung(rs, previous, s);
                if (p != null) {
                    logRatio += Math.log(p.seconds() / r.seconds());
                    ratios++;
                }
                alloc = Double.isNaN(alloc) ? r.allocBytesPerOp() : Math.max(alloc, r.allocBytesPerOp());
            }
            md.append(' ').append(ratios == 0 ? "" : fmt(Math.exp(logRatio / ratios), 2) + "x").append(" | ")
                    .append(Double.isNaN(alloc) ? "n/a" : fmt(alloc, 0)).append(" |\n");
            previous = rung;
        }
        md.append('\n');
        threadsNote(md, rs, shapes);
    }

    /** Says so when the multi-threaded rung lost to one thread: the other core was not free. */
    private static void threadsNote(StringBuilder md, List<JmhResult> rs, List<String> shapes) {
        for (String s : shapes) {
            JmhResult one = rung(rs, "library", s), team = rung(rs, "threads", s);
            if (one != null && team != null && team.seconds() >= one.seconds()) {
                md.append("Rung 7 was not faster than rung 6 on " + s + " (and perhaps others): threads only help when "
                        + "the other cores are free, and this machine was shared with other work during the run. Only a "
                        + "quiet machine shows what threads add.\n\n");
                return;
            }
        }
    }

    @Override
    public List<Path> charts(Path dir) throws IOException {
        List<JmhResult> rs = run.of("GemmLadderBench");
        if (rs.isEmpty()) {
            return List.of();
        }
        double peak = run.peak().perCore();
        List<String> rungs = Ladders.present(rs, GEMM);
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < rungs.size(); i++) {
            int t = threads(find(rs, "rung", rungs.get(i)));
            labels.add((i + 1) + " " + rungs.get(i) + (t > 1 ? " (" + t + ")" : ""));
        }
        CategoryChart c = Charts.chart(1300, 680, "GEMM optimization ladder, FP32, " + run.subtitle(),
                "rung (each adds one technique)", "GFLOPS (higher is better)");
        c.getStyler().setDecimalPattern("#");
        int maxThreads = 1;
        double top = 0;
        for (String shape : Ladders.shapes(rs)) {
            double[] y = new double[rungs.size()], e = new double[rungs.size()];
            for (int i = 0; i < rungs.size(); i++) {
                JmhResult r = rung(rs, rungs.get(i), shape);
                y[i] = r == null ? Double.NaN : GemmShapes.gflops(shape, r);
                e[i] = r == null ? Double.NaN : r.relativeError(y[i]);
                if (r != null) {
                    maxThreads = Math.max(maxThreads, threads(r));
                    top = Math.max(top, y[i]);
                }
            }
            Charts.addBars(c, shape, labels, y, e);
        }
        List<Integer> lines = maxThreads == 1 ? List.of(1) : List.of(1, maxThreads);
        Charts.peakLines(c, lines.stream().mapToDouble(t -> peak * t).toArray());
        List<String> peaks = lines.stream().map(t -> fmt(peak * t, 0) + " (" + t + (t == 1 ? " core)" : " cores)")).toList();
        Charts.yMax(c, Math.max(top, peak * maxThreads));
        c.setXAxisTitle("rung (each adds one technique; 6 and 7 are the library's Gemm)        dashed: FMA peak, "
                + String.join(" and ", peaks) + " GFLOPS");
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        return List.of(Charts.save(c, dir.resolve("gemm-ladder.png")));
    }
}
