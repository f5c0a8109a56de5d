package dev.sidecarinjector.mesh.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidecarinjector.api.stream.ProxyNode;
import dev.sidecarinjector.api.stream.StreamMessage;
import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.WebhookClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The stream over real TLS and WebSocket, as a proxy sees it, with the test CA only. */
@QuarkusTest
@QuarkusTestResource(DevCertificates.class)
class StreamServerIT {

    @Inject
    StreamServer server;
    @Inject
    TestSnapshotSource source;

    private HttpClient client() {
        return HttpClient.newBuilder().sslContext(WebhookClient.trustOnly(DevCertificates.DIR.resolve("ca.crt"))).build();
    }

    private Peer connect() throws Exception {
        var peer = new Peer();
        peer.socket = client().newWebSocketBuilder()
                .buildAsync(URI.create("wss://localhost:" + server.port() + StreamMessage.PATH), peer).get(10, TimeUnit.SECONDS);
        return peer;
    }

    @Test
    void aProxySaysHelloGetsItsSnapshotAcksAndIsListedSynced() throws Exception {
        var peer = connect();
        peer.socket.sendText(new StreamMessage.Hello(new ProxyNode("default", "app-1", "10.0.0.9", "app"), "").toJson(), true);
        var push = (StreamMessage.SnapshotPush) StreamMessage.parse(peer.next());
        assertEquals("app-1", push.snapshot().workload().pod());
        peer.socket.sendText(new StreamMessage.Ack(push.version()).toJson(), true);

        var syncz = new ObjectMapper().readTree(awaitSyncz("\"SYNCED\""));
        var proxy = syncz.get(0);
        assertEquals("app-1.default", proxy.path("name").asText());
        assertEquals(push.version(), proxy.path("acked").asText());
        peer.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    }

    @Test
    void garbageIsClosedWithAReasonNotAStackTrace() throws Exception {
        var peer = connect();
        peer.socket.sendText("{\"type\":\"subscribe\"}", true);
        assertEquals("closed 1008 not a stream message: type: \"subscribe\" is not one of hello, snapshot, delta, ack, nack", peer.next());
    }

    @Test
    void aPlainRequestIsToldWhatTheEndpointIs() throws Exception {
        var response = client().send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + StreamMessage.PATH)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("Upgrade"), response.body());
        var other = client().send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/v2")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, other.statusCode());
        var posted = client().send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + StreamServer.SYNCZ))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, posted.statusCode());
        assertEquals("GET, HEAD", posted.headers().firstValue("allow").orElse(""));
        assertEquals("/debug/syncz takes GET, not POST\n", posted.body());
        var problems = client().send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + StreamServer.PROBLEMZ)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, problems.statusCode());
        assertTrue(new ObjectMapper().readTree(problems.body()).isArray(), problems.body());
    }

    @Test
    void metricsAndReadinessAreOnTheWebhooksPort() throws Exception {
        var webhook = "https://localhost:" + org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.http.test-ssl-port", Integer.class);
        var metrics = client().send(HttpRequest.newBuilder(URI.create(webhook + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (var name : List.of("mesh_stream_connected_proxies ", "mesh_stream_pushes_total{kind=\"full\"} ",
                "mesh_stream_pushes_total{kind=\"delta\"} ", "mesh_stream_pushed_bytes_total{kind=\"delta\"} ", "mesh_stream_acks_total ",
                "mesh_stream_nacks_total ", "mesh_stream_rejected_connections_total ", "mesh_stream_push_duration_seconds_count ")) {
            assertTrue(metrics.contains("\n" + name), name + " in /q/metrics");
        }
        var ready = new ObjectMapper().readTree(client().send(HttpRequest.newBuilder(URI.create(webhook + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        for (var check : ready.path("checks")) {
            if (check.path("name").asText().equals("mesh-stream")) {
                assertEquals("UP", check.path("status").asText());
                assertEquals(server.port(), check.at("/data/port").asInt());
                return;
            }
        }
        throw new AssertionError("no mesh-stream readiness check: " + ready);
    }

    private String awaitSyncz(String expected) throws Exception {
        String body = "";
        for (var i = 0; i < 100 && !body.contains(expected); i++) {
            body = client().send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + StreamServer.SYNCZ)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Thread.sleep(100);
        }
        assertTrue(body.contains(expected), body);
        return body;
    }

    /** Collects whole text messages and the close, in order. */
    static final class Peer implements WebSocket.Listener {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            received.add("closed " + statusCode + " " + reason);
            return null;
        }

        String next() throws InterruptedException {
            var message = received.poll(10, TimeUnit.SECONDS);
            assertTrue(message != null, "nothing received within 10 s");
            return message;
        }
    }
}
