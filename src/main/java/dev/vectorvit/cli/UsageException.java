package dev.vectorvit.cli;

/** A command line {@code vit} cannot run: exit code 2, the message and a pointer to the command's help. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message, null, false, false);
    }
}
