package dev.sidecarinjector.admission;

import static dev.sidecarinjector.admission.PrintableText.quote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sidecarinjector.api.text.ShownValue;
import dev.sidecarinjector.config.MeshConfig;
import dev.sidecarinjector.mesh.validate.MeshValidation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Answers {@code POST /validate}: the mesh's configuration objects (Istio's VirtualService, DestinationRule,
 * PeerAuthentication, AuthorizationPolicy, RequestAuthentication, and HTTPLocalRateLimitPolicy) checked before the API
 * server stores them, as istiod's validation webhook does, so that {@code kubectl apply} of one the control plane would
 * leave out is refused with what is wrong. A CREATE or UPDATE is checked ({@link MeshValidation}), unless the object is
 * being deleted; anything else is allowed unread. Each answer is one log line and one count.
 */
@ApplicationScoped
public class ValidationHandler implements AdmissionRoutes.Reviewer {

    private static final Logger LOG = Logger.getLogger("dev.sidecarinjector.validation");
    /** The errors a refusal lists; the log line has them all. */
    static final int MAX_ERRORS_SHOWN = 10;

    private final String domain;
    private final String rootNamespace;
    private final MeterRegistry registry;

    public ValidationHandler(MeshConfig mesh, MeterRegistry registry) {
        this.domain = mesh.domain();
        this.rootNamespace = mesh.rootNamespace();
        this.registry = registry;
    }

    @Override
    public ObjectNode handle(byte[] body, int length) {
        AdmissionRequest request;
        try {
            request = AdmissionReviewCodec.decode(body, length);
        } catch (BadReviewException e) {
            count("", "bad_request");
            throw e;
        }
        List<String> errors;
        try {
            errors = errors(request);
        } catch (RuntimeException e) {
            // An object this code cannot check is refused with a message, never answered with a 500: the control plane would read it the same way.
            LOG.errorf(PrintableText.trace(e), "unexpected error checking request %s", quote(request.uid()));
            errors = List.of("the control plane could not check this object: " + e);
        }
        var allowed = errors.isEmpty();
        // Only the kinds checked are tags of their own: a review names whatever kind its sender likes.
        count(MeshValidation.checks(request.group(), request.kind()) ? request.kind() : "other", allowed ? "allowed" : "denied");
        var line = "validation kind=" + quote(request.kind()) + " namespace=" + quote(request.namespace()) + " name=" + quote(request.name())
                + " uid=" + quote(request.uid()) + " operation=" + request.operation() + " dryRun=" + request.dryRun()
                + " result=" + (allowed ? "allowed" : "denied") + (allowed ? "" : " message=" + quote(String.join("; ", errors)));
        if (allowed) {
            LOG.debug(line);
            return AdmissionReviewCodec.allowed(request.uid(), null);
        }
        LOG.info(line);
        return AdmissionReviewCodec.denied(request.uid(), refusal(errors));
    }

    /** A refusal's message: the first {@link #MAX_ERRORS_SHOWN} errors, and how many more (the log line has them all). */
    static String refusal(List<String> errors) {
        var shown = errors.size() <= MAX_ERRORS_SHOWN ? errors
                : Stream.concat(errors.stream().limit(MAX_ERRORS_SHOWN), Stream.of("and " + (errors.size() - MAX_ERRORS_SHOWN) + " more")).toList();
        return "configuration is invalid: " + String.join("; ", shown);
    }

    /** A large object takes seconds to check (a 1 MB VirtualService of 4,000 routes about 2 s): never on the event loop. */
    @Override
    public boolean blocking() {
        return true;
    }

    @Override
    public void refused(String message, long startNanos) {
        count("", "bad_request");
    }

    private List<String> errors(AdmissionRequest request) {
        if (!"CREATE".equals(request.operation()) && !"UPDATE".equals(request.operation()) || !MeshValidation.checks(request.group(), request.kind())) {
            return List.of();
        }
        var object = request.object();
        if (object == null) {
            return List.of("request.object: missing for a " + request.kind() + " " + request.operation());
        }
        if (!object.isObject()) {
            return List.of("request.object: " + ShownValue.of(object.toString(), "") + " is not an object");
        }
        try {
            var tree = (ObjectNode) object.tree();
            // An object being deleted is let go: refusing the update that removes its last finalizer would keep it forever.
            if (tree.path("metadata").hasNonNull("deletionTimestamp")) {
                return List.of();
            }
            return MeshValidation.errors(tree, request.namespace(), domain, rootNamespace);
        } catch (IOException e) {
            return List.of("request.object: " + e.getMessage());
        }
    }

    private void count(String kind, String result) {
        Counter.builder("mesh.validation.reviews").description("Mesh configuration objects checked at admission (/validate), by kind and result")
                .tag("kind", kind).tag("result", result).register(registry).increment();
    }
}
