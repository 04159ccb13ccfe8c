package dev.vectorvit.jmh.report;

import static dev.vectorvit.jmh.report.Ladders.rung;
import static dev.vectorvit.jmh.report.Ladders.versus;
import static dev.vectorvit.jmh.report.Text.fmt;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;

/** The LayerNorm, softmax and GELU ladders: µs, GB/s and the speed-up over the scalar rung. */
record RowLaddersSection(Run run) implements Section {
    private static final Map<String, Map<String, String>> ROWS = Map.of(
            "LayerNormLadderBench", Ladders.rungs(
                    "scalar", "two passes (mean, then squared deviations), float, one element at a time",
                    "vector-two-pass", "+ Vector API: 16 partial sums per pass, normalisation as one FMA",
                    "vector-one-pass", "sum and sum of squares in one read: var = E[x^2] - mean^2 (cancels for |mean| >> std)",
                    "library", "the library: corrected two-pass, accurate far from zero mean, one more read"),
            "SoftmaxLadderBench", Ladders.rungs(
                    "scalar", "max, exp, sum, scale, float, Math.exp per element",
                    "lane-exp", "+ vector passes; exp still Math.exp, lane by lane",
                    "lanewise-exp", "exp as lanewise(VectorOperators.EXP): one SVML call per vector",
                    "library", "exp as the library's polynomial VMath.exp (rel. error < 4e-7, 8.4e-8 measured): FMAs, no calls"),
            "GeluLadderBench", Ladders.rungs(
                    "scalar-erf", "exact GELU, float, erf by Abramowitz-Stegun (one Math.exp per element)",
                    "library-erf", "the library's vector GELU: erf as a rational polynomial, no calls",
                    "library-tanh", "the tanh form (gelu_new, within 4.7e-4 of exact): tanh from the polynomial exp"));
    private static final List<String> ORDER = List.of("LayerNormLadderBench", "SoftmaxLadderBench", "GeluLadderBench");

    private static String kernelName(String clazz) {
        return clazz.replace("LadderBench", "");
    }

    private boolean absent() {
        return ORDER.stream().allMatch(c -> run.of(c).isEmpty());
    }

    @Override
    public void markdown(StringBuilder md) {
        if (absent()) {
            return;
        }
        md.append("## Row-kernel ladders, one thread\n\n");
        md.append("GB/s counts the row data read and written once, 2 x rows x cols x 4 bytes per call, as in jmh.md "
                + "(LayerNorm's gamma and beta and the passes over a row in L1 are not counted). \"x first\" is the "
                + "speed-up over the ladder's first (scalar) rung on the same shape.\n\n");
        md.append("| kernel | rows x cols | rung | what it changes | µs | GB/s | x first | B/op |\n");
        md.append("|---|---|---|---|---:|---:|---:|---:|\n");
        for (String clazz : ORDER) {
            Map<String, String> ladder = ROWS.get(clazz);
            List<JmhResult> rs = run.of(clazz);
            for (String shape : Ladders.shapes(rs)) {
                JmhResult first = null;
                for (String name : ladder.keySet()) {
                    JmhResult r = rung(rs, name, shape);
                    if (r == null) {
                        continue;
                    }
                    first = first == null ? r : first;
                    md.append("| ").append(kernelName(clazz)).append(" | ").append(shape.replace("x", " x ")).append(" | ")
                            .append(name).append(" | ").append(ladder.get(name)).append(" | ").append(Ladders.usErr(r)).append(" | ")
                            .append(fmt(RowKernelsSection.rowBytes(shape) / r.seconds() / 1e9, 1)).append(" | ")
                            .append(fmt(first.seconds() / r.seconds(), 1)).append("x | ").append(Ladders.bytes(r)).append(" |\n");
                }
            }
        }
        md.append("\nThe one-pass LayerNorm is the fastest rung and the library does not use it: E[x^2] and mean^2 "
                + "share their leading digits, and their difference, the variance, loses them (relative error about "
                + "(mean / std)^2 x 6e-8). Harmless for the centred rows timed here, not for the residual stream of a "
                + "transformer, which has channels with large offsets. Largest error of the normalised output on 768 "
                + "values from N(offset, 1), measured by `LayerNormAccuracy` in the ladder package: one-pass 2e-5 at an "
                + "offset of 10 standard deviations, 2e-3 at 100, 0.2 at 1000, garbage at 10^4; the plain two-pass "
                + "within 5e-4 and the library's corrected two-pass within 1e-6 throughout.\n\n");
        softmaxNote(md);
    }

    /** Compares the two fast exponentials of the softmax ladder: which one wins depends on the platform. */
    private void softmaxNote(StringBuilder md) {
        List<JmhResult> rs = run.of("SoftmaxLadderBench");
        for (String shape : Ladders.shapes(rs)) {
            JmhResult svml = rung(rs, "lanewise-exp", shape), poly = rung(rs, "library", shape);
            if (svml == null || poly == null) {
                continue;
            }
            md.append("Softmax " + shape.replace("x", " x ") + ": VectorOperators.EXP is " + versus(svml.seconds(), poly.seconds())
                    + " than the library's polynomial. ");
        }
        if (!rs.isEmpty()) {
            md.append("On x86-64 the JDK compiles EXP to a call into Intel's SVML (lib/libjsvml.so), a routine "
                    + "as accurate as Math.exp and tuned for AVX-512. The polynomial's case is everything else: it is "
                    + "plain Java FMAs, so it runs at vector speed on any platform the Vector API compiles for and gives "
                    + "the same bits everywhere (Java's fma is exactly rounded), while EXP is only fast where the JDK "
                    + "ships a native vector math library for the platform, and otherwise runs lane by lane.\n\n");
        }
    }

    /** One panel per kernel and shape: each rung's speed-up over the first. */
    @Override
    public List<Path> charts(Path dir) throws IOException {
        if (absent()) {
            return List.of();
        }
        List<CategoryChart> panels = new ArrayList<>();
        for (String clazz : ORDER) {
            List<JmhResult> rs = run.of(clazz);
            for (String shape : Ladders.shapes(rs)) {
                List<String> labels = new ArrayList<>();
                List<Double> speedup = new ArrayList<>();
                JmhResult first = null;
                for (String name : ROWS.get(clazz).keySet()) {
                    JmhResult r = rung(rs, name, shape);
                    if (r != null) {
                        first = first == null ? r : first;
                        labels.add(name);
                        speedup.add(first.seconds() / r.seconds());
                    }
                }
                CategoryChart c = Charts.chart(640, 420, kernelName(clazz) + " " + shape.replace("x", " x "), "",
                        "speed-up over the first rung (x)");
                c.getStyler().setDecimalPattern("#.#");
                c.getStyler().setLegendVisible(false);
                c.addSeries("speed-up", labels, speedup);
                panels.add(c);
            }
        }
        return List.of(Frames.grid(dir.resolve("row-ladders.png"), "Row-kernel ladders, one thread", run.subtitle(), panels, 2));
    }
}
