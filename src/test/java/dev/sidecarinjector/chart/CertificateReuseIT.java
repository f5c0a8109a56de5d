package dev.sidecarinjector.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * In certificates.mode=helm an upgrade must keep the CA and serving certificate: the chart's {@code lookup}
 * finds the Secret of the earlier install. Helm renders against the fabric8 mock API server, which holds
 * that Secret, with {@code helm template --dry-run=server} (the way lookup reaches a cluster).
 */
@EnableKubernetesMockClient(https = false)
class CertificateReuseIT {

    /** Started before each test and stopped after it, plain HTTP, by the extension. */
    KubernetesMockServer server;

    /** Legacy discovery for the kinds the chart renders: Helm maps each document to a resource before it prints. */
    private void discovery() {
        var kinds = Map.of(
                "v1", List.of("ServiceAccount", "Secret", "ConfigMap", "Service", "Pod"),
                "apps/v1", List.of("Deployment"),
                "policy/v1", List.of("PodDisruptionBudget"),
                "rbac.authorization.k8s.io/v1", List.of("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"),
                "admissionregistration.k8s.io/v1", List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"),
                "apiextensions.k8s.io/v1", List.of("CustomResourceDefinition"));
        var clusterScoped = List.of("ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "CustomResourceDefinition");
        var groups = new java.util.ArrayList<Map<String, Object>>();
        kinds.forEach((groupVersion, list) -> {
            var resources = list.stream().map(kind -> Map.<String, Object>of(
                    "name", kind.toLowerCase(java.util.Locale.ROOT) + "s", "singularName", kind.toLowerCase(java.util.Locale.ROOT),
                    "namespaced", !clusterScoped.contains(kind), "kind", kind, "verbs", List.of("get", "list", "create"))).toList();
            var path = groupVersion.equals("v1") ? "/api/v1" : "/apis/" + groupVersion;
            server.expect().get().withPath(path + "?timeout=32s").andReturn(200, Map.of(
                    "kind", "APIResourceList", "apiVersion", "v1", "groupVersion", groupVersion, "resources", resources)).always();
            if (!groupVersion.equals("v1")) {
                var version = Map.of("groupVersion", groupVersion, "version", "v1");
                groups.add(Map.of("name", groupVersion.substring(0, groupVersion.indexOf('/')), "versions", List.of(version), "preferredVersion", version));
            }
        });
        server.expect().get().withPath("/api?timeout=32s").andReturn(200, Map.of(
                "kind", "APIVersions", "versions", List.of("v1"), "serverAddressByClientCIDRs", List.of())).always();
        server.expect().get().withPath("/apis?timeout=32s").andReturn(200, Map.of(
                "kind", "APIGroupList", "apiVersion", "v1", "groups", groups)).always();
    }

    @Test
    void upgradeReusesTheExistingSecret() throws Exception {
        var first = ChartRenderIT.render("defaults.yaml").one("Secret");
        var client = server.createClient();
        // What Helm asks a cluster before it renders with lookup.
        server.expect().get().withPath("/version?timeout=32s").andReturn(200, Map.of(
                "major", "1", "minor", "33", "gitVersion", "v1.33.0", "platform", "linux/amd64")).always();
        discovery();
        var name = first.path("metadata").path("name").asText();
        server.expect().get().withPath("/api/v1/namespaces/" + Helm.NAMESPACE + "/secrets/" + name).andReturn(200, new SecretBuilder()
                .withNewMetadata().withName(name).withNamespace(Helm.NAMESPACE)
                // The ownership an earlier helm install leaves on its objects.
                .withLabels(Map.of("app.kubernetes.io/managed-by", "Helm"))
                .withAnnotations(Map.of("meta.helm.sh/release-name", Helm.RELEASE, "meta.helm.sh/release-namespace", Helm.NAMESPACE))
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("ca.crt", first.path("data").path("ca.crt").asText(),
                        "tls.crt", first.path("data").path("tls.crt").asText(),
                        "tls.key", first.path("data").path("tls.key").asText()))
                .build()).always();

        var kubeconfig = Files.createTempFile("kubeconfig", ".yaml");
        try {
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: mock
                      cluster:
                        server: %s
                        insecure-skip-tls-verify: true
                    contexts:
                    - name: mock
                      context: {cluster: mock, namespace: %s}
                    current-context: mock
                    users:
                    - name: mock
                      user: {token: test}
                    """.formatted(client.getMasterUrl().toString().replaceAll("/$", ""), Helm.NAMESPACE));
            var result = Helm.run("template", Helm.RELEASE, Helm.CHART.toString(), "--namespace", Helm.NAMESPACE,
                    "--dry-run=server", "--disable-openapi-validation", "--kubeconfig", kubeconfig.toString());
            assertEquals(0, result.exitCode(), result.describe());
            var upgraded = RenderedChart.parse(result.stdout());
            var secret = upgraded.one("Secret");
            assertEquals(first.path("data"), secret.path("data"), "an upgrade must reuse the generated certificates");
            upgraded.one("MutatingWebhookConfiguration").path("webhooks")
                    .forEach(w -> assertEquals(first.path("data").path("ca.crt").asText(), w.path("clientConfig").path("caBundle").asText()));
            // Without the Secret, a fresh CA: the reuse above is the lookup's doing, not chance.
            assertNotEquals(first.path("data").path("ca.crt"), ChartRenderIT.render("defaults.yaml").one("Secret").path("data").path("ca.crt"));
        } finally {
            Files.delete(kubeconfig);
        }
    }
}
