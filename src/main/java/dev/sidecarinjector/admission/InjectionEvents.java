package dev.sidecarinjector.admission;

import static dev.sidecarinjector.admission.PrintableText.escape;

import dev.sidecarinjector.config.EventConfig;
import dev.sidecarinjector.config.NamespaceConfig;
import dev.sidecarinjector.namespace.NamespaceLabelsProducer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Records {@code Injected} and {@code InjectionSkipped} Events on the pod's owning workload. Events are sent
 * off the request thread from a bounded queue: a slow or failing API never delays or fails an admission.
 */
@ApplicationScoped
public class InjectionEvents {

    private static final Logger LOG = Logger.getLogger(InjectionEvents.class);
    private static final String COMPONENT = "sidecar-injector";

    private final Optional<KubernetesClient> client;
    private final Counter failures;
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1000),
            Thread.ofPlatform().daemon().name("injection-events").factory());

    @jakarta.inject.Inject
    public InjectionEvents(EventConfig events, NamespaceConfig namespaces, Instance<KubernetesClient> client, MeterRegistry registry) {
        this(events.enabled() && NamespaceLabelsProducer.effectiveSource(namespaces.source()) == NamespaceConfig.Source.KUBERNETES
                ? Optional.of(client.get()) : Optional.empty(), registry);
    }

    InjectionEvents(Optional<KubernetesClient> client, MeterRegistry registry) {
        this.client = client;
        this.failures = Counter.builder("sidecar.injection.event.failures").description("Kubernetes Events that could not be recorded").register(registry);
    }

    /**
     * Sends the Event for this outcome when there is one to send: never on dryRun, only with a known owner; a skip only
     * when {@code skipRecorded} ({@link dev.sidecarinjector.inject.SkipReason#recordsEvent}).
     */
    public void record(AdmissionRequest request, Pod pod, Outcome outcome, boolean skipRecorded) {
        if (client.isEmpty() || request.dryRun() || pod == null) {
            return;
        }
        var reason = switch (outcome.kind()) {
            case INJECTED -> "Injected";
            case SKIPPED -> skipRecorded ? "InjectionSkipped" : null;
            case FAILED -> null;
        };
        var owner = controller(pod);
        if (reason == null || owner.isEmpty()) {
            return;
        }
        try {
            sender.execute(() -> send(request.namespace(), owner.get(), reason, outcome.message()));
        } catch (RejectedExecutionException e) {
            failures.increment();
            LOG.debugf("event queue full, dropped %s for %s/%s", reason, escape(owner.get().getKind()), escape(owner.get().getName()));
        }
    }

    private void send(String namespace, OwnerReference owner, String reason, String message) {
        var event = event(namespace, owner, reason, message);
        try {
            client.orElseThrow().v1().events().inNamespace(namespace).resource(event).create();
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warnf("could not record event %s on %s/%s: %s", reason, escape(owner.getKind()), escape(owner.getName()), escape(e.getMessage()));
        }
    }

    /** The Event; its message may quote the pod, and {@code kubectl describe} prints it to a terminal: escaped. */
    static Event event(String namespace, OwnerReference owner, String reason, String message) {
        var now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        return new EventBuilder()
                .withNewMetadata().withGenerateName(owner.getName() + ".").withNamespace(namespace).endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(owner.getApiVersion()).withKind(owner.getKind()).withName(owner.getName())
                .withNamespace(namespace).withUid(owner.getUid())
                .endInvolvedObject()
                .withType("Normal").withReason(reason).withMessage(escape(message))
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build();
    }

    private static Optional<OwnerReference> controller(Pod pod) {
        if (pod.getMetadata() == null || pod.getMetadata().getOwnerReferences() == null) {
            return Optional.empty();
        }
        return pod.getMetadata().getOwnerReferences().stream()
                .filter(ref -> Boolean.TRUE.equals(ref.getController()) && ref.getName() != null && ref.getKind() != null)
                .findFirst();
    }

    @PreDestroy
    void stop() {
        sender.shutdown();
    }
}
