package dev.vectorvit.jmh.report;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** A report of one JMH result file: its introduction, then its sections' markdown and charts. */
abstract class JmhFileReport implements Callable<Integer> {
    @Parameters(paramLabel = "JSON", description = "JMH's result file (-rf json)")
    Path json;

    @Mixin
    ReportOptions options;

    /** The markdown file's name. */
    abstract String fileName();

    /** The title and what the tables have in common. */
    abstract void introduction(StringBuilder md, Run run);

    abstract Section[] sections(Run run);

    @Override
    public final Integer call() throws Exception {
        Run run = options.run(JmhResult.read(json), json);
        Section[] sections = sections(run);
        StringBuilder md = new StringBuilder();
        introduction(md, run);
        for (Section s : sections) {
            s.markdown(md);
        }
        options.write(json, fileName(), md.toString(), sections);
        return 0;
    }
}
