package dev.vectorvit.jmh.report;

import dev.vectorvit.jmh.GemmBench;
import dev.vectorvit.jmh.ladder.MemoryAccessBench;
import dev.vectorvit.jmh.ladder.TooManyAccumulatorsBench;
import dev.vectorvit.jmh.ladder.VectorWidthBench;
import dev.vectorvit.jmh.report.Report.Result;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.style.Styler;

/**
 * The report of the optimization ladders (package {@code dev.vectorvit.jmh.ladder}, run by
 * {@code jmh/ladder.sh}): markdown tables with each rung's speed and what it adds, the experiments that
 * lost with their numbers and the reason, and three charts. Reading, formatting and chart style are
 * {@link Report}'s.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.vectorvit.jmh.report.LadderReport [results/ladder.json]
 *      [--out DIR] [--machine TEXT] [--date TEXT] [--peak GFLOPS_PER_CORE]
 * </pre>
 * Writes DIR/ladder.md (also printed), DIR/gemm-ladder.png, DIR/row-ladders.png, DIR/experiments.png.
 */
public final class LadderReport {
    /** Each ladder's rungs in order, with what the rung adds; a benchmark class and its "rung" values. */
    private static final Map<String, String> GEMM = rungs(
            "scalar", "i-k-j loop, one float at a time",
            "vector", "+ Vector API: broadcast A[i][k], one FMA per 16 columns of a B row",
            "tiled", "+ register tile: 6 x 2 vectors of C (12 accumulators) stay in registers along k",
            "packed", "+ packing: A and B copied into the order the kernel reads them",
            "blocked", "+ cache blocking: KC x NC of B, MC x KC of A per block",
            "library", "the library's Gemm on one thread (what rung 5 grew into)",
            "threads", "+ threads: the library's Gemm on a team");
    private static final Map<String, Map<String, String>> ROWS = Map.of(
            "LayerNormLadderBench", rungs(
                    "scalar", "two passes (mean, then squared deviations), float, one element at a time",
                    "vector-two-pass", "+ Vector API: 16 partial sums per pass, normalisation as one FMA",
                    "vector-one-pass", "sum and sum of squares in one read: var = E[x^2] - mean^2 (cancels for |mean| >> std)",
                    "library", "the library: corrected two-pass, accurate far from zero mean, one more read"),
            "SoftmaxLadderBench", rungs(
                    "scalar", "max, exp, sum, scale, float, Math.exp per element",
                    "lane-exp", "+ vector passes; exp still Math.exp, lane by lane",
                    "lanewise-exp", "exp as lanewise(VectorOperators.EXP): one SVML call per vector",
                    "library", "exp as the library's polynomial VMath.exp (rel. error < 4e-7, 8.4e-8 measured): FMAs, no calls"),
            "GeluLadderBench", rungs(
                    "scalar-erf", "exact GELU, float, erf by Abramowitz-Stegun (one Math.exp per element)",
                    "library-erf", "the library's vector GELU: erf as a rational polynomial, no calls",
                    "library-tanh", "the tanh form (gelu_new, within 4.7e-4 of exact): tanh from the polynomial exp"));
    private static final List<String> ROW_ORDER = List.of("LayerNormLadderBench", "SoftmaxLadderBench", "GeluLadderBench");

    private final List<Result> results;
    private final String machine;
    private final String date;
    private final double peak;
    private final StringBuilder md = new StringBuilder();

    LadderReport(List<Result> results, String machine, String date, double peak) {
        this.results = results;
        this.machine = machine;
        this.date = date;
        this.peak = peak;
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path json = Path.of("results/ladder.json");
        Path out = null;
        String machine = null, date = null;
        double peak = Report.DEFAULT_PEAK_PER_CORE;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: LadderReport [results/ladder.json] [--out DIR] [--machine TEXT] [--date TEXT] [--peak GFLOPS_PER_CORE]");
                return;
            }
            if (!a.startsWith("--")) {
                json = Path.of(a);
                continue;
            }
            if (++i >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            switch (a) {
                case "--out" -> out = Path.of(args[i]);
                case "--machine" -> machine = args[i];
                case "--date" -> date = args[i];
                case "--peak" -> peak = Double.parseDouble(args[i]);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        out = out != null ? out : json.toAbsolutePath().getParent();
        machine = machine != null ? machine : Report.detectMachine();
        date = date != null ? date
                : LocalDate.ofInstant(Files.getLastModifiedTime(json).toInstant(), ZoneId.systemDefault()).toString();
        Files.createDirectories(out);
        LadderReport r = new LadderReport(Report.read(json), machine, date, peak);
        String text = r.markdown();
        Files.writeString(out.resolve("ladder.md"), text);
        System.out.print(text);
        System.out.println();
        System.out.println("wrote " + out.resolve("ladder.md"));
        for (Path p : r.charts(out)) {
            System.out.println("wrote " + p);
        }
    }

    private static Map<String, String> rungs(String... nameThenWhat) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenWhat.length; i += 2) {
            m.put(nameThenWhat[i], nameThenWhat[i + 1]);
        }
        return m;
    }

    private List<Result> of(String clazz) {
        return results.stream().filter(r -> r.clazz().equals(clazz)).toList();
    }

    private static Result find(List<Result> rs, String param, String value) {
        return rs.stream().filter(r -> r.param(param).equals(value)).findFirst().orElse(null);
    }

    private static Result find(List<Result> rs, String param1, String value1, String param2, String value2) {
        return rs.stream().filter(r -> r.param(param1).equals(value1) && r.param(param2).equals(value2)).findFirst().orElse(null);
    }

    private static double gflops(String shape, Result r) {
        int[] s = GemmBench.parseShape(shape);
        return 2.0 * s[0] * s[1] * s[2] / r.seconds() / 1e9;
    }

    private static double us(Result r) {
        return r.seconds() * 1e6;
    }

    private static String fmt(double v, int decimals) {
        return Report.fmt(v, decimals);
    }

    /** "v ± e" for a score in µs. */
    private static String usErr(Result r) {
        return Report.fmtErr(us(r), r.errorSeconds() * 1e6, us(r) >= 100 ? 0 : 1);
    }

    private static String bytes(Result r) {
        return Double.isNaN(r.allocBytesPerOp()) ? "n/a" : fmt(r.allocBytesPerOp(), 0);
    }

    /** "2.3x slower" / "1.4x faster": time {@code t} against {@code base} ("baseline" for itself). */
    private static String versus(double t, double base) {
        return t == base ? "baseline" : t > base ? fmt(t / base, 2) + "x slower" : fmt(base / t, 2) + "x faster";
    }

    /** The GEMM rung's thread count: the team size for the threads rung, one otherwise. */
    private static int threads(Result r) {
        return r.param("rung").equals("threads") ? Integer.parseInt(r.param("threads")) : 1;
    }

    // ---------------------------------------------------------------- markdown

    String markdown() {
        md.append("# vectorvit optimization ladders\n\n");
        md.append("Machine: ").append(machine).append(". Date: ").append(date).append('.');
        if (!results.isEmpty()) {
            Map<String, Object> j = results.getFirst().json();
            md.append(" JDK: ").append(j.get("jdkVersion")).append(", ").append(j.get("vmName")).append(' ')
                    .append(j.get("vmVersion")).append('.');
        }
        md.append("\n\nEach rung adds one technique to the rung before it; the code is in "
                + "`jmh/src/main/java/dev/vectorvit/jmh/ladder/`, one small class per rung with a comment saying why "
                + "it helps. Every rung was checked against the double-precision scalar reference before it was timed. "
                + "Scores are JMH averages, ± JMH's 99.9% half-width where there were enough iterations; B/op is "
                + "`-prof gc`'s allocation per call (a few hundred bytes on calls that take milliseconds is JMH's own "
                + "per-iteration bookkeeping shared by few calls; vectors boxed on the heap show as kilobytes to "
                + "megabytes). One run on a shared machine: compare numbers within it, not across runs.\n\n");
        settings();
        gemm();
        rowLadders();
        md.append("## Experiments that lost\n\n");
        accumulators();
        tails();
        memory();
        width();
        return md.toString();
    }

    private void settings() {
        Map<String, String> lines = new LinkedHashMap<>();
        for (Result r : results) {
            Map<String, Object> j = r.json();
            lines.putIfAbsent(r.clazz(), String.format(Locale.ROOT, "- %s: %s fork(s), warm-up %s x %s, measurement %s x %s",
                    r.clazz(), j.get("forks"), j.get("warmupIterations"), j.get("warmupTime"),
                    j.get("measurementIterations"), j.get("measurementTime")));
        }
        if (!lines.isEmpty()) {
            md.append("Settings:\n");
            lines.values().forEach(l -> md.append(l).append('\n'));
            md.append('\n');
        }
    }

    private List<String> gemmShapes() {
        Set<String> shapes = new LinkedHashSet<>();
        of("GemmLadderBench").forEach(r -> shapes.add(r.param("shape")));
        return List.copyOf(shapes);
    }

    private List<String> presentRungs(String clazz, Map<String, String> ladder) {
        List<Result> rs = of(clazz);
        return ladder.keySet().stream().filter(k -> find(rs, "rung", k) != null).toList();
    }

    private void gemm() {
        List<Result> rs = of("GemmLadderBench");
        if (rs.isEmpty()) {
            return;
        }
        List<String> shapes = gemmShapes();
        md.append("## GEMM ladder: C = A B, FP32\n\n");
        md.append("Shapes are M x K x N: A [M x K], B [K x N] row-major (197x768x768 is a ViT-B/16 attention "
                + "projection of one image, 197x768x3072 MLP fc1, 197x3072x768 fc2). GFLOPS = 2 M N K / time; "
                + "in parentheses the % of the FMA peak, " + fmt(peak, 0) + " GFLOPS per core (" + Report.PEAK_SOURCE
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
        for (String rung : presentRungs("GemmLadderBench", GEMM)) {
            md.append("| ").append(++n).append(' ').append(rung).append(" | ").append(GEMM.get(rung)).append(" |");
            double logRatio = 0, alloc = Double.NaN;
            int ratios = 0;
            for (String s : shapes) {
                Result r = find(rs, "rung", rung, "shape", s);
                if (r == null) {
                    md.append(" |");
                    continue;
                }
                double g = gflops(s, r);
                md.append(' ').append(fmt(g, g < 10 ? 1 : 0)).append(" (").append(fmt(100 * g / (peak * threads(r)), 0)).append("%) |");
                Result p = previous == null ? null : find(rs, "rung", previous, "shape", s);
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
        threadsNote(rs);
    }

    /** Says so when the multi-threaded rung lost to one thread: the other core was not free. */
    private void threadsNote(List<Result> rs) {
        for (String s : gemmShapes()) {
            Result one = find(rs, "rung", "library", "shape", s), team = find(rs, "rung", "threads", "shape", s);
            if (one != null && team != null && team.seconds() >= one.seconds()) {
                md.append("Rung 7 was not faster than rung 6 on " + s + " (and perhaps others): threads only help when "
                        + "the other cores are free, and this machine was shared with other work during the run. Only a "
                        + "quiet machine shows what threads add.\n\n");
                return;
            }
        }
    }

    private void rowLadders() {
        if (ROW_ORDER.stream().allMatch(c -> of(c).isEmpty())) {
            return;
        }
        md.append("## Row-kernel ladders, one thread\n\n");
        md.append("GB/s counts the row data read and written once, 2 x rows x cols x 4 bytes per call, as in jmh.md "
                + "(LayerNorm's gamma and beta and the passes over a row in L1 are not counted). \"x first\" is the "
                + "speed-up over the ladder's first (scalar) rung on the same shape.\n\n");
        md.append("| kernel | rows x cols | rung | what it changes | µs | GB/s | x first | B/op |\n");
        md.append("|---|---|---|---|---:|---:|---:|---:|\n");
        for (String clazz : ROW_ORDER) {
            Map<String, String> ladder = ROWS.get(clazz);
            List<Result> rs = of(clazz);
            for (String shape : rowShapes(rs)) {
                Result first = null;
                for (String rung : ladder.keySet()) {
                    Result r = find(rs, "rung", rung, "shape", shape);
                    if (r == null) {
                        continue;
                    }
                    first = first == null ? r : first;
                    md.append("| ").append(kernelName(clazz)).append(" | ").append(shape.replace("x", " x ")).append(" | ")
                            .append(rung).append(" | ").append(ladder.get(rung)).append(" | ").append(usErr(r)).append(" | ")
                            .append(fmt(rowBytes(shape) / r.seconds() / 1e9, 1)).append(" | ")
                            .append(fmt(first.seconds() / r.seconds(), 1)).append("x | ").append(bytes(r)).append(" |\n");
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
        softmaxNote();
    }

    /** Compares the two fast exponentials of the softmax ladder, which one wins depends on the platform. */
    private void softmaxNote() {
        List<Result> rs = of("SoftmaxLadderBench");
        for (String shape : rowShapes(rs)) {
            Result svml = find(rs, "rung", "lanewise-exp", "shape", shape), poly = find(rs, "rung", "library", "shape", shape);
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

    private static List<String> rowShapes(List<Result> rs) {
        Set<String> shapes = new LinkedHashSet<>();
        rs.forEach(r -> shapes.add(r.param("shape")));
        return List.copyOf(shapes);
    }

    private static String kernelName(String clazz) {
        return clazz.replace("LadderBench", "");
    }

    private static double rowBytes(String shape) {
        int[] rc = Report.rowsCols(shape);
        return 2.0 * rc[0] * rc[1] * Float.BYTES;
    }

    private void accumulators() {
        List<Result> rs = of("TooManyAccumulatorsBench");
        Result two = find(rs, "tile", "6x2"), three = find(rs, "tile", "6x3");
        if (two == null || three == null) {
            return;
        }
        String shape = TooManyAccumulatorsBench.SHAPE;
        double g2 = gflops(shape, two), g3 = gflops(shape, three);
        md.append("### (a) Too many live accumulators: a 6 x 3 register tile\n\n");
        md.append("| tile | accumulators | GFLOPS (" + shape + ", packed once) | % of peak | B/op |\n|---|---:|---:|---:|---:|\n");
        md.append("| 6 x 2 vectors (the ladder's) | 12 | ").append(fmt(g2, 0)).append(" | ").append(fmt(100 * g2 / peak, 0))
                .append("% | ").append(bytes(two)).append(" |\n");
        md.append("| 6 x 3 vectors | 18 | ").append(fmt(g3, 0)).append(" | ").append(fmt(100 * g3 / peak, 0))
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

    private void tails() {
        List<Result> rs = of("TailBench");
        if (rs.isEmpty()) {
            return;
        }
        Result padded = find(rs, "tail", "padded");
        md.append("### (b) Masked tails against padded rows\n\n");
        md.append("y = 0.5 x + 0.25 on 197 rows of 197 floats (12 vectors of 16 + 5 per row).\n\n");
        md.append("| variant | µs | against padded | B/op |\n|---|---:|---:|---:|\n");
        Result slowest = null;
        for (Result r : rs) {
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

    private void memory() {
        List<Result> rs = of("MemoryAccessBench");
        Result nat = find(rs, "memory", "native-segment");
        if (rs.isEmpty() || nat == null) {
            return;
        }
        String shape = MemoryAccessBench.SHAPE;
        md.append("### (c) Heap-backed against native segments, and (e) fromArray against fromMemorySegment\n\n");
        md.append("Rung 2's GEMM loop (" + shape + ": two vector loads and a store per FMA, all in L1) over four kinds "
                + "of memory, each in its own JVM.\n\n");
        md.append("| memory | µs | GFLOPS | against native-segment | B/op |\n|---|---:|---:|---:|---:|\n");
        for (Result r : rs) {
            md.append("| ").append(r.param("memory")).append(" | ").append(usErr(r)).append(" | ")
                    .append(fmt(gflops(shape, r), 1)).append(" | ").append(versus(r.seconds(), nat.seconds())).append(" | ")
                    .append(bytes(r)).append(" |\n");
        }
        Result una = find(rs, "memory", "native-unaligned"), heap = find(rs, "memory", "heap-segment"), arr = find(rs, "memory", "array");
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

    private void width() {
        List<Result> wide = of("WidthPreferredBench"), narrow = of("Width256Bench");
        if (wide.isEmpty() || narrow.isEmpty()) {
            return;
        }
        md.append("### (d) 256-bit against 512-bit vectors\n\n");
        md.append("The library's kernels at the preferred width (512-bit here) and with -Dvectorvit.vectorBits=256, each "
                + "in its own JVM. GEMM: " + VectorWidthBench.GEMM_SHAPE + ", one thread.\n\n");
        md.append("| kernel | preferred µs | 256-bit µs | 256-bit against preferred |\n|---|---:|---:|---:|\n");
        for (Result w : wide) {
            Result n = narrow.stream().filter(r -> r.method().equals(w.method())).findFirst().orElse(null);
            if (n == null) {
                continue;
            }
            String name = w.method().equals("gemm") ? "gemm (" + fmt(gflops(VectorWidthBench.GEMM_SHAPE, w), 0) + " vs "
                    + fmt(gflops(VectorWidthBench.GEMM_SHAPE, n), 0) + " GFLOPS)" : w.method();
            md.append("| ").append(name).append(" | ").append(usErr(w)).append(" | ").append(usErr(n)).append(" | ")
                    .append(versus(n.seconds(), w.seconds())).append(" |\n");
        }
        md.append("\nZen 5 executes 512-bit FMAs at full width: its measured FP32 peak is 263-273 GFLOPS per core "
                + "with 512-bit vectors and 134 with 256-bit ones. So the compute-bound GEMM loses up to half its speed "
                + "at 256 bits, while row kernels, which spend their time on loads, stores, reductions and per-row "
                + "work, lose less. On CPUs that split 512-bit operations or lower their clock for them the answer can "
                + "differ: the property exists to measure it.\n\n");
    }

    // ---------------------------------------------------------------- charts

    List<Path> charts(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!of("GemmLadderBench").isEmpty()) {
            out.add(gemmChart(dir.resolve("gemm-ladder.png")));
        }
        if (ROW_ORDER.stream().anyMatch(c -> !of(c).isEmpty())) {
            out.add(rowChart(dir.resolve("row-ladders.png")));
        }
        List<CategoryChart> experiments = experimentCharts();
        if (!experiments.isEmpty()) {
            out.add(grid(dir.resolve("experiments.png"), "Experiments that lost", experiments, 2));
        }
        return out;
    }

    private Path gemmChart(Path file) throws IOException {
        List<Result> rs = of("GemmLadderBench");
        List<String> rungs = presentRungs("GemmLadderBench", GEMM);
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < rungs.size(); i++) {
            Result any = find(rs, "rung", rungs.get(i));
            labels.add((i + 1) + " " + rungs.get(i) + (threads(any) > 1 ? " (" + threads(any) + ")" : ""));
        }
        CategoryChart c = Report.chart(1300, 680, "GEMM optimization ladder, FP32, " + machine + ", " + date,
                "rung (each adds one technique)", "GFLOPS (higher is better)");
        c.getStyler().setDecimalPattern("#");
        int maxThreads = 1;
        double top = 0;
        for (String shape : gemmShapes()) {
            double[] y = new double[rungs.size()], e = new double[rungs.size()];
            for (int i = 0; i < rungs.size(); i++) {
                Result r = find(rs, "rung", rungs.get(i), "shape", shape);
                y[i] = r == null ? Double.NaN : gflops(shape, r);
                e[i] = r == null || !Double.isFinite(r.errorSeconds()) ? Double.NaN : y[i] * r.errorSeconds() / r.seconds();
                if (r != null) {
                    maxThreads = Math.max(maxThreads, threads(r));
                    top = Math.max(top, y[i]);
                }
            }
            Report.addBars(c, shape, labels, y, e);
        }
        List<String> peaks = new ArrayList<>();
        for (int t : maxThreads == 1 ? List.of(1) : List.of(1, maxThreads)) {
            c.addAnnotation(new AnnotationLine(peak * t, false, false));
            peaks.add(fmt(peak * t, 0) + " (" + t + (t == 1 ? " core)" : " cores)"));
        }
        c.getStyler().setYAxisMax(Math.ceil(Math.max(top, peak * maxThreads) * 1.08 / 50) * 50);
        c.getStyler().setAnnotationLineColor(Color.GRAY);
        c.getStyler().setAnnotationLineStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                new float[] {6, 4}, 0));
        c.setXAxisTitle("rung (each adds one technique; 6 and 7 are the library's Gemm)        dashed: FMA peak, "
                + String.join(" and ", peaks) + " GFLOPS");
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private Path rowChart(Path file) throws IOException {
        List<CategoryChart> panels = new ArrayList<>();
        for (String clazz : ROW_ORDER) {
            List<Result> rs = of(clazz);
            for (String shape : rowShapes(rs)) {
                List<String> labels = new ArrayList<>();
                List<Double> speedup = new ArrayList<>();
                Result first = null;
                for (String rung : ROWS.get(clazz).keySet()) {
                    Result r = find(rs, "rung", rung, "shape", shape);
                    if (r != null) {
                        first = first == null ? r : first;
                        labels.add(rung);
                        speedup.add(first.seconds() / r.seconds());
                    }
                }
                CategoryChart c = Report.chart(640, 420, kernelName(clazz) + " " + shape.replace("x", " x "), "",
                        "speed-up over the first rung (x)");
                c.getStyler().setDecimalPattern("#.#");
                c.getStyler().setLegendVisible(false);
                c.addSeries("speed-up", labels, speedup);
                panels.add(c);
            }
        }
        return grid(file, "Row-kernel ladders, one thread", panels, 2);
    }

    private List<CategoryChart> experimentCharts() {
        List<CategoryChart> panels = new ArrayList<>();
        List<Result> acc = of("TooManyAccumulatorsBench");
        if (!acc.isEmpty()) {
            panels.add(bars("(a) register tile, GFLOPS (higher is better)", "GFLOPS", acc, "tile",
                    r -> gflops(TooManyAccumulatorsBench.SHAPE, r)));
        }
        List<Result> tails = of("TailBench");
        if (!tails.isEmpty()) {
            panels.add(bars("(b) row tails, µs per 197 x 197 (lower is better)", "µs", tails, "tail", LadderReport::us));
        }
        List<Result> mem = of("MemoryAccessBench");
        if (!mem.isEmpty()) {
            panels.add(bars("(c, e) rung 2 GEMM by memory, GFLOPS (higher is better)", "GFLOPS", mem, "memory",
                    r -> gflops(MemoryAccessBench.SHAPE, r)));
        }
        List<Result> wide = of("WidthPreferredBench"), narrow = of("Width256Bench");
        if (!wide.isEmpty() && !narrow.isEmpty()) {
            CategoryChart c = Report.chart(640, 420, "(d) vector width, speed relative to preferred (higher is better)", "",
                    "relative speed");
            c.getStyler().setDecimalPattern("#.##");
            List<String> kernels = wide.stream().map(Result::method).toList();
            List<Double> one = new ArrayList<>(), rel = new ArrayList<>();
            for (Result w : wide) {
                Result n = narrow.stream().filter(r -> r.method().equals(w.method())).findFirst().orElse(null);
                one.add(1.0);
                rel.add(n == null ? 0 : w.seconds() / n.seconds());
            }
            c.addSeries("preferred (512-bit here)", kernels, one);
            c.addSeries("256-bit", kernels, rel);
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
            panels.add(c);
        }
        return panels;
    }

    private static CategoryChart bars(String title, String y, List<Result> rs, String param,
                                      java.util.function.ToDoubleFunction<Result> value) {
        CategoryChart c = Report.chart(640, 420, title, "", y);
        c.getStyler().setDecimalPattern("#.#");
        c.getStyler().setLegendVisible(false);
        c.addSeries(title, rs.stream().map(r -> r.param(param)).toList(), rs.stream().map(value::applyAsDouble).toList());
        return c;
    }

    /** Panels in a grid of {@code cols} columns under a title and the machine line. */
    private Path grid(Path file, String title, List<CategoryChart> panels, int cols) throws IOException {
        List<BufferedImage> images = new ArrayList<>();
        for (CategoryChart c : panels) {
            images.add(BitmapEncoder.getBufferedImage(c));
        }
        int w = images.stream().mapToInt(BufferedImage::getWidth).max().orElse(0);
        int h = images.stream().mapToInt(BufferedImage::getHeight).max().orElse(0);
        int rows = (images.size() + cols - 1) / cols, header = 56;
        BufferedImage img = new BufferedImage(w * Math.min(cols, images.size()), header + h * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, (img.getWidth() - g.getFontMetrics().stringWidth(title)) / 2, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        String sub = machine + ", " + date;
        g.drawString(sub, (img.getWidth() - g.getFontMetrics().stringWidth(sub)) / 2, 46);
        for (int i = 0; i < images.size(); i++) {
            g.drawImage(images.get(i), (i % cols) * w, header + (i / cols) * h, null);
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
        return file;
    }
}
