package dev.sidecarinjector.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sidecarinjector.inject.AdmissionFacts;
import dev.sidecarinjector.inject.BindingError;
import dev.sidecarinjector.inject.InjectionDecision;
import dev.sidecarinjector.inject.InjectionResult;
import dev.sidecarinjector.inject.InjectionSettings;
import dev.sidecarinjector.inject.InjectionWarning;
import dev.sidecarinjector.inject.PatchOps;
import dev.sidecarinjector.inject.SidecarInjector;
import dev.sidecarinjector.inject.SkipReason;
import dev.sidecarinjector.namespace.NamespaceLabels;
import dev.sidecarinjector.namespace.NamespaceLabelsUnavailable;
import dev.sidecarinjector.templates.TemplateStore;
import io.fabric8.kubernetes.api.model.Pod;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Answers one AdmissionRequest: like controller-runtime's "patch response from raw", the pod goes through the
 * pure {@link SidecarInjector} and the result becomes an AdmissionReview reply, a metric, a log line and an Event.
 */
@ApplicationScoped
public class AdmissionHandler implements AdmissionRoutes.Reviewer {

    private static final Logger LOG = Logger.getLogger(AdmissionHandler.class);

    private final InjectionSettings settings;
    private final TemplateStore templates;
    private final NamespaceLabels namespaces;
    private final InjectionMetrics metrics;
    private final InjectionEvents events;

    public AdmissionHandler(InjectionSettings settings, TemplateStore templates, NamespaceLabels namespaces,
                            InjectionMetrics metrics, InjectionEvents events) {
        this.settings = settings;
        this.templates = templates;
        this.namespaces = namespaces;
        this.metrics = metrics;
        this.events = events;
    }

    /**
     * Decodes and answers the raw body in {@code body}'s first {@code length} bytes; a body that is not an
     * AdmissionReview throws {@link BadReviewException}.
     */
    @Override
    public ObjectNode handle(byte[] body, int length) {
        var start = System.nanoTime();
        AdmissionRequest request;
        try {
            request = AdmissionReviewCodec.decode(body, length);
        } catch (BadReviewException e) {
            metrics.record(new Outcome(Outcome.Kind.FAILED, "bad_request", e.getMessage()), start);
            throw e;
        }
        Verdict verdict;
        try {
            verdict = decide(request);
        } catch (RuntimeException e) {
            // A pod this code cannot process is refused with a message, never answered with a 500 or half-injected.
            LOG.errorf(PrintableText.trace(e), "unexpected error answering request %s", PrintableText.quote(request.uid()));
            verdict = Verdict.failed(null, "internal_error", "the injector could not process this pod: " + e);
        }
        var podName = podName(request, verdict.pod());
        DecisionLog.write(request, podName, verdict.outcome());
        verdict.warnings().forEach(warning -> DecisionLog.warning(request, podName, warning));
        metrics.record(verdict.outcome(), verdict.warnings(), start);
        events.record(request, verdict.pod(), verdict.outcome(), verdict.recordsEvent());
        return switch (verdict.outcome().kind()) {
            case INJECTED, SKIPPED -> AdmissionReviewCodec.allowed(request.uid(), verdict.patch(),
                    verdict.warnings().stream().map(InjectionWarning::message).toList());
            case FAILED -> AdmissionReviewCodec.denied(request.uid(), "sidecar injection failed: " + verdict.outcome().message());
        };
    }

    @Override
    public void refused(String message, long startNanos) {
        metrics.record(new Outcome(Outcome.Kind.FAILED, "bad_request", message), startNanos);
    }

    /** What to answer, and what the log line, metrics and Event say about it. */
    private record Verdict(Pod pod, Outcome outcome, PatchOps patch, boolean recordsEvent, List<InjectionWarning> warnings) {

        static Verdict failed(Pod pod, String reason, String message) {
            return new Verdict(pod, new Outcome(Outcome.Kind.FAILED, reason, message), null, false, List.of());
        }

        static Verdict of(Pod pod, InjectionResult result) {
            return switch (result) {
                case InjectionResult.Injected injected -> new Verdict(pod, new Outcome(Outcome.Kind.INJECTED, "injected", injected.decision().why()),
                        injected.patch(), false, injected.warnings());
                case InjectionResult.Skipped(var skip, var warnings) -> new Verdict(pod, new Outcome(Outcome.Kind.SKIPPED, skip.reason().tag(), skip.explanation()),
                        null, skip.reason().recordsEvent(), warnings);
                case InjectionResult.Rejected rejected -> failed(pod, rejected.reason().tag(), rejected.message());
            };
        }
    }

    private Verdict decide(AdmissionRequest request) {
        if (!request.isPod()) {
            return skipped(SkipReason.NOT_A_POD, "kind " + request.kind());
        }
        // Like Istio's injector: an operation it does not act on is allowed before the object is read, whatever it is.
        if (!"CREATE".equals(request.operation())) {
            return skipped(SkipReason.NOT_CREATE, "operation " + request.operation());
        }
        if (request.object() == null) {
            return Verdict.failed(null, "invalid_input", "request.object: missing for a Pod CREATE");
        }
        if (!request.object().isObject()) {
            return Verdict.failed(null, "invalid_input", "request.object: " + abbreviate(request.object().toString()) + " is not an object");
        }
        Pod pod;
        try {
            pod = request.object().pod();
        } catch (JsonProcessingException e) {
            return Verdict.failed(null, "invalid_input", "request.object" + BindingError.fieldPath(e) + ": " + BindingError.problem(e, tree(request.object())));
        } catch (IOException e) {
            return Verdict.failed(null, "invalid_input", "request.object: " + e.getMessage());
        }
        // Pods from controllers carry generateName and no metadata.namespace: the request names the namespace.
        var namespace = !request.namespace().isEmpty() ? request.namespace()
                : pod.getMetadata() != null && pod.getMetadata().getNamespace() != null ? pod.getMetadata().getNamespace() : "";
        var current = templates.current();
        if (current.isEmpty()) {
            return Verdict.failed(pod, "template_error", "no valid injection templates are loaded: " + templates.lastError().orElse("unknown"));
        }
        try {
            var facts = new AdmissionFacts(request.operation(), namespace, namespaces.labelsOf(namespace), true);
            return Verdict.of(pod, SidecarInjector.inject(pod, facts, settings, current.get()));
        } catch (NamespaceLabelsUnavailable e) {
            return Verdict.failed(pod, "namespace_unavailable", e.getMessage());
        }
    }

    private static Verdict skipped(SkipReason reason, String detail) {
        return Verdict.of(null, new InjectionResult.Skipped(new InjectionDecision.Skip(reason, detail)));
    }

    private static String abbreviate(String text) {
        return text.length() > 100 ? text.substring(0, 100) + "..." : text;
    }

    private static String podName(AdmissionRequest request, Pod pod) {
        if (pod != null && pod.getMetadata() != null) {
            if (pod.getMetadata().getName() != null) {
                return pod.getMetadata().getName();
            }
            if (pod.getMetadata().getGenerateName() != null) {
                return pod.getMetadata().getGenerateName() + "*";
            }
        }
        return request.name();
    }

    /** The object as a tree, for the refusal of a pod that did not bind; null when it cannot be read again (the refusal is then Jackson's words). */
    private static JsonNode tree(RequestObject object) {
        try {
            return object.tree();
        } catch (IOException e) {
            return null;
        }
    }
}
