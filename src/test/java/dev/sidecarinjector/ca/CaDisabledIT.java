package dev.sidecarinjector.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.ca.CertificateRequest;
import dev.sidecarinjector.mesh.push.StreamServer;
import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.WebhookClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** With the CA off (the tests' default), 15012 is served with the webhook's certificate and the CA's path is 404. */
@QuarkusTest
@QuarkusTestResource(DevCertificates.class)
class CaDisabledIT {

    @Inject
    StreamServer server;

    @Test
    void theCertificatePathSaysTheCaIsOff() throws Exception {
        var client = HttpClient.newBuilder().sslContext(WebhookClient.trustOnly(DevCertificates.DIR.resolve("ca.crt"))).build();
        var response = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + CertificateRequest.PATH))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"csr\":\"x\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, response.statusCode());
        assertTrue(response.body().contains("\"reason\":\"ca_disabled\""), response.body());
    }
}
