package dev.sidecarinjector.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.WebhookClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.RestAssuredConfig;
import io.restassured.config.SSLConfig;
import java.io.InputStream;
import java.nio.file.Files;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** Liveness and readiness as the kubelet reads them, over HTTPS with only the test CA trusted. */
@QuarkusTest
@QuarkusTestResource(DevCertificates.class)
class HealthIT {

    private static RestAssuredConfig trustingTestCa() throws Exception {
        try (InputStream in = Files.newInputStream(DevCertificates.DIR.resolve("ca.crt"))) {
            return RestAssuredConfig.config().sslConfig(SSLConfig.sslConfig().trustStore(WebhookClient.trustStore(in)));
        }
    }

    private static String base() {
        return "https://localhost:" + ConfigProvider.getConfig().getValue("quarkus.http.test-ssl-port", Integer.class);
    }

    @Test
    void liveAndReadyWithEveryCheckUp() throws Exception {
        given().config(trustingTestCa()).baseUri(base())
                .when().get("/q/health/live")
                .then().statusCode(200).body("status", is("UP"));
        given().config(trustingTestCa()).baseUri(base())
                .when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems("tls", "templates", "namespace-labels", "memory", "mesh-stream"))
                .body("checks.find { it.name == 'tls' }.data.subject", is("CN=sidecar-injector"));
    }

    @Test
    void theJvmMetersAreReadWhenScrapedNotFromGcNotifications() throws Exception {
        var metrics = given().config(trustingTestCa()).baseUri(base()).when().get("/q/metrics").then().statusCode(200).extract().asString();
        for (var series : new String[] {"jvm_gc_pause_seconds_count{gc=", "jvm_gc_pause_seconds_sum{gc=", "jvm_gc_memory_allocated_bytes_total ",
                "jvm_memory_used_bytes{", "jvm_threads_live_threads ", "jvm_classes_loaded_classes ", "jvm_info{"}) {
            assertTrue(metrics.contains(series), series + " missing from /q/metrics");
        }
        // Only the notification timer of Quarkus's own binder has a maximum; the heap-pressure meters listen too.
        assertFalse(metrics.contains("jvm_gc_pause_seconds_max"), "a GC notification listener is registered");
        assertFalse(metrics.contains("jvm_gc_overhead"), "a GC notification listener is registered");
    }

    @Test
    void plainHttpIsNotServed() {
        var port = ConfigProvider.getConfig().getValue("quarkus.http.test-ssl-port", Integer.class);
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("GET /q/health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            socket.setSoTimeout(5000);
            var reply = new String(socket.getInputStream().readNBytes(12));
            org.junit.jupiter.api.Assertions.assertFalse(reply.startsWith("HTTP/1.1 200"), "plain HTTP answered: " + reply);
        } catch (java.io.IOException expected) {
            // the TLS port closes a plain-text connection: also fine
        }
    }
}
