package dev.vectorvit.jmh.report;

import static dev.vectorvit.jmh.report.Ladders.bytes;
import static dev.vectorvit.jmh.report.Ladders.find;
import static dev.vectorvit.jmh.report.Ladders.usErr;
import static dev.vectorvit.jmh.report.Ladders.versus;
import static dev.vectorvit.jmh.report.Text.fmt;

import dev.vectorvit.jmh.ladder.MemoryAccessBench;
import dev.vectorvit.jmh.ladder.TooManyAccumulatorsBench;
import dev.vectorvit.jmh.ladder.VectorWidthBench;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.style.Styler;

/**
 * The ladder's experiments that lost: (a) a 6 x 3 register tile, (b) masked tails against padded rows,
 * (c, e) where the floats live, (d) 256-bit against 512-bit vectors; each with its numbers and the reason.
 */
record ExperimentsSection(Run run) implements Section {

    @Override
    public void markdown(StringBuilder md) {
        md.append("## Experiments that lost\n\n");
        accumulators(md);
        tails(md);
        memory(md);
        width(md);
    }

    private void accumulators(StringBuilder md) {
        List<JmhResult> rs = run.of("TooManyAccumulatorsBench");
        JmhResult two = find(rs, "tile", "6x2"), three = find(rs, "tile", "6x3");
        if (two == null || three == null) {
            return;
        }
        String shape = TooManyAccumulatorsBench.SHAPE;
        double g2 = GemmShapes.gflops(shape, two), g3 = GemmShapes.gflops(shape, three);
        md.append("### (a) Too many live accumulators: a 6 x 3 register tile\n\n");
        md.append("| tile | accumulators | GFLOPS (" + shape + ", packed once) | % of peak | B/op |\n|---|---:|---:|---:|---:|\n");
        md.append("| 6 x 2 vectors (the ladder's) | 12 | ").append(fmt(g2, 0)).append(" | ").append(fmt(100 * g2 / run.peak().perCore(), 0))
                .append("% | ").append(bytes(two)).append(" |\n");
        md.append("| 6 x 3 vectors | 18 | ").append(fmt(g3, 0)).append(" | ").append(fmt(100 * g3 / run.peak().perCore(), 0))
                .append("% | ").append(bytes(three)).append(" |\n\n");
        md.append("A 6 x 3 tile keeps 18 accumulators, 3 B vectors and a broadcast live, 22 of AVX-512's 32 registers, "
                + "and does 18 FMAs per 9 loads instead of 12 per 8: on paper it is faster. Measured here it is "
                + versus(three.seconds(), two.seconds()) + " than 6 x 2. ");
        boolean boxed = three.allocBytesPerOp() > 100 * Math.max(1, two.allocBytesPerOp()) && three.allocBytesPerOp() > 1e4;
        if (boxed) {
            md.append("The allocation (" + bytes(three) + " bytes per product) is the reason: C2 gave up keeping the "
                    + "vectors in registers and made them heap objects, so every FMA became a call and an allocation. ");
        } else {
            md.append("It allocates next to nothing (" + bytes(three) + " bytes per product, against " + bytes(two)
                    + "), so the loss is not vectors boxed on the heap; cpu-clock samples (JMH -prof perfasm) put "
                    + "most of its time in out-of-line VectorSupport.ternaryOp and Float512Vector.lanewise: C2 did "
                    + "not inline the FMAs of this bigger loop, so each one runs as a call instead of an instruction. ");
        }
        md.append("The lesson is the library's: keep the live vectors of a micro-kernel around 12, and measure, "
                + "because the register count on paper is not what the JIT gives you.\n\n");
    }

    private void tails(StringBuilder md) {
        List<JmhResult> rs = run.of("TailBench");
        if (rs.isEmpty()) {
            return;
        }
        JmhResult padded = find(rs, "tail", "padded");
        md.append("### (b) Masked tails against padded rows\n\n");
        md.append("y = 0.5 x + 0.25 on 197 rows of 197 floats (12 vectors of 16 + 5 per row).\n\n");
        md.append("| variant | µs | against padded | B/op |\n|---|---:|---:|---:|\n");
        JmhResult slowest = null;
        for (JmhResult r : rs) {
            md.append("| ").append(r.param("tail")).append(" | ").append(usErr(r)).append(" | ")
                    .append(padded == null ? "" : versus(r.seconds(), padded.seconds())).append(" | ").append(bytes(r)).append(" |\n");
            slowest = slowest == null || r.seconds() > slowest.seconds() ? r : slowest;
        }
        md.append("\nThe slowest here is ").append(slowest.param("tail")).append(". What each pays: mask-every-step builds a mask "
                + "with indexInRange in every step of every row (the lane indices compared with the limit) and makes "
                + "every load and store a masked one; masked-tail builds its mask once per call and pays only for "
                + "the masked load and store of each row's last step; scalar-tail does 5 scalar FMAs instead. "
                + "Padding the rows to 208 floats removes the tail altogether and also starts every row on a 64-byte "
                + "boundary, where 197-float rows make most vectors straddle two cache lines; it costs 208 / 197 = "
                + "5.6% more work and a leading dimension that every producer and consumer of the rows must honour "
                + "(in attention: the scores GEMM, the softmax and the scores x V GEMM). The library masks: a masked "
                + "last step in its row kernels, a mask in every step of its softmax exp loop (to keep one inlined "
                + "call site of the exponential). With rows of 197 floats the tail is 1 step in 13, so it is worth "
                + "measuring there.\n\n");
    }

    private void memory(StringBuilder md) {
        List<JmhResult> rs = run.of("MemoryAccessBench");
        JmhResult nat = find(rs, "memory", "native-segment");
        if (rs.isEmpty() || nat == null) {
            return;
        }
        String shape = MemoryAccessBench.SHAPE;
        md.append("### (c) Heap-backed against native segments, and (e) fromArray against fromMemorySegment\n\n");
        md.append("Rung 2's GEMM loop (" + shape + ": two vector loads and a store per FMA, all in L1) over four kinds "
                + "of memory, each in its own JVM.\n\n");
        md.append("| memory | µs | GFLOPS | against native-segment | B/op |\n|---|---:|---:|---:|---:|\n");
        for (JmhResult r : rs) {
            md.append("| ").append(r.param("memory")).append(" | ").append(usErr(r)).append(" | ")
                    .append(fmt(GemmShapes.gflops(shape, r), 1)).append(" | ").append(versus(r.seconds(), nat.seconds())).append(" | ")
                    .append(bytes(r)).append(" |\n");
        }
        JmhResult una = find(rs, "memory", "native-unaligned"), heap = find(rs, "memory", "heap-segment"), arr = find(rs, "memory", "array");
        md.append('\n');
        if (heap != null) {
            md.append("(c) The heap segment (MemorySegment.ofArray) is " + versus(heap.seconds(), nat.seconds())
                    + " than the native one. Two things differ: where the floats start and how they are addressed. A "
                    + "float[]'s elements start 16 bytes into an object aligned to 8, almost never on a 64-byte "
                    + "boundary, so nearly every 64-byte vector load and store straddles two cache lines, and L1 serves "
                    + "split accesses at about half rate");
            md.append(una == null ? ". " : ": the native segment moved 16 bytes off alignment is "
                    + versus(una.seconds(), nat.seconds()) + " than the aligned one, which is that effect alone, and "
                    + "the heap segment is " + versus(heap.seconds(), una.seconds()) + " than that unaligned native "
                    + "one, which is the rest: addressing through an object that the garbage collector may move. ");
            md.append("Library code that takes "
                    + "MemorySegment accepts both kinds, but hot loops want native, aligned memory: allocate it from an "
                    + "Arena with 64-byte alignment (tensor.Memory does).\n\n");
        }
        if (arr != null) {
            md.append("(e) The same loop over float[] with fromArray/intoArray is "
                    + versus(arr.seconds(), nat.seconds()) + " than fromMemorySegment on aligned native memory"
                    + (heap == null ? ". " : ", and " + versus(arr.seconds(), heap.seconds()) + " than fromMemorySegment "
                    + "over the same arrays: those two have the same misalignment, so their difference is the API "
                    + "alone. ")
                    + "What the native segment adds is alignment you choose, memory outside the heap that the garbage "
                    + "collector never scans or moves, memory-mapped files (the model's weights) and deterministic "
                    + "freeing.\n\n");
        }
    }

    private void width(StringBuilder md) {
        List<JmhResult> wide = run.of("WidthPreferredBench"), narrow = run.of("Width256Bench");
        if (wide.isEmpty() || narrow.isEmpty()) {
            return;
        }
        md.append("### (d) 256-bit against 512-bit vectors\n\n");
        md.append("The library's kernels at the preferred width (512-bit here) and with -Dvectorvit.vectorBits=256, each "
                + "in its own JVM. GEMM: " + VectorWidthBench.GEMM_SHAPE + ", one thread.\n\n");
        md.append("| kernel | preferred µs | 256-bit µs | 256-bit against preferred |\n|---|---:|---:|---:|\n");
        for (JmhResult w : wide) {
            JmhResult n = narrow.stream().filter(r -> r.method().equals(w.method())).findFirst().orElse(null);
            if (n == null) {
                continue;
            }
            String name = w.method().equals("gemm") ? "gemm (" + fmt(GemmShapes.gflops(VectorWidthBench.GEMM_SHAPE, w), 0) + " vs "
                    + fmt(GemmShapes.gflops(VectorWidthBench.GEMM_SHAPE, n), 0) + " GFLOPS)" : w.method();
            md.append("| ").append(name).append(" | ").append(usErr(w)).append(" | ").append(usErr(n)).append(" | ")
                    .append(versus(n.seconds(), w.seconds())).append(" |\n");
        }
        md.append("\nZen 5 executes 512-bit FMAs at full width: its measured FP32 peak is 263-273 GFLOPS per core "
                + "with 512-bit vectors and 134 with 256-bit ones. So the compute-bound GEMM loses up to half its speed "
                + "at 256 bits, while row kernels, which spend their time on loads, stores, reductions and per-row "
                + "work, lose less. On CPUs that split 512-bit operations or lower their clock for them the answer can "
                + "differ: the property exists to measure it.\n\n");
    }

    /** One panel per experiment, in a grid of two columns. */
    @Override
    public List<Path> charts(Path dir) throws IOException {
        List<CategoryChart> panels = new ArrayList<>();
        List<JmhResult> acc = run.of("TooManyAccumulatorsBench");
        if (!acc.isEmpty()) {
            panels.add(bars("(a) register tile, GFLOPS (higher is better)", "GFLOPS", acc, "tile",
                    r -> GemmShapes.gflops(TooManyAccumulatorsBench.SHAPE, r)));
        }
        List<JmhResult> tails = run.of("TailBench");
        if (!tails.isEmpty()) {
            panels.add(bars("(b) row tails, µs per 197 x 197 (lower is better)", "µs", tails, "tail", Ladders::us));
        }
        List<JmhResult> mem = run.of("MemoryAccessBench");
        if (!mem.isEmpty()) {
            panels.add(bars("(c, e) rung 2 GEMM by memory, GFLOPS (higher is better)", "GFLOPS", mem, "memory",
                    r -> GemmShapes.gflops(MemoryAccessBench.SHAPE, r)));
        }
        List<JmhResult> wide = run.of("WidthPreferredBench"), narrow = run.of("Width256Bench");
        if (!wide.isEmpty() && !narrow.isEmpty()) {
            CategoryChart c = Charts.chart(640, 420, "(d) vector width, speed relative to preferred (higher is better)", "",
                    "relative speed");
            c.getStyler().setDecimalPattern("#.##");
            List<String> kernels = wide.stream().map(JmhResult::method).toList();
            List<Double> one = new ArrayList<>(), rel = new ArrayList<>();
            for (JmhResult w : wide) {
                JmhResult n = narrow.stream().filter(r -> r.method().equals(w.method())).findFirst().orElse(null);
                one.add(1.0);
                rel.add(n == null ? 0 : w.seconds() / n.seconds());
            }
            c.addSeries("preferred (512-bit here)", kernels, one);
            c.addSeries("256-bit", kernels, rel);
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
            panels.add(c);
        }
        return panels.isEmpty() ? List.of()
                : List.of(Frames.grid(dir.resolve("experiments.png"), "Experiments that lost", run.subtitle(), panels, 2));
    }

    private static CategoryChart bars(String title, String y, List<JmhResult> rs, String param,
                                      ToDoubleFunction<JmhResult> value) {
        CategoryChart c = Charts.chart(640, 420, title, "", y);
        c.getStyler().setDecimalPattern("#.#");
        c.getStyler().setLegendVisible(false);
        c.addSeries(title, rs.stream().map(r -> r.param(param)).toList(), rs.stream().map(value::applyAsDouble).toList());
        return c;
    }

}
