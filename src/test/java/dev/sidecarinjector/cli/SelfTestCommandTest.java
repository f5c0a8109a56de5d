package dev.sidecarinjector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.config.InjectionSettingsFactory;
import dev.sidecarinjector.inject.AdmissionFacts;
import dev.sidecarinjector.inject.InjectionResult;
import dev.sidecarinjector.inject.SidecarInjector;
import dev.sidecarinjector.inject.SidecarTemplates;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The helm test command against the fabric8 mock API server: it must send a dry-run create (never a real one),
 * pass only when the returned Pod carries the proxy, and say why when it does not.
 */
@EnableKubernetesMockClient(https = false)
class SelfTestCommandTest {

    private static final String DRY_RUN_CREATE = "/api/v1/namespaces/demo/pods?dryRun=All";

    /** Started before each test and stopped after it, plain HTTP, by the extension. */
    KubernetesMockServer server;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void passesWhenTheApiServerReturnsTheInjectedPod() throws Exception {
        server.expect().post().withPath(DRY_RUN_CREATE).andReturn(201, injected(SelfTestCommand.probe(options()), "container")).once();

        assertEquals(0, run("--namespace", "demo"), err());
        assertTrue(out().contains("PASS: the webhook injected sidecar-proxy"), out());
        var request = server.takeRequest();
        assertEquals("POST", request.getMethod());
        assertEquals(DRY_RUN_CREATE, request.getPath(), "the Pod must be created with dryRun=All, never for real");
        var sent = new com.fasterxml.jackson.databind.ObjectMapper().readValue(request.getBody().readUtf8(), Pod.class);
        assertEquals("true", sent.getMetadata().getLabels().get("sidecar.istio.io/inject"), "the probe must opt in with the pod label");
        assertEquals(1, server.getRequestCount(), "exactly one call: the dry-run create");
    }

    @Test
    void passesWithANativeSidecar() throws Exception {
        server.expect().post().withPath(DRY_RUN_CREATE).andReturn(201, injected(SelfTestCommand.probe(options()), "native")).once();

        assertEquals(0, run("--namespace", "demo"), err());
    }

    @Test
    void failsWhenThePodComesBackUninjected() {
        server.expect().post().withPath(DRY_RUN_CREATE).andReturn(201, SelfTestCommand.probe(options())).once();

        assertEquals(1, run("--namespace", "demo"));
        assertTrue(err().contains("FAIL: the Pod came back without the proxy (container sidecar-proxy: missing"), err());
        assertTrue(err().contains("Set test.namespace to an injectable namespace"), err());
    }

    @Test
    void failsWithTheApiServersMessageWhenTheWebhookRejects() {
        var status = new StatusBuilder().withStatus("Failure").withCode(500).withReason("InternalError")
                .withMessage("Internal error occurred: failed calling webhook \"namespace.sidecar-injector.dev\": tls: bad certificate").build();
        server.expect().post().withPath(DRY_RUN_CREATE).andReturn(500, status).always();

        assertEquals(1, run("--namespace", "demo", "--timeout-seconds", "5"));
        assertTrue(err().contains("failed calling webhook \"namespace.sidecar-injector.dev\": tls: bad certificate"), err());
        assertEquals(3, server.getRequestCount(), "one call and two retries, then the API server's answer");
    }

    @Test
    void saysSoWhenTheApiIsUnreachable() {
        var port = server.getPort();
        server.destroy();

        var command = new SelfTestCommand(options -> SelfTestCommand.client(new io.fabric8.kubernetes.client.ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + port).build(), options),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, command.run("--namespace", "demo", "--timeout-seconds", "2"));
        assertTrue(err().contains("FAIL: could not reach the Kubernetes API"), err());
    }

    @Test
    void anUnknownHostSaysWhereItLookedAndWhy() {
        var unknown = new io.fabric8.kubernetes.client.KubernetesClientException("Operation: [create] for kind: [Pod] with name: [null] in namespace: [demo] failed.",
                new java.io.IOException("kubernetes.default.svc", new java.net.UnknownHostException("kubernetes.default.svc")));
        assertEquals("unknown host kubernetes.default.svc (selftest runs in the cluster, as helm test does; elsewhere it needs a kubeconfig: "
                + "KUBECONFIG or ~/.kube/config)", SelfTestCommand.describe(unknown));
        var refused = new io.fabric8.kubernetes.client.KubernetesClientException("failed", new java.io.IOException("wrapped",
                new java.net.ConnectException("Connection refused")));
        assertEquals("ConnectException: Connection refused", SelfTestCommand.describe(refused));
    }

    @Test
    void rejectsBadFlags() {
        assertEquals(2, run("--timeout-seconds", "soon"));
        assertTrue(err().contains("--timeout-seconds \"soon\" is not a whole number"), err());
        assertEquals(2, run("--frobnicate"));
        assertEquals(0, server.getRequestCount());
    }

    private int run(String... args) {
        var command = new SelfTestCommand(options -> SelfTestCommand.client(server.createClient().getConfiguration(), options),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return command.run(args);
    }

    private static SelfTestCommand.Options options() {
        return SelfTestCommand.Options.parse("--namespace", "demo");
    }

    /** The probe as the webhook would return it: injected by the real core, not a hand-made imitation. */
    private static Pod injected(Pod probe, String placement) throws Exception {
        var settings = InjectionSettingsFactory.from(InjectionSettingsFactory.standaloneConfig(Optional.empty(),
                Map.of("injector.proxy.placement", placement)));
        var facts = new AdmissionFacts("CREATE", "demo", Map.of(), true);
        var result = SidecarInjector.inject(probe, facts, settings, SidecarTemplates.builtIn());
        return dev.sidecarinjector.inject.PatchedPods.apply(probe, result);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
