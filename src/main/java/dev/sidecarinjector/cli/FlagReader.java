package dev.sidecarinjector.cli;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

/**
 * Walks a subcommand's flags one at a time: {@code --name value}, {@code --name=value} and short
 * {@code -n value}. The command switches on {@link #name()} and takes the value it needs; every mistake is a
 * {@link UsageException} that names the flag and the value.
 */
final class FlagReader {
    private final ArrayDeque<String> rest;
    private String arg;
    private String name;
    private String inline;

    FlagReader(String... args) {
        this.rest = new ArrayDeque<>(List.of(args));
    }

    /** Moves to the next flag; false when none is left. */
    boolean next() {
        if (rest.isEmpty()) {
            return false;
        }
        arg = rest.removeFirst();
        var eq = arg.startsWith("--") ? arg.indexOf('=') : -1;
        name = eq > 0 ? arg.substring(0, eq) : arg;
        inline = eq > 0 ? arg.substring(eq + 1) : null;
        return true;
    }

    /** The current flag without an inline value: {@code --namespace} for {@code --namespace=demo}. */
    String name() {
        return name;
    }

    /** The current flag's value, inline or the next argument. */
    String value() {
        if (inline != null) {
            return inline;
        }
        if (rest.isEmpty()) {
            throw new UsageException(name + " needs a value");
        }
        return rest.removeFirst();
    }

    /** The current flag's value as a whole number from {@code min} to {@code max}. */
    int intValue(int min, int max) {
        var text = value();
        int number;
        try {
            number = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " \"" + text + "\" is not a whole number");
        }
        if (number < min || number > max) {
            throw new UsageException(name + " " + number + " is not between " + min + " and " + max);
        }
        return number;
    }

    /** The error for a flag the command does not know. */
    UsageException unknown() {
        return new UsageException("unknown flag \"" + arg + "\"");
    }

    /** The error for a flag the command does not know, with what it takes instead ({@code instead}, when it names one). */
    UsageException unknown(Map<String, String> instead) {
        var hint = instead.get(name);
        return hint == null ? unknown() : new UsageException("unknown flag \"" + arg + "\": " + hint);
    }
}
