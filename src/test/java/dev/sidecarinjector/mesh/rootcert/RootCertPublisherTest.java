package dev.sidecarinjector.mesh.rootcert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sidecarinjector.testing.DevCertificates;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The istio-ca-root-cert ConfigMap kept in every namespace, against fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true, https = false)
class RootCertPublisherTest {

    private static String ca;
    private static String rotated;

    KubernetesClient client;
    KubernetesMockServer server;

    @TempDir
    Path dir;
    private Path rootFile;
    private final List<RootCertPublisher> publishers = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        DevCertificates.create();
        ca = Files.readString(DevCertificates.DIR.resolve("ca.crt"));
        // Any other certificate stands for the next root: the serving one will do.
        rotated = Files.readString(DevCertificates.DIR.resolve("current/tls.crt"));
    }

    @BeforeEach
    void rootFile() throws Exception {
        rootFile = dir.resolve("ca.crt");
        Files.writeString(rootFile, ca);
    }

    @AfterEach
    void stop() {
        publishers.forEach(RootCertPublisher::close);
    }

    @Test
    void everyNamespaceButTheIgnoredGetsItAndKeepsIt() throws Exception {
        for (var name : List.of("shop", "kube-system", "kube-public", "kube-node-lease", "legacy")) {
            namespace(name);
        }
        start(Set.of("legacy"));
        eventually("published in shop", () -> ca.equals(pem("shop")));
        var published = configMap("shop");
        assertEquals(Map.of("istio.io/config", "true"), published.getMetadata().getLabels());
        assertEquals(Map.of("root-cert.pem", ca), published.getData());

        namespace("fresh");
        eventually("published in a new namespace", () -> ca.equals(pem("fresh")));
        // One worker, in order: fresh came after every namespace of the first pass.
        for (var untouched : List.of("kube-system", "kube-public", "kube-node-lease", "legacy")) {
            assertNull(configMap(untouched), untouched + " must be left alone");
        }

        client.configMaps().inNamespace("shop").withName("istio-ca-root-cert").delete();
        eventually("recreated after a delete", () -> ca.equals(pem("shop")));

        client.configMaps().inNamespace("shop").withName("istio-ca-root-cert").edit(cm -> new ConfigMapBuilder(cm)
                .addToData("root-cert.pem", "tampered").addToData("note", "mine").build());
        eventually("restored after an edit", () -> ca.equals(pem("shop")));
        assertEquals("mine", configMap("shop").getData().get("note"), "only root-cert.pem is the publisher's, as with istiod");
    }

    @Test
    void aRotatedRootReachesEveryNamespaceAndABrokenFileChangesNothing() throws Exception {
        namespace("shop");
        namespace("billing");
        start(Set.of());
        eventually("published", () -> ca.equals(pem("shop")) && ca.equals(pem("billing")));

        Files.writeString(rootFile, "-----BEGIN CERTIFICATE-----\nhalf writ");
        Thread.sleep(500); // several file checks (every 100 ms) see the broken file
        namespace("marker");
        eventually("published in marker", () -> ca.equals(pem("marker")));
        assertEquals(ca, pem("shop"), "a file that is not a certificate is not published");

        Files.writeString(rootFile, rotated);
        eventually("rotated everywhere", () -> rotated.equals(pem("shop")) && rotated.equals(pem("billing")) && rotated.equals(pem("marker")));
    }

    @Test
    void twoReplicasWriteOnceAndChangesThatLeaveItRightWriteNothing() throws Exception {
        namespace("shop");
        start(Set.of());
        start(Set.of());
        eventually("published", () -> ca.equals(pem("shop")));
        // The second replica may still be on its first pass (its create then meets the first one's ConfigMap): let
        // both finish before counting, so only what the changes below cause is counted.
        Thread.sleep(1000);
        writes("shop");

        // A namespace change queues shop on both replicas, and so do the echoes of their own writes; the marker
        // namespace is queued after it, on both.
        client.namespaces().withName("shop").edit(ns -> new NamespaceBuilder(ns).editMetadata().addToLabels("team", "a").endMetadata().build());
        namespace("marker");
        eventually("published in marker", () -> ca.equals(pem("marker")));
        Thread.sleep(500);
        assertEquals(List.of(), writes("shop"), "an up-to-date ConfigMap was written again");
    }

    @Test
    void apiErrorsAreRetriedWithoutHoldingUpOtherNamespaces() throws Exception {
        // 403 until the RBAC is fixed (the client itself retries 5xx, so a 4xx is what reaches the publisher).
        var forbidden = new StatusBuilder().withCode(403).withReason("Forbidden").withMessage("configmaps is forbidden").build();
        server.expect().post().withPath("/api/v1/namespaces/flaky/configmaps").andReturn(403, forbidden).times(3);
        server.expect().post().withPath("/api/v1/namespaces/locked/configmaps").andReturn(403, forbidden).always();
        namespace("flaky");
        namespace("locked");
        namespace("shop");
        start(Set.of());
        eventually("published where the API answers", () -> ca.equals(pem("shop")));
        eventually("published after the API recovered", () -> ca.equals(pem("flaky")));
        assertNull(configMap("locked"));
        namespace("later");
        eventually("a namespace that always fails holds nothing up", () -> ca.equals(pem("later")));
    }

    @Test
    void noCertificateFileMeansNothingPublishedUntilThereIsOne() throws Exception {
        Files.delete(rootFile);
        namespace("shop");
        start(Set.of());
        namespace("marker");
        Thread.sleep(500);
        assertNull(configMap("shop"));
        Files.writeString(rootFile, ca);
        eventually("published once the file exists", () -> ca.equals(pem("shop")) && ca.equals(pem("marker")));
    }

    @Test
    void theMeshCasRootIsPublishedAsGiven() throws Exception {
        var caRoot = dev.sidecarinjector.ca.SelfSignedRoot.make("cluster.local", Duration.ofDays(10), java.time.Instant.now(), "test").certificatePem();
        namespace("shop");
        publishers.add(new RootCertPublisher(client, null, RootCertificate.fixed(caRoot, "the mesh CA"), Set.of(), Duration.ofMillis(100),
                Duration.ofMillis(50), Duration.ofMillis(400)).start());
        eventually("the CA's root published", () -> caRoot.equals(pem("shop")));
        namespace("fresh");
        eventually("and in a new namespace", () -> caRoot.equals(pem("fresh")));
    }

    private void start(Set<String> ignored) {
        var extra = new java.util.HashSet<>(Set.of("kube-system", "kube-public", "kube-node-lease"));
        extra.addAll(ignored);
        publishers.add(new RootCertPublisher(client, null, new RootCertificate(rootFile), extra,
                Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofMillis(400)).start());
    }

    /** The writes to the namespace's ConfigMaps since the last call, as the API server received them. */
    private List<String> writes(String namespace) throws InterruptedException {
        var writes = new ArrayList<String>();
        for (var request = server.takeRequest(1, TimeUnit.MILLISECONDS); request != null; request = server.takeRequest(1, TimeUnit.MILLISECONDS)) {
            var line = request.getMethod() + " " + request.getPath();
            if (!request.getMethod().equals("GET") && request.getPath().startsWith("/api/v1/namespaces/" + namespace + "/configmaps")) {
                writes.add(line);
            }
        }
        return writes;
    }

    private void namespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    private ConfigMap configMap(String namespace) {
        return client.configMaps().inNamespace(namespace).withName("istio-ca-root-cert").get();
    }

    private String pem(String namespace) {
        var cm = configMap(namespace);
        return cm == null || cm.getData() == null ? null : cm.getData().get("root-cert.pem");
    }

    private static void eventually(String what, Supplier<Boolean> condition) throws InterruptedException {
        var deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
