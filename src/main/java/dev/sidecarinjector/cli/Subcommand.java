package dev.sidecarinjector.cli;

import dev.sidecarinjector.admission.PrintableText;
import java.io.PrintStream;
import java.util.function.Function;

/**
 * What every subcommand does before its own work: parse the flags, answer {@code --help}, or print the
 * mistake with the usage and exit 2.
 *
 * @param <O> the parsed flags
 */
abstract class Subcommand<O extends Subcommand.Flags> {

    /** Parsed flags that know whether help was asked for. */
    interface Flags {
        boolean help();
    }

    protected final PrintStream stdout;
    protected final PrintStream stderr;
    private final String help;
    private final Function<String[], O> parser;

    /** {@code parser} gives the flags, or throws a {@link UsageException} naming the flag and the value. */
    Subcommand(String help, Function<String[], O> parser, PrintStream stdout, PrintStream stderr) {
        this.help = help;
        this.parser = parser;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public final int run(String... args) {
        O options;
        try {
            options = parser.apply(args);
        } catch (UsageException e) {
            error(e.getMessage());
            stderr.println(help);
            return 2;
        }
        if (options.help()) {
            stdout.println(help);
            return 0;
        }
        return execute(options);
    }

    /** The command's work; its exit code. */
    abstract int execute(O options);

    /**
     * One {@code error:} line on stderr. Messages quote manifest values, so every control character in them is
     * escaped: a manifest cannot forge lines or send terminal escapes to whoever reads the output.
     */
    protected final void error(String message) {
        stderr.println("error: " + PrintableText.escape(message));
    }

    /** One {@code warning:} line on stderr, escaped as {@link #error} is. */
    protected final void warning(String message) {
        stderr.println("warning: " + PrintableText.escape(message));
    }

    /** A line of explanation on stderr, escaped as {@link #error} is. */
    protected final void note(String line) {
        stderr.println(PrintableText.escape(line));
    }
}
