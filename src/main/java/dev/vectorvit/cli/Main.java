package dev.vectorvit.cli;

import dev.vectorvit.io.FormatException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code vit} command. Exit codes: 0 success, 1 runtime error, 2 usage error; errors are one line
 * {@code error: ...} on stderr, with the stack trace only under {@code --verbose}. The command line is
 * parsed by {@link Arguments} against each command's {@link CommandSpec}, declared in code: a parser
 * library reading annotations took 0.22 s of every start (docs/experiments.md), a seventh of the time
 * to ViT-B/16's first logits.
 */
public final class Main {
    static final String VERSION = "vit 0.1.0";
    private static final List<CommandSpec> COMMANDS = List.of(ClassifyCommand.SPEC, EmbedCommand.SPEC,
            PredictCommand.SPEC, ExplainCommand.SPEC, BenchCommand.SPEC);
    private static final String NAMES = "classify, embed, predict, explain or bench";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        int code = dispatch(new ArrayList<>(List.of(args)), out, err);
        out.flush();
        err.flush();
        return code;
    }

    private static int dispatch(List<String> args, PrintWriter out, PrintWriter err) {
        boolean verbose = false;
        while (!args.isEmpty() && args.getFirst().startsWith("-")) {
            String option = args.removeFirst();
            if (CommandSpec.HELP_NAMES.contains(option)) {
                out.print(help());
                return 0;
            } else if (CommandSpec.VERSION_NAMES.contains(option)) {
                out.println(VERSION);
                return 0;
            } else if (option.equals(CommandSpec.VERBOSE.name())) {
                verbose = true;
            } else {
                return usageError(err, "vit", "unknown option '" + option + "'");
            }
        }
        if (args.isEmpty()) {
            return usageError(err, "vit", "a command is required: " + NAMES);
        }
        String name = args.removeFirst();
        if (name.equals("help")) {
            if (args.isEmpty()) {
                out.print(help());
                return 0;
            }
            name = args.removeFirst();
            args = new ArrayList<>(List.of("--help"));
        }
        CommandSpec spec = find(name);
        if (spec == null) {
            return usageError(err, "vit", "unknown command '" + name + "': give " + NAMES);
        }
        try {
            Arguments parsed = Arguments.parse(spec, args);
            if (parsed.helpRequested()) {
                out.print(spec.help());
                return 0;
            } else if (parsed.versionRequested()) {
                out.println(VERSION);
                return 0;
            }
            verbose |= parsed.flag(CommandSpec.VERBOSE.name());
            return command(spec, parsed, out, err).call();
        } catch (UsageException e) {
            return usageError(err, "vit " + name, e.getMessage());
        } catch (Exception e) {
            err.println("error: " + describe(e));
            if (verbose) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    private static Callable<Integer> command(CommandSpec spec, Arguments args, PrintWriter out, PrintWriter err) {
        return switch (spec.name()) {
            case "classify" -> new ClassifyCommand(args, out, err);
            case "embed" -> new EmbedCommand(args, out, err);
            case "predict" -> new PredictCommand(args, err);
            case "explain" -> new ExplainCommand(args, out);
            case "bench" -> new BenchCommand(args, out, err);
            default -> throw new IllegalStateException("no command " + spec.name());
        };
    }

    private static CommandSpec find(String name) {
        for (CommandSpec spec : COMMANDS) {
            if (spec.name().equals(name)) {
                return spec;
            }
        }
        return null;
    }

    private static int usageError(PrintWriter err, String command, String message) {
        err.println("error: " + message);
        err.println("Try '" + command + " --help'.");
        return 2;
    }

    static String help() {
        StringBuilder sb = new StringBuilder("Usage: vit [--verbose] COMMAND [OPTIONS] [ARGUMENTS]\n");
        sb.append("Vision Transformer inference on the JVM with the Vector API (no native code).\n\nCommands:\n");
        List<CommandSpec.Row> rows = new ArrayList<>();
        for (CommandSpec spec : COMMANDS) {
            rows.add(new CommandSpec.Row(spec.name(), spec.description().getFirst()));
        }
        rows.add(new CommandSpec.Row("help [COMMAND]", "The command's options and arguments."));
        CommandSpec.table(sb, rows);
        sb.append("\nOptions:\n");
        List<CommandSpec.Row> options = new ArrayList<>();
        options.add(new CommandSpec.Row(CommandSpec.VERBOSE.name(), CommandSpec.VERBOSE.description()));
        options.addAll(CommandSpec.HELP_AND_VERSION);
        CommandSpec.table(sb, options);
        return sb.toString();
    }

    static String describe(Throwable e) {
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": " + (n.getReason() != null ? n.getReason() : "no such file");
        }
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : e.getClass().getSimpleName());
        }
        if (e instanceof FormatException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }
}
