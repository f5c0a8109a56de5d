package dev.sidecarinjector.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sidecarinjector.inject.AdmissionFacts;
import dev.sidecarinjector.inject.InjectionResult;
import dev.sidecarinjector.inject.InjectionSettings;
import dev.sidecarinjector.inject.SidecarInjector;
import dev.sidecarinjector.inject.SkipReason;
import dev.sidecarinjector.namespace.NamespaceLabels;
import dev.sidecarinjector.namespace.NamespaceLabelsUnavailable;
import dev.sidecarinjector.templates.TemplateStore;
import io.fabric8.kubernetes.api.model.Pod;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Answers one AdmissionRequest: like controller-runtime's "patch response from raw", the pod goes through the
 * pure {@link SidecarInjector} and the result becomes an AdmissionReview reply, a metric, a log line and an Event.
 */
@ApplicationScoped
public class AdmissionHandler {

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

    /** Decodes and answers a raw body; a body that is not an AdmissionReview throws {@link BadReviewException}. */
    public ObjectNode handle(byte[] body) {
        var start = System.nanoTime();
        AdmissionRequest request;
        try {
            request = AdmissionReviewCodec.decode(body);
        } catch (BadReviewException e) {
            metrics.record(new Outcome(Outcome.Kind.FAILED, "bad_request", e.getMessage()), start);
            throw e;
        }
        try {
            return answer(request, start);
        } catch (RuntimeException e) {
            // A pod this code cannot process is refused with a message, never answered with a 500 or half-injected.
            LOG.errorf(e, "unexpected error answering request %s", request.uid());
            return finish(request, null, failed("internal_error", "the injector could not process this pod: " + e), false, start, null);
        }
    }

    private ObjectNode answer(AdmissionRequest request, long start) {
        if (!request.isPod()) {
            return finish(request, null, skipped(SkipReason.NOT_A_POD, "kind " + request.kind()), false, start, null);
        }
        if (request.object() == null) {
            return finish(request, null, failed("invalid_input", "request.object: missing for a Pod " + request.operation()), false, start, null);
        }
        Pod pod;
        try {
            pod = AdmissionReviewCodec.mapper().treeToValue(request.object(), Pod.class);
        } catch (JsonProcessingException e) {
            return finish(request, null, failed("invalid_input", "request.object" + path(e) + ": " + e.getOriginalMessage()), false, start, null);
        }
        var namespace = !request.namespace().isEmpty() ? request.namespace()
                : pod.getMetadata() != null && pod.getMetadata().getNamespace() != null ? pod.getMetadata().getNamespace() : "";
        var current = templates.current();
        if (current.isEmpty()) {
            return finish(request, pod, failed("template_error", "no valid sidecar templates are loaded: " + templates.lastError().orElse("unknown")), false, start, null);
        }
        InjectionResult result;
        try {
            var facts = new AdmissionFacts(request.operation(), namespace, namespaces.labelsOf(namespace), true);
            result = SidecarInjector.inject(pod, facts, settings, current.get());
        } catch (NamespaceLabelsUnavailable e) {
            return finish(request, pod, failed("namespace_unavailable", e.getMessage()), false, start, null);
        }
        return switch (result) {
            case InjectionResult.Injected injected -> finish(request, pod,
                    new Outcome(Outcome.Kind.INJECTED, "injected", injected.decision().why()), false, start, injected);
            case InjectionResult.Skipped skipped -> finish(request, pod,
                    new Outcome(Outcome.Kind.SKIPPED, skipped.decision().reason().tag(), skipped.decision().explanation()),
                    skipped.decision().reason().explicitOptOut(), start, null);
            case InjectionResult.Rejected rejected -> finish(request, pod, failed(rejected.reason().tag(), rejected.message()), false, start, null);
        };
    }

    private ObjectNode finish(AdmissionRequest request, Pod pod, Outcome outcome, boolean explicitOptOut, long start,
                              InjectionResult.Injected injected) {
        DecisionLog.write(request, podName(request, pod), outcome);
        metrics.record(outcome, start);
        events.record(request, pod, outcome, explicitOptOut);
        return switch (outcome.kind()) {
            case INJECTED -> AdmissionReviewCodec.allowed(request.uid(), injected.patch());
            case SKIPPED -> AdmissionReviewCodec.allowed(request.uid(), null);
            case FAILED -> AdmissionReviewCodec.denied(request.uid(), "sidecar injection failed: " + outcome.message());
        };
    }

    private static Outcome skipped(SkipReason reason, String detail) {
        return new Outcome(Outcome.Kind.SKIPPED, reason.tag(), reason.message() + " (" + detail + ")");
    }

    private static Outcome failed(String reason, String message) {
        return new Outcome(Outcome.Kind.FAILED, reason, message);
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

    private static String path(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining());
        }
        return "";
    }
}
