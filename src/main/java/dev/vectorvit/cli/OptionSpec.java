package dev.vectorvit.cli;

/**
 * One option of a command, as its help lists it: {@code --name LABEL}, or a flag without a value when
 * {@code label} is null.
 */
record OptionSpec(String name, String label, String description) {
    static OptionSpec flag(String name, String description) {
        return new OptionSpec(name, null, description);
    }

    static OptionSpec value(String name, String label, String description) {
        return new OptionSpec(name, label, description);
    }

    boolean isFlag() {
        return label == null;
    }

    /** The help's left column. */
    String synopsis() {
        return isFlag() ? name : name + " " + label;
    }
}
