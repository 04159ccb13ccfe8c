package dev.vectorvit.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A command line parsed against a {@link CommandSpec}: {@code --name value}, {@code --name=value}, flags,
 * and positional arguments anywhere ({@code --} ends the options). Anything else is a {@link UsageException}:
 * an unknown option, a value missing or given twice, a number that is not one.
 */
final class Arguments {
    private final CommandSpec spec;
    private final Map<String, String> values;
    private final List<String> positionals;
    private final boolean help;
    private final boolean version;

    private Arguments(CommandSpec spec, Map<String, String> values, List<String> positionals, boolean help,
                      boolean version) {
        this.spec = spec;
        this.values = values;
        this.positionals = positionals;
        this.help = help;
        this.version = version;
    }

    static Arguments parse(CommandSpec spec, List<String> tokens) {
        Map<String, String> values = new HashMap<>();
        List<String> positionals = new ArrayList<>();
        boolean help = false, version = false, optionsEnded = false;
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (optionsEnded || !token.startsWith("-") || token.equals("-")) {
                positionals.add(token);
            } else if (token.equals("--")) {
                optionsEnded = true;
            } else if (CommandSpec.HELP_NAMES.contains(token)) {
                help = true;
            } else if (CommandSpec.VERSION_NAMES.contains(token)) {
                version = true;
            } else {
                int eq = token.indexOf('=');
                String name = eq < 0 ? token : token.substring(0, eq);
                OptionSpec option = spec.option(name);
                if (option == null) {
                    throw new UsageException("unknown option '" + name + "'");
                }
                String value;
                if (option.isFlag()) {
                    if (eq >= 0) {
                        throw new UsageException("option '" + name + "' takes no value");
                    }
                    value = "";
                } else if (eq >= 0) {
                    value = token.substring(eq + 1);
                } else if (i + 1 < tokens.size() && !spec.isOptionName(tokens.get(i + 1))) {
                    value = tokens.get(++i);
                } else {
                    throw new UsageException("option '" + name + "' needs a value (" + option.label() + ")");
                }
                if (values.putIfAbsent(name, value) != null) {
                    throw new UsageException("option '" + name + "' is given more than once");
                }
            }
        }
        if (!help && !version && spec.positionals() == null && !positionals.isEmpty()) {
            throw new UsageException("unexpected argument '" + positionals.getFirst() + "'");
        }
        return new Arguments(spec, values, List.copyOf(positionals), help, version);
    }

    /** {@code vit NAME}: the start of the help hint and of some messages. */
    String command() {
        return "vit " + spec.name();
    }

    boolean helpRequested() {
        return help;
    }

    boolean versionRequested() {
        return version;
    }

    boolean flag(String name) {
        return values.containsKey(declared(name));
    }

    /** The option's value, or null when it is not given. */
    String string(String name) {
        return values.get(declared(name));
    }

    Path path(String name) {
        String value = string(name);
        return value == null ? null : toPath(name, value);
    }

    int intValue(String name, int fallback) {
        long value = longValue(name, fallback);
        if (value != (int) value) {
            throw new UsageException("option '" + name + "' is out of range: " + value);
        }
        return (int) value;
    }

    long longValue(String name, long fallback) {
        String value = string(name);
        try {
            return value == null ? fallback : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException("option '" + name + "' wants an integer, got '" + value + "'");
        }
    }

    /** The positional arguments as paths, in order. */
    List<Path> paths() {
        List<Path> paths = new ArrayList<>(positionals.size());
        for (String p : positionals) {
            paths.add(toPath(spec.positionals().label(), p));
        }
        return paths;
    }

    private String declared(String name) {
        if (spec.option(name) == null) {
            throw new IllegalArgumentException(command() + " declares no option " + name);
        }
        return name;
    }

    private static Path toPath(String what, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException(what + ": not a path: '" + value + "'");
        }
    }
}
