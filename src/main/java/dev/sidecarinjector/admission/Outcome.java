package dev.sidecarinjector.admission;

/**
 * What one admission came to, in the words shared by the log line, the metrics and the Events:
 * {@code injected}, {@code skipped} or {@code failed}, with a reason tag and a sentence.
 */
public record Outcome(Kind kind, String reason, String message) {

    /** The three outcomes counted by the metrics. */
    public enum Kind {
        INJECTED,
        SKIPPED,
        FAILED;

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
