package dev.sidecarinjector.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.Reviews;
import dev.sidecarinjector.testing.WebhookClient;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Namespace labels from the informer over the fabric8 mock API server, Events recorded on the owner, and the
 * control plane's root certificate published in the namespaces that informer sees (it shares it).
 */
@QuarkusTest
@TestProfile(KubernetesNamespacesIT.KubernetesSource.class)
@QuarkusTestResource(DevCertificates.class)
@WithKubernetesTestServer(crud = true, setup = KubernetesNamespacesIT.Namespaces.class)
class KubernetesNamespacesIT {

    @KubernetesTestServer
    KubernetesServer server;

    private final WebhookClient webhook = new WebhookClient();

    /** Reads namespaces from the API instead of the static policy. */
    public static class KubernetesSource implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("injector.namespaces.source", "kubernetes",
                    "injector.namespaces.ignored", "ignored-ns",
                    "injector.mesh.source", "kubernetes",
                    "injector.mesh.root-cert-file", DevCertificates.DIR.resolve("ca.crt").toString());
        }
    }

    /** Namespaces that exist before the webhook starts. */
    public static class Namespaces implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            namespace(server, "shop", "enabled");
            namespace(server, "billing", "enabled");
            namespace(server, "legacy", null);
            namespace(server, "kube-system", null);
            namespace(server, "ignored-ns", null);
            namespace(server, "payments", "enabled");
            server.getClient().namespaces().withName("payments").edit(ns -> new NamespaceBuilder(ns).editMetadata()
                    .addToLabels("pod-security.kubernetes.io/enforce", "baseline").endMetadata().build());
        }
    }

    /**
     * The namespace's Pod Security level comes with the labels the informer reads: baseline refuses sidecar-init, so
     * the injected pod comes back with the warning, counted by kind. (A profile's settings outlive its test class in
     * this JVM, so the skip mode is proven by the goldens, not here.)
     */
    @Test
    void aPodTheNamespacesPodSecurityLevelWouldRefuseComesBackWithAWarning() throws Exception {
        var response = webhook.post("/inject", Reviews.bytes(Reviews.podCreate("payments"))).body().get("response");
        assertTrue(response.get("allowed").asBoolean(), response::toString);
        assertTrue(response.has("patch"), response::toString);
        assertEquals("pod-security.kubernetes.io/enforce=baseline rejects injected sidecar-init (adds NET_ADMIN, NET_RAW): "
                + "use a CNI (interception none), the privileged level or a namespace exemption", response.at("/warnings/0").asText());
        assertTrue(webhook.getText("/q/metrics").contains("sidecar_injection_warnings_total{kind=\"pod_security\"} "));
    }

    @Test
    void labelledNamespaceIsInjectedAndUnlabelledIsNot() throws Exception {
        assertTrue(injected("shop"));
        assertFalse(injected("legacy"));
    }

    @Test
    void labelChangeIsPickedUpByTheInformer() throws Exception {
        assertTrue(injected("billing"));
        var client = server.getClient();
        client.namespaces().withName("billing").edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .addToLabels("istio-injection", "disabled").endMetadata().build());
        eventually("billing disabled", () -> !injected("billing"));
        namespace(server, "fresh", "enabled");
        eventually("new namespace fresh seen", () -> injected("fresh"));
    }

    @Test
    void eventsAreRecordedOnTheOwnerButNeverOnDryRun() throws Exception {
        var dryRun = owned(Reviews.podCreate("shop"), "dry-run-rs");
        ((ObjectNode) dryRun.get("request")).put("dryRun", true);
        assertEquals("JSONPatch", webhook.post("/inject", Reviews.bytes(dryRun)).body().at("/response/patchType").asText());
        webhook.post("/inject", Reviews.bytes(owned(Reviews.podCreate("shop"), "web-rs")));
        webhook.post("/inject", Reviews.bytes(owned(Reviews.podCreate("shop", Map.of("app", "web"),
                Map.of("sidecar.istio.io/inject", "false")), "batch-rs")));

        eventually("events recorded", () -> events("web-rs").size() == 1 && events("batch-rs").size() == 1);
        var injected = events("web-rs").getFirst();
        assertEquals("Injected", injected.getReason());
        assertEquals("ReplicaSet", injected.getInvolvedObject().getKind());
        assertEquals("InjectionSkipped", events("batch-rs").getFirst().getReason());
        // Events go out in order from one queue: once the later ones exist, a dry-run one would too.
        assertEquals(List.of(), events("dry-run-rs"));
    }

    @Test
    void theRootCertificateIsPublishedInEveryNamespaceButTheIgnored() throws Exception {
        var ca = Files.readString(DevCertificates.DIR.resolve("ca.crt"));
        eventually("istio-ca-root-cert in shop and legacy (labelled or not)", () -> ca.equals(rootCert("shop")) && ca.equals(rootCert("legacy")));
        namespace(server, "later", null);
        eventually("istio-ca-root-cert in a new namespace", () -> ca.equals(rootCert("later")));
        assertEquals(null, rootCert("kube-system"));
        assertEquals(null, rootCert("ignored-ns"));
        assertTrue(injected("shop"), "the webhook still injects");
    }

    private String rootCert(String namespace) {
        var cm = server.getClient().configMaps().inNamespace(namespace).withName("istio-ca-root-cert").get();
        return cm == null ? null : cm.getData().get("root-cert.pem");
    }

    private boolean injected(String namespace) {
        try {
            var response = webhook.post("/inject", Reviews.bytes(Reviews.podCreate(namespace))).body().get("response");
            assertTrue(response.get("allowed").asBoolean(), response::toString);
            return response.has("patch");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Event> events(String owner) {
        return server.getClient().v1().events().inNamespace("shop").list().getItems().stream()
                .filter(event -> owner.equals(event.getInvolvedObject().getName()))
                .toList();
    }

    private static ObjectNode owned(ObjectNode review, String replicaSet) {
        var owner = ((ObjectNode) review.at("/request/object/metadata")).putArray("ownerReferences").addObject();
        owner.put("apiVersion", "apps/v1").put("kind", "ReplicaSet").put("name", replicaSet)
                .put("uid", java.util.UUID.randomUUID().toString()).put("controller", true);
        return review;
    }

    private static void namespace(KubernetesServer server, String name, String injection) {
        var builder = new NamespaceBuilder().withNewMetadata().withName(name).endMetadata();
        if (injection != null) {
            builder.editMetadata().addToLabels("istio-injection", injection).endMetadata();
        }
        server.getClient().namespaces().resource(builder.build()).create();
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        var deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(100);
        }
    }
}
