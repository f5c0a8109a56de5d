package dev.sidecarinjector.ca;

/** The CA cannot start: its files or Secret are missing, inconsistent or unreadable; the message names which and why. */
public class CaSetupException extends Exception {

    public CaSetupException(String message) {
        super(message);
    }

    public CaSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
