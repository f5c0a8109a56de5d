package dev.sidecarinjector.cli;

/** A command line that cannot be run: the message names the flag and the value. */
final class UsageException extends IllegalArgumentException {
    UsageException(String message) {
        super(message);
    }
}
