package dev.vectorvit.io;

import java.io.IOException;

/**
 * A file that cannot be used as it is: malformed, truncated, of the wrong type or shape, or in
 * disagreement with another file of the model. The message names the file and the problem on one line:
 * line breaks and other control characters that it quotes from the file are escapes ({@code \n},
 * {@code \u0000}). This is the one exception the readers of this package throw for bad content (plain
 * {@link IOException}s remain for the file system's own failures).
 */
public final class FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
        super(oneLine(message));
    }

    public FormatException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** {@code message} with C0 and C1 control characters and Unicode line separators escaped. */
    static String oneLine(String message) {
        if (message == null || message.chars().noneMatch(FormatException::isControl)) {
            return message;
        }
        StringBuilder sb = new StringBuilder(message.length() + 16);
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (isControl(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static boolean isControl(int c) {
        return c < 0x20 || (c >= 0x7F && c < 0xA0) || c == '\u2028' || c == '\u2029';
    }
}
