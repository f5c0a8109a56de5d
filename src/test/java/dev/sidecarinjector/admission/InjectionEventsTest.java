package dev.sidecarinjector.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An Event the API refuses is counted and logged; the admission that caused it has already been answered. */
class InjectionEventsTest {

    @Test
    void theEventMessageCarriesNoRawControlCharacter() {
        var owner = new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
                .withName("web-rs").withUid("u").withController(true).build();
        var event = InjectionEvents.event("shop", owner, "InjectionSkipped", "sidecar.istio.io/inject: \u001b[2Jx\r\nforged");
        assertEquals("sidecar.istio.io/inject: \\x1b[2Jx\\r\\nforged", event.getMessage());
    }

    @Test
    void failedEventNeverBlocksOrFailsTheAdmission() throws Exception {
        // An API server that takes the connection and never answers: recording the Event must return at once, and
        // the failure is only counted once the client's request timeout has passed, after record() returned.
        try (var silent = new ServerSocket(0)) {
            var config = new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + silent.getLocalPort())
                    .withRequestRetryBackoffLimit(0).withRequestTimeout(2_000).withConnectionTimeout(2_000).build();
            var registry = new SimpleMeterRegistry();
            try (var client = new KubernetesClientBuilder().withConfig(config).build()) {
                var events = new InjectionEvents(Optional.of(client), registry);
                var pod = new PodBuilder().withNewMetadata().withGenerateName("web-").addNewOwnerReference()
                        .withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-rs").withUid("u").withController(true)
                        .endOwnerReference().endMetadata().build();
                var request = new AdmissionRequest("uid", "", "Pod", "CREATE", "shop", "", false, null);
                events.record(request, pod, new Outcome(Outcome.Kind.INJECTED, "injected", "namespace shop has istio-injection=enabled"), false);
                var counter = registry.get("sidecar.injection.event.failures").counter();
                assertEquals(0.0, counter.count(), "record() waited for the API server: the failure was counted before it returned");
                var deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (counter.count() < 1 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(1.0, counter.count());
                events.stop();
            }
        }
    }
}
