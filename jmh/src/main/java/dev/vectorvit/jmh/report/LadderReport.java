package dev.vectorvit.jmh.report;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * jmh/ladder.sh's report (package {@code dev.vectorvit.jmh.ladder}): each rung's speed and what it adds,
 * the experiments that lost with their numbers and the reason, into ladder.md and gemm-ladder.png,
 * row-ladders.png, experiments.png.
 */
@Command(name = "ladder", mixinStandardHelpOptions = true, description = "ladder.md and the ladder and experiment charts")
final class LadderReport implements Callable<Integer> {
    @Parameters(paramLabel = "JSON", defaultValue = "results/ladder.json", description = "JMH's result file")
    Path json;

    @Mixin
    ReportOptions options;

    @Override
    public Integer call() throws Exception {
        Run run = options.run(JmhResult.read(json), json);
        Section[] sections = {new GemmLadderSection(run), new RowLaddersSection(run), new ExperimentsSection(run)};
        StringBuilder md = new StringBuilder("# vectorvit optimization ladders\n\n");
        run.machineLine(md);
        md.append("\n\nEach rung adds one technique to the rung before it; the code is in "
                + "`jmh/src/main/java/dev/vectorvit/jmh/ladder/`, one small class per rung with a comment saying why "
                + "it helps. Every rung was checked against the double-precision scalar reference before it was timed. "
                + "Scores are JMH averages, ± JMH's 99.9% half-width where there were enough iterations; B/op is "
                + "`-prof gc`'s allocation per call (a few hundred bytes on calls that take milliseconds is JMH's own "
                + "per-iteration bookkeeping shared by few calls; vectors boxed on the heap show as kilobytes to "
                + "megabytes). One run on a shared machine: compare numbers within it, not across runs.\n\n");
        run.settings(md, false);
        for (Section s : sections) {
            s.markdown(md);
        }
        options.write(json, "ladder.md", md.toString(), sections);
        return 0;
    }
}
