package dev.vectorvit.jmh.report;

import java.util.Map;
import picocli.CommandLine.Command;

/**
 * jmh/run.sh's report: GemmBench, GemmPeersBench, RowKernelsBench, ForwardBench and LoadBench into jmh.md and
 * gemm-gflops.png, gemm-peers.png, row-kernels.png, vit-forward.png; benchmarks missing from the file are
 * left out.
 */
@Command(name = "jmh", mixinStandardHelpOptions = true, description = "jmh.md and the kernel and forward-pass charts")
final class JmhReport extends JmhFileReport {

    @Override
    String fileName() {
        return "jmh.md";
    }

    @Override
    void introduction(StringBuilder md, Run run) {
        md.append("# vectorvit JMH results\n\n");
        run.machineLine(md);
        md.append("\n\nScores are JMH averages; ± is JMH's 99.9% confidence half-width (absent with fewer than "
                + "3 iterations). One run on a shared machine: compare numbers within it, not across runs.\n\n");
        run.settings(md, true);
    }

    @Override
    Section[] sections(Run run) {
        return new Section[] {new GemmSection(run), new GemmPeersSection(run, Map.of()), new RowKernelsSection(run),
            new ForwardSection(run), new LoadSection(run)};
    }
}
