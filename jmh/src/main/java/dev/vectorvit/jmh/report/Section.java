package dev.vectorvit.jmh.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** One benchmark family's part of a report: its markdown and its charts, nothing when it did not run. */
interface Section {
    void markdown(StringBuilder md);

    /** The charts written into {@code dir}. */
    List<Path> charts(Path dir) throws IOException;
}
