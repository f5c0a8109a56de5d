package dev.sidecarinjector.admission;

import org.jboss.logging.Logger;

/** One structured (logfmt) line per admission decision. */
public final class DecisionLog {

    private static final Logger LOG = Logger.getLogger("dev.sidecarinjector.decision");

    private DecisionLog() {
    }

    public static void write(AdmissionRequest request, String podName, Outcome outcome) {
        var line = "decision namespace=" + quote(request.namespace()) + " pod=" + quote(podName) + " uid=" + quote(request.uid())
                + " outcome=" + outcome.kind().tag() + " reason=" + quote(outcome.reason()) + " dryRun=" + request.dryRun()
                + " message=" + quote(outcome.message());
        if (outcome.kind() == Outcome.Kind.FAILED) {
            LOG.warn(line);
        } else {
            LOG.info(line);
        }
    }

    static String quote(String value) {
        if (value == null || value.isEmpty()) {
            return "\"\"";
        }
        if (value.chars().allMatch(c -> c > ' ' && c != '"' && c != '=' && c != '\\' && c < 127)) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
