package dev.sidecarinjector.chart;

import dev.sidecarinjector.testing.WebhookClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sidecarinjector.inject.ModelStrictness;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The webhook started on what the chart renders: the generated serving certificate and key from the Secret,
 * injector.properties loaded through quarkus.config.locations (as QUARKUS_CONFIG_LOCATIONS does in the pod),
 * and the templates directory from the ConfigMap. A client that trusts only the chart's caBundle and checks
 * the name the API server uses (<service>.<namespace>.svc) gets a pod injected with the chart's settings.
 * Three lines of the properties are changed for a run without a cluster: the namespace source is static, the
 * templates directory is the temporary copy, and the mesh CA (whose root lives in a Secret) is off.
 */
@QuarkusTest
@TestProfile(ChartServesIT.RenderedChartProfile.class)
class ChartServesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Renders the native.yaml value set (distinctive settings) and lays the files out as the pod would see them. */
    public static class RenderedChartProfile implements QuarkusTestProfile {
        static Path dir;
        static String caBundle;
        static String serviceHost;

        /** Test resources of other classes (their own certificates) must not replace the chart's. */
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                var chart = ChartRenderIT.render("native.yaml");
                dir = Files.createTempDirectory("chart-serves");
                var templates = Files.createDirectories(dir.resolve("templates"));
                chart.appConfigMap().path("data").fields().forEachRemaining(entry -> {
                    try {
                        var target = entry.getKey().equals("injector.properties") ? dir : templates;
                        Files.writeString(target.resolve(entry.getKey()), entry.getValue().asText(), StandardCharsets.UTF_8);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                var properties = dir.resolve("injector.properties");
                var text = Files.readString(properties)
                        .replace("injector.namespaces.source=kubernetes", "injector.namespaces.source=static")
                        .replace("injector.ca.enabled=true", "injector.ca.enabled=false")
                        .replaceAll("(?m)^injector\\.templates\\.directory=.*$", "injector.templates.directory=" + templates);
                Files.writeString(properties, text);
                var secret = chart.one("Secret").path("data");
                Files.write(dir.resolve("tls.crt"), Base64.getDecoder().decode(secret.path("tls.crt").asText()));
                Files.write(dir.resolve("tls.key"), Base64.getDecoder().decode(secret.path("tls.key").asText()));
                caBundle = chart.one("MutatingWebhookConfiguration").path("webhooks").get(0).path("clientConfig").path("caBundle").asText();
                var service = chart.one("MutatingWebhookConfiguration").path("webhooks").get(0).path("clientConfig").path("service");
                serviceHost = service.path("name").asText() + "." + service.path("namespace").asText() + ".svc";
                return Map.of(
                        "quarkus.config.locations", properties.toString(),
                        "quarkus.tls.key-store.pem.0.cert", dir.resolve("tls.crt").toString(),
                        "quarkus.tls.key-store.pem.0.key", dir.resolve("tls.key").toString());
            } catch (Exception e) {
                throw new IllegalStateException("could not render the chart for the webhook", e);
            }
        }
    }

    @Test
    void injectsWithTheChartsCertificateSettingsAndTemplates() throws Exception {
        var review = review();
        var reply = post("/inject", JSON.writeValueAsBytes(review));
        var response = reply.path("response");
        assertEquals(review.at("/request/uid").asText(), response.path("uid").asText());
        assertTrue(response.path("allowed").asBoolean(), reply.toString());
        var patch = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
        var pod = JSON.treeToValue(JsonPatch.apply(patch, review.at("/request/object")), Pod.class);
        assertEquals(List.of(), ModelStrictness.unknownFields(pod, "pod"));
        // native.yaml: native placement, its own proxy image, interception none (no sidecar-init).
        assertEquals(List.of("web"), pod.getSpec().getContainers().stream().map(Container::getName).toList());
        var proxy = pod.getSpec().getInitContainers().stream().filter(c -> c.getName().equals("sidecar-proxy")).findFirst().orElseThrow();
        assertEquals("Always", proxy.getRestartPolicy());
        assertEquals("registry.example.com/mesh/sidecar-proxy:1.2.3", proxy.getImage());
        assertEquals(List.of("sidecar-proxy"), pod.getSpec().getInitContainers().stream().map(Container::getName).toList());
    }

    private static ObjectNode review() {
        var review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        var request = review.putObject("request");
        request.put("uid", "3a1c9a42-chart-serves").put("operation", "CREATE").put("namespace", "demo");
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        var pod = request.putObject("object").put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", "web").put("namespace", "demo");
        pod.putObject("spec").putArray("containers").addObject().put("name", "web").put("image", "nginx:1.27");
        return review;
    }

    /** POSTs as kube-apiserver does: trusting only the caBundle, and checking the certificate names the Service. */
    private static JsonNode post(String path, byte[] body) throws Exception {
        var tls = WebhookClient.trustOnly(new ByteArrayInputStream(Base64.getDecoder().decode(RenderedChartProfile.caBundle)));

        var port = ConfigProvider.getConfig().getValue("quarkus.http.test-ssl-port", Integer.class);
        var connection = (HttpsURLConnection) URI.create("https://localhost:" + port + path).toURL().openConnection();
        connection.setSSLSocketFactory(tls.getSocketFactory());
        // The socket goes to localhost; the name checked is the one the API server dials.
        connection.setHostnameVerifier((host, session) -> {
            try {
                var served = (X509Certificate) session.getPeerCertificates()[0];
                return served.getSubjectAlternativeNames().stream().anyMatch(san -> RenderedChartProfile.serviceHost.equals(san.get(1)));
            } catch (Exception e) {
                return false;
            }
        });
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        try (var out = connection.getOutputStream()) {
            out.write(body);
        }
        assertEquals(200, connection.getResponseCode());
        try (var in = connection.getInputStream()) {
            return JSON.readTree(in);
        }
    }
}
