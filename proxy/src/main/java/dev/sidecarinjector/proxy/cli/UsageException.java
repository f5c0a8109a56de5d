package dev.sidecarinjector.proxy.cli;

/** A command line the user must fix; the message names the flag and the value. Exit code 2. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }

    public static UsageException badValue(String flag, String value, String expected) {
        return new UsageException("%s: \"%s\" is not %s".formatted(flag, value, expected));
    }
}
