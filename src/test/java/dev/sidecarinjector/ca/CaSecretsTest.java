package dev.sidecarinjector.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The root in a cluster, against fabric8's mock API server in CRUD mode: istio-ca-secret made once, cacerts winning. */
@EnableKubernetesMockClient(crud = true, https = false)
class CaSecretsTest {

    private static final String NS = "sidecar-injector-system";

    KubernetesClient client;
    KubernetesMockServer server;

    private SigningBundle load() throws CaSetupException {
        return new CaSecrets(client, NS).load("cluster.local", Duration.ofDays(3650), Instant.now());
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theSelfSignedRootIsKeptInIstioCaSecretAndReusedByTheNextReplica() throws Exception {
        var first = load();
        var secret = client.secrets().inNamespace(NS).withName("istio-ca-secret").get();
        assertNotNull(secret, "istio-ca-secret created");
        assertEquals("istio.io/ca-root", secret.getType());
        assertEquals(Pem.encode(first.root()), new String(Base64.getDecoder().decode(secret.getData().get("root-cert.pem")), StandardCharsets.UTF_8));
        assertTrue(secret.getData().containsKey("ca-key.pem"));
        assertEquals("Secret " + NS + "/istio-ca-secret", first.origin());

        var second = load();
        assertEquals(first.root(), second.root());
        assertEquals(first.key(), second.key());
    }

    @Test
    void thePlugInSecretCacertsWins() throws Exception {
        var kept = load();
        var pki = TestPki.Hierarchy.make();
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("cacerts").endMetadata()
                .addToData(CaFiles.CA_CERT, base64(Pem.encode(pki.intermediate())))
                .addToData(CaFiles.CA_KEY, base64(Pem.encode(pki.intermediateKeys().getPrivate())))
                .addToData(CaFiles.CERT_CHAIN, base64(Pem.encode(pki.intermediate(), pki.root())))
                .addToData(CaFiles.ROOT_CERT, base64(Pem.encode(pki.root())))
                .build()).create();
        var plugged = load();
        assertEquals(pki.root(), plugged.root());
        assertEquals(pki.intermediate(), plugged.signer());
        assertEquals("Secret " + NS + "/cacerts", plugged.origin());
        assertTrue(!kept.root().equals(plugged.root()));
    }

    @Test
    void aBrokenPlugInSecretStopsTheStartNamingItsKey() throws Exception {
        var pki = TestPki.Hierarchy.make();
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("cacerts").endMetadata()
                .addToData(CaFiles.CA_CERT, base64(Pem.encode(pki.intermediate())))
                .addToData(CaFiles.CA_KEY, base64(Pem.encode(pki.rootKeys().getPrivate())))
                .addToData(CaFiles.ROOT_CERT, base64(Pem.encode(pki.root())))
                .build()).create();
        var error = assertThrows(CaSetupException.class, this::load);
        assertEquals("Secret " + NS + "/cacerts, key ca-key.pem: the key does not belong to the certificate of Secret " + NS
                + "/cacerts, key ca-cert.pem", error.getMessage());
    }

    @Test
    void aReplicaThatLosesTheCreateRaceUsesTheWinnersRoot() throws Exception {
        var winner = SelfSignedRoot.make("cluster.local", Duration.ofDays(3650), Instant.now(), "winner");
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("istio-ca-secret").endMetadata()
                .withType("istio.io/ca-root")
                .addToData(CaFiles.CA_CERT, base64(winner.certificatePem()))
                .addToData(CaFiles.CA_KEY, base64(winner.keyPem()))
                .build()).create();
        // This replica read before the winner created it: its first read finds nothing, its create answers 409.
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/secrets/istio-ca-secret").andReturn(404,
                new StatusBuilder().withCode(404).withReason("NotFound").build()).once();

        var bundle = load();
        assertEquals(winner.bundle().root(), bundle.root());
        assertEquals(winner.bundle().key(), bundle.key());
    }
}
