package dev.sidecarinjector.cli;

import java.io.PrintStream;

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

    Subcommand(String help, PrintStream stdout, PrintStream stderr) {
        this.help = help;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public final int run(String... args) {
        O options;
        try {
            options = parse(args);
        } catch (UsageException e) {
            stderr.println("error: " + e.getMessage() + "\n" + help);
            return 2;
        }
        if (options.help()) {
            stdout.println(help);
            return 0;
        }
        return execute(options);
    }

    /** The flags, or a {@link UsageException} naming the flag and the value. */
    abstract O parse(String... args);

    /** The command's work; its exit code. */
    abstract int execute(O options);
}
