package dev.sidecarinjector.mesh.source;

import dev.sidecarinjector.mesh.compile.Problem;
import dev.sidecarinjector.mesh.index.MeshIndex;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Records a Warning Event on the resource a problem names ({@code MeshConfigInvalid} when it is left out,
 * {@code MeshConfigIgnored} when a part is ignored), as InjectionEvents does: off the caller's thread, from a
 * bounded queue, so a slow or failing API never delays a compile. A full queue drops the Event (the log line
 * stays).
 */
public final class MeshProblemEvents implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MeshProblemEvents.class);
    private static final String COMPONENT = "sidecar-injector";

    private final KubernetesClient client;
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1000),
            Thread.ofPlatform().daemon().name("mesh-events").factory());

    public MeshProblemEvents(KubernetesClient client) {
        this.client = client;
    }

    /** Queues the Event for {@code problem} on its resource in {@code index}; nothing when the resource is not there. */
    public void record(Problem problem, MeshIndex index) {
        var key = problem.namespace() + "/" + problem.name();
        HasMetadata resource = switch (problem.kind()) {
            case "VirtualService" -> index.virtualServices().get(key);
            case "DestinationRule" -> index.destinationRules().get(key);
            case "PeerAuthentication" -> index.peerAuthentications().get(key);
            case "AuthorizationPolicy" -> index.authorizationPolicies().get(key);
            case "HTTPLocalRateLimitPolicy" -> index.rateLimitPolicies().get(key);
            case "RequestAuthentication" -> index.requestAuthentications().get(key);
            case "Service" -> index.services().get(key);
            case "EndpointSlice" -> index.endpointSlices().get(key);
            case "Pod" -> index.pods().get(key);
            default -> null;
        };
        if (resource == null) {
            return;
        }
        try {
            sender.execute(() -> send(problem, resource));
        } catch (RejectedExecutionException e) {
            LOG.debugf("mesh event queue full, dropped the event for %s %s", problem.kind(), key);
        }
    }

    private void send(Problem problem, HasMetadata resource) {
        var now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        var namespace = MeshIndex.namespace(resource);
        var event = new EventBuilder()
                .withNewMetadata().withGenerateName(resource.getMetadata().getName() + ".").withNamespace(namespace).endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(resource.getApiVersion()).withKind(resource.getKind()).withName(resource.getMetadata().getName())
                .withNamespace(namespace).withUid(resource.getMetadata().getUid()).withResourceVersion(resource.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType("Warning").withReason(problem.leftOut() ? "MeshConfigInvalid" : "MeshConfigIgnored").withMessage(problem.describe())
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (RuntimeException e) {
            LOG.warnf("could not record the mesh event on %s %s/%s: %s", problem.kind(), namespace, problem.name(), e.getMessage());
        }
    }

    @Override
    public void close() {
        sender.shutdown();
    }
}
