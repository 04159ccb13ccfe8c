package dev.vectorvit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArgumentsTest {
    private static final CommandSpec FILES = CommandSpec.of("test", List.of("A test command."),
            OptionSpec.value("FILE", "FILE...", "Files."),
            List.of(OptionSpec.value("--count", "N", "A count."), OptionSpec.value("--out", "FILE", "A file."),
                    OptionSpec.flag("--quiet", "No progress.")));
    private static final CommandSpec NO_FILES = CommandSpec.of("plain", List.of("No files."), null,
            List.of(OptionSpec.value("--count", "N", "A count.")));

    private static Arguments parse(CommandSpec spec, String... args) {
        return Arguments.parse(spec, List.of(args));
    }

    private static String usageError(CommandSpec spec, String... args) {
        return assertThrows(UsageException.class, () -> {
            Arguments a = parse(spec, args);
            a.intValue("--count", 0);
        }).getMessage();
    }

    @Test
    void valuesFlagsAndFilesInAnyOrder() {
        Arguments a = parse(FILES, "a.png", "--count", "3", "b.png", "--out=x.npy", "--quiet", "--", "--c.png");
        assertEquals(3, a.intValue("--count", 7));
        assertEquals(Path.of("x.npy"), a.path("--out"));
        assertTrue(a.flag("--quiet"));
        assertFalse(a.flag("--verbose"));
        assertEquals(List.of(Path.of("a.png"), Path.of("b.png"), Path.of("--c.png")), a.paths());
        assertEquals("vit test", a.command());
    }

    @Test
    void defaultsWhenAbsent() {
        Arguments a = parse(FILES);
        assertEquals(7, a.intValue("--count", 7));
        assertEquals(9L, a.longValue("--count", 9));
        assertNull(a.path("--out"));
        assertEquals(List.of(), a.paths());
    }

    @Test
    void aNegativeNumberIsAValueNotAnOption() {
        assertEquals(-1, parse(FILES, "--count", "-1").intValue("--count", 0));
    }

    @Test
    void mistakesAreUsageErrors() {
        assertEquals("unknown option '--frobnicate'", usageError(FILES, "--frobnicate"));
        assertEquals("unknown option '--frobnicate'", usageError(FILES, "--frobnicate=1"));
        assertEquals("option '--count' needs a value (N)", usageError(FILES, "--count"));
        assertEquals("option '--out' needs a value (FILE)", usageError(FILES, "--out", "--quiet"));
        assertEquals("option '--count' is given more than once", usageError(FILES, "--count", "1", "--count=2"));
        assertEquals("option '--quiet' takes no value", usageError(FILES, "--quiet=yes"));
        assertEquals("option '--count' wants an integer, got 'x'", usageError(FILES, "--count", "x"));
        assertEquals("option '--count' is out of range: 4294967296", usageError(FILES, "--count", "4294967296"));
        assertEquals("unexpected argument 'a.png'", usageError(NO_FILES, "a.png"));
    }

    @Test
    void helpAndVersionWinOverStrayArguments() {
        assertTrue(parse(NO_FILES, "a.png", "-h").helpRequested());
        assertTrue(parse(NO_FILES, "--version").versionRequested());
        assertFalse(parse(NO_FILES).helpRequested());
    }

    @Test
    void anOptionDeclaredTwiceIsTheCommandsBug() {
        List<OptionSpec> count = List.of(OptionSpec.value("--count", "N", "A count."));
        assertThrows(IllegalArgumentException.class, () -> CommandSpec.of("twice", List.of("x"), null, count, count));
        assertThrows(IllegalArgumentException.class, () -> CommandSpec.of("help", List.of("x"), null,
                List.of(OptionSpec.flag("--help", "Mine."))));
    }

    @Test
    void anUndeclaredNameIsTheCallersBug() {
        assertThrows(IllegalArgumentException.class, () -> parse(NO_FILES).flag("--quiet"));
    }

    @Test
    void helpListsEveryOptionWithItsLabelAndTheFiles() {
        String help = FILES.help();
        assertTrue(help.startsWith("Usage: vit test [OPTIONS] [FILE...]\nA test command.\n"), help);
        for (String line : List.of("  --count N", "  --out FILE", "  --quiet", "  --verbose", "  -h, --help",
                "  -V, --version", "  FILE...")) {
            assertTrue(help.contains("\n" + line + " "), line + " in\n" + help);
        }
        assertTrue(help.lines().allMatch(l -> l.length() <= 80), help);
    }
}
