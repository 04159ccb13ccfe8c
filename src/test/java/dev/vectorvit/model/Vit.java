package dev.vectorvit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vectorvit.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;

/** The vit command line run in-process. */
final class Vit {
    private Vit() {}

    /** Runs {@code vit args}, checks that it exits with {@code code} and returns what it wrote to stderr. */
    static String exits(int code, String... args) {
        return run(code, args)[1];
    }

    /** Runs {@code vit args}, checks that it exits with {@code code} and returns what it wrote to stdout. */
    static String prints(int code, String... args) {
        return run(code, args)[0];
    }

    /** What {@code vit args} wrote to stdout and stderr, once it exited with {@code code}. */
    private static String[] run(int code, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int got = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        assertEquals(code, got, err::toString);
        return new String[] {out.toString(), err.toString()};
    }
}
