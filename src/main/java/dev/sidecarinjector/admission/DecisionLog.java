package dev.sidecarinjector.admission;

import static dev.sidecarinjector.admission.PrintableText.quote;

import dev.sidecarinjector.inject.InjectionWarning;
import org.jboss.logging.Logger;

/** One structured (logfmt) line per admission decision; every value is quoted by {@link PrintableText#quote}. */
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

    /** One line per warning about the pod, whole (the review's copy may be cut to fit), after its decision line. */
    public static void warning(AdmissionRequest request, String podName, InjectionWarning warning) {
        LOG.warn("warning namespace=" + quote(request.namespace()) + " pod=" + quote(podName) + " uid=" + quote(request.uid())
                + " kind=" + warning.kind().tag() + " message=" + quote(warning.message()));
    }
}
