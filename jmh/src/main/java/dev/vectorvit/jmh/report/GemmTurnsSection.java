package dev.vectorvit.jmh.report;

import static dev.vectorvit.jmh.report.Text.fmt;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * GemmPeersTurns: vectorvit against OpenBLAS on the 197-row shapes, the two taking turns in one JVM. Per
 * shape the median GFLOPS of each over the rounds and the median (min-max) of the per-round ratio.
 *
 * @param turns  the JSON GemmPeersTurns wrote ({"threads", "rounds", "round_ms", "warmup_ms", "shapes": [{"shape",
 *               "vectorvit": [GFLOPS per round], "openblas": [...]}]})
 * @param source the file it came from, for errors
 */
record GemmTurnsSection(Map<String, Object> turns, String source) implements Section {

    @Override
    public void markdown(StringBuilder md) {
        try {
            long threads = Json.integer(turns.get("threads"), "threads", source);
            long rounds = Json.integer(turns.get("rounds"), "rounds", source);
            long roundMs = Json.integer(turns.get("round_ms"), "round_ms", source);
            long warmupMs = Json.integer(turns.get("warmup_ms"), "warmup_ms", source);
            md.append("## GEMM taking turns: vectorvit and OpenBLAS in one JVM, ").append(Text.threads((int) threads))
                    .append("\n\n");
            md.append("`GemmPeersTurns`: the same products and operands as above, the two implementations taking turns "
                    + "round by round in one JVM (the order swapped every round), so that a slow phase of the host "
                    + "falls on both sides of a round's ratio; ").append(rounds).append(" rounds of ").append(roundMs)
                    .append(" ms of products each, after ").append(fmt(warmupMs / 1000.0, 1))
                    .append(" s of untimed products per implementation. A round's figure "
                    + "is the median of its products' times. GFLOPS: median over the rounds; the ratio: median "
                    + "(min-max) of the per-round ratios.\n\n");
            md.append("| shape M x K x N | in ViT-B/16 | vectorvit | OpenBLAS | vectorvit ÷ OpenBLAS | rounds vectorvit "
                    + "faster |\n|---|---|---:|---:|---:|---:|\n");
            for (Object o : Json.array(turns.get("shapes"), "shapes", source)) {
                Map<String, Object> s = Json.object(o, "a shape's turns", source);
                String shape = Json.string(s.get("shape"), "shape", source);
                List<Double> v = numbers(s.get("vectorvit")), b = numbers(s.get("openblas"));
                if (v.size() != b.size() || v.isEmpty()) {
                    throw new FormatException(source + ": " + shape + " has " + v.size() + " vectorvit rounds and "
                            + b.size() + " OpenBLAS rounds");
                }
                List<Double> ratio = new ArrayList<>();
                for (int r = 0; r < v.size(); r++) {
                    ratio.add(v.get(r) / b.get(r));
                }
                long faster = ratio.stream().filter(x -> x > 1).count();
                md.append("| ").append(shape).append(" | ").append(GemmShapes.role(shape)).append(" | ")
                        .append(fmt(PeersData.median(v), 1)).append(" | ").append(fmt(PeersData.median(b), 1))
                        .append(" | ").append(fmt(PeersData.median(ratio), 2)).append("x (")
                        .append(fmt(Collections.min(ratio), 2)).append("-").append(fmt(Collections.max(ratio), 2))
                        .append(") | ").append(faster).append(" of ").append(v.size()).append(" |\n");
            }
            md.append("\nGFLOPS = 2 M N K / time; ratios above 1 mean vectorvit is faster.\n\n");
        } catch (FormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private List<Double> numbers(Object array) throws FormatException {
        List<Double> d = new ArrayList<>();
        for (Object x : Json.array(array, "GFLOPS per round", source)) {
            d.add(Json.number(x, "GFLOPS", source));
        }
        return d;
    }

    @Override
    public List<Path> charts(Path dir) {
        return List.of();
    }
}
