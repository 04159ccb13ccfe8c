package dev.vectorvit.jmh.report;

import picocli.CommandLine.Command;

/**
 * jmh/ladder.sh's report (package {@code dev.vectorvit.jmh.ladder}): each rung's speed and what it adds,
 * the experiments that lost with their numbers and the reason, into ladder.md and gemm-ladder.png,
 * row-ladders.png, experiments.png.
 */
@Command(name = "ladder", mixinStandardHelpOptions = true, description = "ladder.md and the ladder and experiment charts")
final class LadderReport extends JmhFileReport {

    @Override
    String fileName() {
        return "ladder.md";
    }

    @Override
    void introduction(StringBuilder md, Run run) {
        md.append("# vectorvit optimization ladders\n\n");
        run.machineLine(md);
        md.append("\n\nEach rung adds one technique to the rung before it; the code is in "
                + "`jmh/src/main/java/dev/vectorvit/jmh/ladder/`, one small class per rung with a comment saying why "
                + "it helps. Every rung was checked against the double-precision scalar reference before it was timed. "
                + "Scores are JMH averages, ± JMH's 99.9% half-width where there were enough iterations; B/op is "
                + "`-prof gc`'s allocation per call (a few hundred bytes on calls that take milliseconds is JMH's own "
                + "per-iteration bookkeeping shared by few calls; vectors boxed on the heap show as kilobytes to "
                + "megabytes). One run on a shared machine: compare numbers within it, not across runs.\n\n");
        run.settings(md, false);
    }

    @Override
    Section[] sections(Run run) {
        return new Section[] {new GemmLadderSection(run), new RowLaddersSection(run), new ExperimentsSection(run)};
    }
}
