package dev.vectorvit.jmh.report;

import static dev.vectorvit.jmh.report.Text.fmtErr;

import java.nio.file.Path;
import java.util.List;

/** LoadBench: a model folder loaded again in a warm JVM, per model and thread count. */
record LoadSection(Run run) implements Section {

    @Override
    public void markdown(StringBuilder md) {
        List<JmhResult> rs = run.of("LoadBench");
        if (rs.isEmpty()) {
            return;
        }
        md.append("## Loading a model folder again (file in the page cache, warm JVM)\n\n");
        md.append("`ViTModel.load` and `close` per call: the file mapped, every weight packed into new memory, freed.\n\n");
        md.append("| model | threads | ms per load |\n|---|---:|---:|\n");
        for (JmhResult r : rs) {
            md.append("| ").append(r.param("model")).append(" | ").append(r.param("threads")).append(" | ")
                    .append(fmtErr(r.seconds() * 1e3, r.errorSeconds() * 1e3, 1)).append(" |\n");
        }
        md.append('\n');
    }

    @Override
    public List<Path> charts(Path dir) {
        return List.of();
    }
}
