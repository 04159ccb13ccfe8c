package dev.vectorvit.io;

import java.io.IOException;

/**
 * A file that cannot be used as it is: malformed, truncated, of the wrong type or shape, or in
 * disagreement with another file of the model. The message names the file and the problem. This is
 * the one exception the readers of this package throw for bad content (plain {@link IOException}s
 * remain for the file system's own failures).
 */
public final class FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
