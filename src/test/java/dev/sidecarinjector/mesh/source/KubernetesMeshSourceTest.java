package dev.sidecarinjector.mesh.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.mesh.index.MeshDocuments;
import dev.sidecarinjector.mesh.index.MeshIndex;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The kubernetes source against fabric8's mock API server in CRUD mode (Istio kinds through the generic client). */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesMeshSourceTest {

    KubernetesClient client;

    @Test
    void theIndexFollowsTheClusterAndCompilesLikeTheDirectory() throws Exception {
        var parsed = MeshDocuments.read(Files.readString(Path.of("src/test/resources/mesh-golden/reviews/input.yaml")), "input.yaml");
        for (var resource : parsed.resources()) {
            // The API server serves Istio's v1beta1 objects as v1 too; the mock keeps versions apart, so store them as v1.
            if (resource.getApiVersion().startsWith("networking.istio.io/")) {
                resource.setApiVersion("networking.istio.io/v1");
            }
            client.resource(resource).create();
        }
        var strict = new io.fabric8.istio.api.security.v1.PeerAuthentication();
        strict.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("default").withNamespace("default").build());
        strict.setSpec(new io.fabric8.istio.api.api.security.v1beta1.PeerAuthentication(
                new io.fabric8.istio.api.api.security.v1beta1.PeerAuthenticationMutualTLS(
                        io.fabric8.istio.api.api.security.v1beta1.PeerAuthenticationMutualTLSMode.STRICT), null, null));
        client.resource(strict).create();
        var denyGet = MeshDocuments.read("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: deny-get, namespace: default}
                spec: {action: DENY, rules: [{to: [{operation: {methods: [GET]}}]}]}
                """, "inline").resources().getFirst();
        client.resource(denyGet).create();
        client.resource(MeshDocuments.read(Files.readString(Path.of("src/test/resources/mesh-golden/request-authn/input.yaml")), "input.yaml")
                .resources().stream().filter(r -> r.getMetadata().getName().equals("payment-only")).findFirst().orElseThrow()).create();
        var published = new LinkedBlockingQueue<MeshIndex>();
        try (var source = new KubernetesMeshSource(client)) {
            source.addListener(published::add);
            source.start();
            var first = published.poll(20, TimeUnit.SECONDS);
            assertTrue(source.ready());
            assertEquals(1, first.virtualServices().size());
            assertEquals(1, first.destinationRules().size());
            assertEquals(1, first.peerAuthentications().size());
            assertEquals(1, first.authorizationPolicies().size());
            assertEquals(1, first.requestAuthentications().size());
            assertEquals(2, first.services().size());
            assertEquals(2, first.endpointSlices().size());
            assertEquals(3, first.pods().size());

            var vs = client.resources(VirtualService.class).inNamespace("default").withName("reviews").get();
            vs.getSpec().getHttp().getFirst().setTimeout("3s");
            client.resource(vs).update();
            MeshIndex changed;
            do {
                changed = published.poll(20, TimeUnit.SECONDS);
            } while (changed != null && !"3s".equals(changed.virtualServices().get("default/reviews").getSpec().getHttp().getFirst().getTimeout()));
            assertTrue(changed != null, "the VirtualService change never reached the index");
            assertTrue(changed.version() > first.version());
        }
    }

    @Test
    void aProblemBecomesAWarningEventOnTheResource() throws Exception {
        var parsed = MeshDocuments.read(Files.readString(Path.of("src/test/resources/mesh-golden/invalid/input.yaml")), "input.yaml");
        var index = MeshIndex.of(1, parsed.resources());
        var problem = new dev.sidecarinjector.mesh.compile.MeshCompiler("cluster.local", "istio-system").problems(index).stream()
                .filter(p -> p.name().equals("bad-duration")).findFirst().orElseThrow();
        try (var events = new MeshProblemEvents(client)) {
            events.record(problem, index);
            var event = awaitEvent("default");
            assertEquals("Warning", event.getType());
            assertEquals("MeshConfigInvalid", event.getReason());
            assertEquals("VirtualService", event.getInvolvedObject().getKind());
            assertEquals("bad-duration", event.getInvolvedObject().getName());
            assertTrue(event.getMessage().contains("spec.http[0].timeout: \"10x\""), event.getMessage());
        }
    }

    @Test
    void anAuthorizationPolicyProblemIsAWarningEventNamingTheField() throws Exception {
        var parsed = MeshDocuments.read(Files.readString(Path.of("src/test/resources/mesh-golden/authz/input.yaml")), "input.yaml");
        var index = MeshIndex.of(1, parsed.resources());
        var problem = new dev.sidecarinjector.mesh.compile.MeshCompiler("cluster.local", "istio-system").problems(index).stream()
                .filter(p -> p.name().equals("ext-authz")).findFirst().orElseThrow();
        try (var events = new MeshProblemEvents(client)) {
            events.record(problem, index);
            var event = awaitEvent("production");
            assertEquals("MeshConfigIgnored", event.getReason());
            assertEquals("AuthorizationPolicy", event.getInvolvedObject().getKind());
            assertEquals("ext-authz", event.getInvolvedObject().getName());
            assertTrue(event.getMessage().contains("spec.action: \"CUSTOM\" is not supported"), event.getMessage());
        }
    }

    @Test
    void aRequestAuthenticationProblemBecomesAnEventNamingTheField() throws Exception {
        var parsed = MeshDocuments.read(Files.readString(Path.of("src/test/resources/mesh-golden/request-authn-invalid/input.yaml")), "input.yaml");
        var index = MeshIndex.of(1, parsed.resources());
        var problem = new dev.sidecarinjector.mesh.compile.MeshCompiler("cluster.local", "istio-system").problems(index).stream()
                .filter(p -> p.name().equals("bad-jwks")).findFirst().orElseThrow();
        try (var events = new MeshProblemEvents(client)) {
            events.record(problem, index);
            var event = awaitEvent("default");
            assertEquals("MeshConfigInvalid", event.getReason());
            assertEquals("RequestAuthentication", event.getInvolvedObject().getKind());
            assertEquals("bad-jwks", event.getInvolvedObject().getName());
            assertTrue(event.getMessage().contains("spec.jwtRules[0].jwks"), event.getMessage());
        }
    }

    @Test
    void anEndpointSliceWarningBecomesAnEventOnTheSlice() throws Exception {
        var parsed = MeshDocuments.read(Files.readString(Path.of("src/test/resources/mesh-golden/out-of-bounds/input.yaml")), "input.yaml");
        var index = MeshIndex.of(1, parsed.resources());
        var problem = new dev.sidecarinjector.mesh.compile.MeshCompiler("cluster.local", "istio-system").problems(index).stream()
                .filter(p -> p.kind().equals("EndpointSlice")).findFirst().orElseThrow();
        try (var events = new MeshProblemEvents(client)) {
            events.record(problem, index);
            var event = awaitEvent(problem.namespace());
            assertEquals("MeshConfigIgnored", event.getReason());
            assertEquals("EndpointSlice", event.getInvolvedObject().getKind());
            assertEquals(problem.name(), event.getInvolvedObject().getName());
            assertTrue(event.getMessage().contains("endpoints[0].addresses["), event.getMessage());
        }
    }

    /** The first Event recorded in {@code namespace}, waited for up to 10 s (the events are sent by a thread of their own). */
    private io.fabric8.kubernetes.api.model.Event awaitEvent(String namespace) throws InterruptedException {
        for (var i = 0; i < 200; i++) {
            var list = client.v1().events().inNamespace(namespace).list().getItems();
            if (!list.isEmpty()) {
                return list.getFirst();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no Event was recorded in " + namespace);
    }

    @Test
    void notReadyWhileTheApiIsUnreachable() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var config = new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + closedPort)
                .withRequestRetryBackoffLimit(0).withConnectionTimeout(200).build();
        try (var unreachable = new KubernetesClientBuilder().withConfig(config).build();
             var source = new KubernetesMeshSource(unreachable).start()) {
            Thread.sleep(500);
            assertFalse(source.ready());
            assertEquals(0, source.current().version());
            assertTrue(source.describe().contains("not synced: Service"), source.describe());
        }
    }
}
