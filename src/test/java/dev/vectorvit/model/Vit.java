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
        StringWriter err = new StringWriter();
        int got = Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(code, got, err::toString);
        return err.toString();
    }
}
