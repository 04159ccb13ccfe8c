package dev.vectorvit.jmh.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options every report takes: where to write, and what machine, date and FMA peak to state. */
final class ReportOptions {
    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: the input file's)")
    Path out;

    @Option(names = "--machine", paramLabel = "TEXT", description = "the machine (default: /proc/cpuinfo's model and CPU count)")
    String machine;

    @Option(names = "--date", paramLabel = "TEXT", description = "the date (default: the input file's modification date)")
    String date;

    @Option(names = "--peak", paramLabel = "GFLOPS", description = "FP32 FMA peak of one core (default: measured now, on this machine)")
    Double peak;

    @Option(names = "--peak-source", paramLabel = "TEXT", description = "where --peak comes from, as the tables say it")
    String peakSource;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The run of {@code results}, read from {@code input}, with this command line's machine, date and peak. */
    Run run(List<JmhResult> results, Path input) throws IOException {
        String d = date != null ? date
                : LocalDate.ofInstant(Files.getLastModifiedTime(input).toInstant(), ZoneId.systemDefault()).toString();
        return new Run(results, machine != null ? machine : Machine.detect(), d, peak());
    }

    private Peak peak() {
        if (peak != null) {
            return Peak.given(peak, peakSource);
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new ParameterException(command.commandLine(),
                    "measuring the FMA peak needs --add-modules jdk.incubator.vector; or give --peak");
        }
        return FmaPeak.measure();
    }

    /** Writes {@code name} (also printed) into the output folder, then names it and the charts. */
    void write(Path input, String name, String markdown, Section... sections) throws IOException {
        Path dir = out != null ? out : input.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name), markdown);
        System.out.print(markdown);
        System.out.println();
        System.out.println("wrote " + dir.resolve(name));
        for (Section s : sections) {
            for (Path p : s.charts(dir)) {
                System.out.println("wrote " + p);
            }
        }
    }
}
