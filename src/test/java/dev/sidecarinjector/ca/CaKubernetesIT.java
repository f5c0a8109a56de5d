package dev.sidecarinjector.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidecarinjector.api.ca.CertificateRequest;
import dev.sidecarinjector.api.ca.CertificateResponse;
import dev.sidecarinjector.mesh.push.StreamServer;
import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.WebhookClient;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The CA with the cluster, over the fabric8 mock API server: the self-signed root made and kept in the Secret
 * istio-ca-secret, published as istio-ca-root-cert in a namespace, and a proxy's request authenticated by a
 * TokenReview (the mock answers as kube-apiserver would) and verified against that published root.
 */
@QuarkusTest
@TestProfile(CaKubernetesIT.InCluster.class)
@QuarkusTestResource(DevCertificates.class)
@WithKubernetesTestServer(crud = true, setup = CaKubernetesIT.Cluster.class)
class CaKubernetesIT {

    static final String NS = "sidecar-injector-system";
    private static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";

    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    StreamServer stream;

    /** The mesh read from the API, so the CA keeps its root in a Secret and checks tokens with TokenReview. */
    public static class InCluster implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("injector.ca.enabled", "true",
                    "injector.mesh.source", "kubernetes",
                    "injector.ca.secret-namespace", NS);
        }
    }

    /** A namespace for the root certificate, and kube-apiserver's answer to a TokenReview of the cart pod's token. */
    public static class Cluster implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            server.getClient().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
            TokenReview review = new TokenReviewBuilder().withNewStatus().withAuthenticated(true).withAudiences("istio-ca")
                    .withNewUser().withUsername("system:serviceaccount:shop:cart")
                    .withGroups("system:serviceaccounts", "system:serviceaccounts:shop", "system:authenticated").endUser()
                    .endStatus().build();
            server.expect().post().withPath(TOKEN_REVIEWS).andReturn(201, review).always();
        }
    }

    private String publishedRoot() throws InterruptedException {
        for (var i = 0; i < 200; i++) {
            var configMap = server.getClient().configMaps().inNamespace("shop").withName("istio-ca-root-cert").get();
            if (configMap != null) {
                return configMap.getData().get("root-cert.pem");
            }
            Thread.sleep(100);
        }
        throw new AssertionError("istio-ca-root-cert was not published in namespace shop");
    }

    @Test
    void theRootIsKeptInASecretPublishedAndTrustedForACertificateAuthenticatedByTokenReview() throws Exception {
        var secret = server.getClient().secrets().inNamespace(NS).withName("istio-ca-secret").get();
        assertNotNull(secret, "istio-ca-secret made at start");
        var kept = new String(Base64.getDecoder().decode(secret.getData().get("root-cert.pem")), StandardCharsets.UTF_8);
        var published = publishedRoot();
        assertEquals(kept, published, "the ConfigMap proxies mount holds the CA's root");

        var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .sslContext(WebhookClient.trustOnly(new ByteArrayInputStream(published.getBytes(StandardCharsets.UTF_8)))).build();
        var csr = TestPki.csr(TestPki.rsa(2048), "spiffe://cluster.local/ns/kube-system/sa/admin");
        var response = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + stream.port() + CertificateRequest.PATH))
                .header("Content-Type", "application/json").header("Authorization", "Bearer projected-token-of-cart")
                .POST(HttpRequest.BodyPublishers.ofString(new CertificateRequest(csr, OptionalLong.empty()).toJson())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        var chain = CertificateResponse.parse(response.body());
        assertEquals(published, chain.root());
        var leaf = Pem.certificates(chain.leaf()).getFirst();
        assertEquals(List.of(List.of(6, "spiffe://cluster.local/ns/shop/sa/cart")), List.copyOf(leaf.getSubjectAlternativeNames()));

        TokenReview sent = null;
        for (var request = server.getKubernetesMockServer().takeRequest(1, java.util.concurrent.TimeUnit.SECONDS); request != null;
                request = server.getKubernetesMockServer().takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            if (request.getPath().equals(TOKEN_REVIEWS)) {
                sent = new ObjectMapper().readValue(request.getBody().readUtf8(), TokenReview.class);
            }
        }
        assertNotNull(sent, "a TokenReview was made");
        assertEquals("projected-token-of-cart", sent.getSpec().getToken());
        assertEquals(List.of("istio-ca"), sent.getSpec().getAudiences());
        assertTrue(new WebhookClient().getText("/q/metrics").contains("\nmesh_ca_certificates_issued_total 1.0"));
    }
}
