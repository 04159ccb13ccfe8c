package dev.vectorvit.jmh.report;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Markdown tables and PNG charts from benchmark results: {@code jmh} (jmh/run.sh), {@code ladder}
 * (jmh/ladder.sh), {@code peers} (jmh/peers/run.sh).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar dev.vectorvit.jmh.report.ReportCommand \
 *      jmh|ladder|peers [options]        (report COMMAND --help lists them)
 * </pre>
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        subcommands = {JmhReport.class, LadderReport.class, PeersReport.class},
        description = "Markdown tables and PNG charts from vectorvit's benchmark results.")
public final class ReportCommand implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new ReportCommand()).execute(args));
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a report: jmh, ladder or peers");
    }
}
