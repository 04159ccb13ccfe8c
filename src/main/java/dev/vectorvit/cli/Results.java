package dev.vectorvit.cli;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/** Where a folder run's records go, in the order of the files; called on one thread. */
interface Results extends Closeable {
    /** The output row of an image: logits or an embedding. */
    void image(Path path, float[] row) throws IOException;

    /** An image that could not be read, decoded or preprocessed. */
    void error(Path path, String reason) throws IOException;

    /** The end of a batch: what was written so far is a valid output if the run stops here. */
    void flush() throws IOException;
}
