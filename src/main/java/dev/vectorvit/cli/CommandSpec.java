package dev.vectorvit.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one {@code vit} command accepts and how its help describes it: options (declared in code, so that
 * start-up reads no annotations) and, when {@code positionals} is not null, file arguments among them.
 */
record CommandSpec(String name, List<String> description, List<OptionSpec> options, OptionSpec positionals) {
    static final OptionSpec VERBOSE = OptionSpec.flag("--verbose", "Print stack traces of errors.");
    static final List<String> HELP_NAMES = List.of("-h", "--help");
    static final List<String> VERSION_NAMES = List.of("-V", "--version");
    /** The help's lines for {@code -h} and {@code -V}, which every command and {@code vit} itself take. */
    static final List<Row> HELP_AND_VERSION = List.of(
            new Row(String.join(", ", HELP_NAMES), "Show this help message and exit."),
            new Row(String.join(", ", VERSION_NAMES), "Print version information and exit."));
    private static final int WIDTH = 80;

    /** A line of a help's two-column table. */
    record Row(String term, String text) {}

    /**
     * A command with the option groups in order, and {@code --verbose}, which every command takes; an option
     * declared twice is a bug of the command.
     */
    @SafeVarargs
    static CommandSpec of(String name, List<String> description, OptionSpec positionals, List<OptionSpec>... groups) {
        List<OptionSpec> options = new ArrayList<>();
        Set<String> names = new HashSet<>(HELP_NAMES);
        names.addAll(VERSION_NAMES);
        for (List<OptionSpec> group : groups) {
            for (OptionSpec o : group) {
                if (!names.add(o.name())) {
                    throw new IllegalArgumentException("vit " + name + " declares " + o.name() + " twice");
                }
                options.add(o);
            }
        }
        options.add(VERBOSE);
        return new CommandSpec(name, List.copyOf(description), List.copyOf(options), positionals);
    }

    /** The option called {@code name}, or null. */
    OptionSpec option(String name) {
        for (OptionSpec o : options) {
            if (o.name().equals(name)) {
                return o;
            }
        }
        return null;
    }

    /** Whether {@code token} names one of this command's options, or help or version. */
    boolean isOptionName(String token) {
        return option(token) != null || HELP_NAMES.contains(token) || VERSION_NAMES.contains(token);
    }

    String help() {
        StringBuilder sb = new StringBuilder("Usage: vit ").append(name).append(" [OPTIONS]");
        if (positionals != null) {
            sb.append(" [").append(positionals.label()).append("]");
        }
        sb.append('\n');
        for (String paragraph : description) {
            wrap(sb, paragraph, 0, 0);
        }
        List<Row> rows = new ArrayList<>();
        for (OptionSpec o : options) {
            rows.add(new Row(o.synopsis(), o.description()));
        }
        rows.addAll(HELP_AND_VERSION);
        sb.append("\nOptions:\n");
        table(sb, rows);
        if (positionals != null) {
            sb.append("\nArguments:\n");
            table(sb, List.of(new Row(positionals.label(), positionals.description())));
        }
        return sb.toString();
    }

    /** Two columns, the second wrapped, as in {@code --help} of GNU tools. */
    static void table(StringBuilder sb, List<Row> rows) {
        int column = 0;
        for (Row row : rows) {
            column = Math.max(column, row.term().length());
        }
        column = Math.min(column + 4, 28);
        for (Row row : rows) {
            String left = "  " + row.term();
            sb.append(left);
            if (left.length() + 2 > column) {
                sb.append('\n').append(" ".repeat(column));
            } else {
                sb.append(" ".repeat(column - left.length()));
            }
            wrap(sb, row.text(), column, column);
        }
    }

    /**
     * Appends {@code text} wrapped at {@link #WIDTH} columns, the first line starting at column {@code at}
     * (already written), the others indented by {@code indent}.
     */
    static void wrap(StringBuilder sb, String text, int indent, int at) {
        int column = at;
        boolean first = true;
        for (String word : text.split(" ")) {
            if (!first && column + 1 + word.length() > WIDTH) {
                sb.append('\n').append(" ".repeat(indent));
                column = indent;
            } else if (!first) {
                sb.append(' ');
                column++;
            }
            sb.append(word);
            column += word.length();
            first = false;
        }
        sb.append('\n');
    }
}
