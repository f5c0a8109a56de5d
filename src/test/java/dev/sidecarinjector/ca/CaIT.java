package dev.sidecarinjector.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidecarinjector.api.ca.CertificateRequest;
import dev.sidecarinjector.api.ca.CertificateResponse;
import dev.sidecarinjector.mesh.push.StreamServer;
import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.WebhookClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The application with the mesh CA on, as {@code make run} has it: the directory mesh source, the self-signed root
 * kept in a CA directory, tokens checked against a JWKS file. Requests go over real TLS to port 15012, verified
 * against the root the CA published as a file and the host name, exactly as a proxy would verify them.
 */
@QuarkusTest
@TestProfile(CaIT.WithCa.class)
@QuarkusTestResource(DevCertificates.class)
class CaIT {

    static final Path DIR = Path.of("target/ca-it").toAbsolutePath();
    static final TestTokens TOKENS;

    static {
        try {
            TOKENS = new TestTokens();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CA on, its directory fresh for each run, the JWKS authenticator. */
    public static class WithCa implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                if (Files.exists(DIR)) {
                    try (var files = Files.walk(DIR)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
                    }
                }
                Files.createDirectories(DIR);
                var jwks = TOKENS.jwks(DIR.resolve("jwks.json"));
                return Map.of(
                        "injector.ca.enabled", "true",
                        "injector.mesh.source", "directory",
                        "injector.ca.directory", DIR.resolve("ca").toString(),
                        "injector.ca.plugin-directory", DIR.resolve("no-cacerts").toString(),
                        "injector.ca.jwt.issuer", TestTokens.ISSUER,
                        "injector.ca.jwt.jwks-file", jwks.toString(),
                        "injector.ca.jwt.clock-skew", "5s");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Inject
    StreamServer server;

    private static HttpClient client() {
        // Trusts only the root the CA wrote for proxies run by hand, and checks the host name (localhost).
        return HttpClient.newBuilder().sslContext(WebhookClient.trustOnly(DIR.resolve("ca/root-cert.pem"))).connectTimeout(Duration.ofSeconds(30)).build();
    }

    private URI uri(String path) {
        return URI.create("https://localhost:" + server.port() + path);
    }

    private HttpResponse<String> post(String token, String contentType, String body) throws Exception {
        var request = HttpRequest.newBuilder(uri(CertificateRequest.PATH)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String reason(HttpResponse<String> response) {
        try {
            return new ObjectMapper().readTree(response.body()).path("reason").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aProxyPostsItsCsrOverTlsAndGetsAChainToThePublishedRoot() throws Exception {
        var csr = TestPki.csr(TestPki.ec("secp256r1"), "spiffe://cluster.local/ns/kube-system/sa/admin");
        var response = post(TOKENS.rsaToken("default", "productpage"), "application/json",
                new CertificateRequest(csr, OptionalLong.of(3600)).toJson());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(""));

        var chain = CertificateResponse.parse(response.body()).certChain().stream().map(pem -> {
            try {
                return Pem.certificates(pem).getFirst();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        var root = Pem.certificates(Files.readString(DIR.resolve("ca/root-cert.pem"))).getFirst();
        assertEquals(root, chain.getLast(), "the chain ends at the root proxies trust");
        assertEquals(List.of(List.of(6, "spiffe://cluster.local/ns/default/sa/productpage")), List.copyOf(chain.getFirst().getSubjectAlternativeNames()));
        CertificateIssuerTest.pkixValidate(chain, Instant.now());
        TestPki.opensslVerify(Files.createDirectories(DIR.resolve("openssl")), chain, "-purpose", "sslclient");
    }

    @Test
    void port15012ServesTheControlPlanesOwnCertificateFromTheCa() throws Exception {
        var tls = WebhookClient.trustOnly(DIR.resolve("ca/root-cert.pem"));
        try (var socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", server.port())) {
            var parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            var leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertTrue(leaf.getSubjectAlternativeNames().contains(List.of(2, "localhost")), leaf.getSubjectAlternativeNames().toString());
            assertEquals(List.of("1.3.6.1.5.5.7.3.1"), leaf.getExtendedKeyUsage());
            assertEquals(Pem.certificates(Files.readString(DIR.resolve("ca/root-cert.pem"))).getFirst().getSubjectX500Principal(),
                    leaf.getIssuerX500Principal());
        }
        // The configuration stream's status page is served on the same port, with the same certificate.
        assertEquals(200, client().send(HttpRequest.newBuilder(uri(StreamServer.SYNCZ)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void everyRefusalHasItsStatusAndAJsonReason() throws Exception {
        var token = TOKENS.rsaToken("default", "app");
        var csr = new CertificateRequest(TestPki.csr(), OptionalLong.empty()).toJson();

        var missing = post(null, "application/json", csr);
        assertEquals(401, missing.statusCode());
        assertEquals("missing_token", reason(missing));

        var expiredClaims = TestTokens.serviceAccount("default", "app", Instant.now().minus(Duration.ofHours(13)));
        var expired = post(TOKENS.sign(TOKENS.rsa, expiredClaims), "application/json", csr);
        assertEquals(401, expired.statusCode());
        assertEquals("expired", reason(expired));

        var badJson = post(token, "application/json", "{\"csr\": ");
        assertEquals(400, badJson.statusCode());
        assertEquals("bad_json", reason(badJson));

        var tooLong = post(token, "application/json", new CertificateRequest(TestPki.csr(), OptionalLong.of(Duration.ofDays(91).toSeconds())).toJson());
        assertEquals(400, tooLong.statusCode());
        assertTrue(tooLong.body().contains("validitySeconds: 7862400 is above the maximum of 7776000"), tooLong.body());

        var text = post(token, "text/plain", csr);
        assertEquals(415, text.statusCode());
        assertEquals("unsupported_media_type", reason(text));

        var get = client().send(HttpRequest.newBuilder(uri(CertificateRequest.PATH)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("allow").orElse(""));
        assertEquals("method_not_allowed", reason(get));

        var large = post(token, "application/json", "{\"csr\":\"" + "A".repeat(CertificateRequest.MAX_BODY_BYTES) + "\"}");
        assertEquals(413, large.statusCode());
        assertEquals("body_too_large", reason(large));
        // A megabyte still being sent when the 413 is written: read and dropped, so the client gets the answer, not a reset.
        for (var i = 0; i < 3; i++) {
            var huge = post(token, "application/json", "{\"csr\":\"" + "A".repeat(1 << 20) + "\"}");
            assertEquals(413, huge.statusCode());
            assertEquals("body_too_large", reason(huge));
        }

    }

    @Test
    void issuedAndRefusedRequestsAreCounted() throws Exception {
        assertEquals(200, post(TOKENS.rsaToken("shop", "cart"), "application/json", new CertificateRequest(TestPki.csr(), OptionalLong.empty()).toJson())
                .statusCode());
        assertEquals(401, post(null, "application/json", "{}").statusCode());
        var metrics = new WebhookClient().getText("/q/metrics");
        assertTrue(metrics.contains("\nmesh_ca_certificates_issued_total "), metrics);
        assertTrue(metrics.contains("\nmesh_ca_refusals_total{reason=\"missing_token\"} "), metrics);
    }
}
