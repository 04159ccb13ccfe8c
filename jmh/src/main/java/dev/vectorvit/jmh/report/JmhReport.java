package dev.vectorvit.jmh.report;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * jmh/run.sh's report: GemmBench, GemmPeersBench, RowKernelsBench and ForwardBench into jmh.md and
 * gemm-gflops.png, gemm-peers.png, row-kernels.png, vit-forward.png; benchmarks missing from the file are
 * left out.
 */
@Command(name = "jmh", mixinStandardHelpOptions = true, description = "jmh.md and the kernel and forward-pass charts")
final class JmhReport implements Callable<Integer> {
    @Parameters(paramLabel = "JSON", defaultValue = "results/jmh.json", description = "JMH's result file")
    Path json;

    @Mixin
    ReportOptions options;

    @Override
    public Integer call() throws Exception {
        Run run = options.run(JmhResult.read(json), json);
        Section[] sections = {new GemmSection(run), new GemmPeersSection(run, Map.of()), new RowKernelsSection(run),
            new ForwardSection(run)};
        StringBuilder md = new StringBuilder("# vectorvit JMH results\n\n");
        run.machineLine(md);
        md.append("\n\nScores are JMH averages; ± is JMH's 99.9% confidence half-width (absent with fewer than "
                + "3 iterations). One run on a shared machine: compare numbers within it, not across runs.\n\n");
        run.settings(md, true);
        for (Section s : sections) {
            s.markdown(md);
        }
        options.write(json, "jmh.md", md.toString(), sections);
        return 0;
    }
}
