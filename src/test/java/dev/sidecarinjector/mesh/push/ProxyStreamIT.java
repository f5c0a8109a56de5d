package dev.sidecarinjector.mesh.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidecarinjector.cli.MeshStatusCommand;
import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.WebhookClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Both ends for real: this Quarkus control plane (with {@link TestSnapshotSource}) and the real proxy jar
 * connecting to it over TLS verified with the test CA. The proxy waits for synced caches (not ready meanwhile),
 * acks, gets a change as a delta, nacks a bad delta and then the full snapshot sent in its place and keeps the good
 * one, gets the next change in full, keeps its snapshot through a control-plane outage, and reconnects when it comes
 * back; {@code mesh status} shows it.
 */
@QuarkusTest
@QuarkusTestResource(DevCertificates.class)
class ProxyStreamIT {

    private static final Path JAR = Path.of("proxy/target/sidecar-proxy.jar");
    private static final Pattern APPLIED = Pattern.compile(".*config: applied version (\\S+) .*");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    StreamServer server;
    @Inject
    TestSnapshotSource source;

    private Process proxy;
    private final BlockingQueue<String> log = new LinkedBlockingQueue<>();
    private final HttpClient plain = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        source.ready = true;
        source.change(8080, false);
        if (server.port() < 0) {
            server.listen(lastPort);
        }
        if (proxy != null) {
            proxy.destroy();
            proxy.waitFor(20, TimeUnit.SECONDS);
            proxy.destroyForcibly();
        }
    }

    private int lastPort;

    @Test
    void theRealProxyFollowsTheControlPlaneThroughChangesRejectionsAndAnOutage() throws Exception {
        if (!Files.exists(JAR)) {
            var message = JAR + " is missing: `make test` builds the proxy before the webhook's tests";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message);
            }
            assumeTrue(false, message);
        }
        source.ready = false;
        source.change(8080, false);
        lastPort = server.port();
        startProxy();
        var health = Integer.parseInt(line(l -> l.contains("proxy listening: inbound")).replaceAll(".*health :(\\d+),.*", "$1"));
        var admin = Integer.parseInt(line(l -> l.contains("admin on 127.0.0.1:")).replaceAll(".*admin on 127.0.0.1:(\\d+),.*", "$1"));

        // Caches not synced: the proxy is connected, waits, and is not ready.
        awaitSyncz(p -> p.path("name").asText().equals("app-1.default") && p.path("sent").asText().isEmpty());
        var waiting = get("http://127.0.0.1:" + health + "/healthz/ready");
        assertEquals(503, waiting.statusCode());
        assertTrue(waiting.body().startsWith("waiting for the first configuration from localhost:" + lastPort), waiting.body());

        source.ready = true;
        var first = applied();
        awaitSyncz(p -> p.path("acked").asText().equals(first) && p.path("state").asText().equals("SYNCED"));
        assertEquals(200, get("http://127.0.0.1:" + health + "/healthz/ready").statusCode());

        // Acked: the change comes as a delta, and /config_dump shows the whole snapshot it gives.
        var started = System.nanoTime();
        source.change(6432, false);
        var secondLine = appliedLine();
        var second = version(secondLine);
        assertTrue(secondLine.contains("(delta from " + first + ", 1 set, 0 removed; 1 listeners, 0 route tables, 1 clusters, 1 endpoints)"),
                secondLine);
        awaitSyncz(p -> p.path("acked").asText().equals(second) && p.path("state").asText().equals("SYNCED"));
        System.out.printf("change to ack seen in /debug/syncz: %d ms (debounce 100 ms)%n", (System.nanoTime() - started) / 1_000_000);
        assertNotEquals(first, second);
        var applied = JSON.readTree(get("http://127.0.0.1:" + admin + "/config_dump").body());
        assertEquals(second, applied.at("/snapshot/version").asText());
        assertEquals("10.96.0.60", applied.at("/snapshot/listeners/0/address").asText());
        assertEquals(6432, applied.at("/snapshot/clusters/0/endpoints/0/port").asInt());

        // A delta that breaks a reference is nacked; the control plane answers with the full snapshot, nacked too.
        source.change(6432, true);
        var rejected = line(l -> l.contains("config: rejected version"));
        assertTrue(rejected.contains("(a delta from " + second + "): listeners.set[0].cluster: \"outbound|5432||nowhere\" is not a cluster of this "
                + "snapshot; keeping version " + second), rejected);
        var rejectedFull = line(l -> l.contains("config: rejected version"));
        assertTrue(rejectedFull.contains("snapshot.listeners[0].cluster: \"outbound|5432||nowhere\" is not a cluster of this snapshot; keeping version "
                + second), rejectedFull);
        var stale = awaitSyncz(p -> p.path("state").asText().equals("STALE") && p.path("nackReason").asText().startsWith("snapshot."));
        assertEquals(second, stale.path("acked").asText());
        var dump = JSON.readTree(get("http://127.0.0.1:" + admin + "/config_dump").body());
        assertEquals(second, dump.path("version").asText());
        assertEquals(6432, dump.at("/snapshot/clusters/0/endpoints/0/port").asInt());
        assertTrue(dump.path("rejectReason").asText().startsWith("snapshot.listeners[0].cluster"), dump.toString());

        // Nothing acked since: the next change is sent in full.
        source.change(7432, false);
        var thirdLine = appliedLine();
        var third = version(thirdLine);
        assertTrue(!thirdLine.contains("delta"), thirdLine);
        awaitSyncz(p -> p.path("acked").asText().equals(third) && p.path("state").asText().equals("SYNCED"));

        var out = new ByteArrayOutputStream();
        assertEquals(0, new MeshStatusCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                .run("--control-plane", "https://localhost:" + lastPort, "--cacert", DevCertificates.DIR.resolve("ca.crt").toString()));
        assertTrue(out.toString(StandardCharsets.UTF_8).lines().anyMatch(l -> l.matches("app-1\\.default\\s+" + Pattern.quote(third)
                + "\\s+" + Pattern.quote(third) + "\\s+SYNCED\\s+\\d+s")), out.toString(StandardCharsets.UTF_8));

        // A snapshot of megabytes: many WebSocket frames from the control plane, aggregated by the proxy.
        source.endpoints = 20_000;
        source.change(7432, false);
        var big = appliedLine();
        assertTrue(big.contains("(delta from " + third + ", 1 set, 0 removed;") && big.contains(" 20000 endpoints)"), big);
        var bigVersion = big.replaceAll(".*applied version (\\S+) .*", "$1");
        awaitSyncz(p -> p.path("acked").asText().equals(bigVersion));
        source.endpoints = 1;
        source.change(7432, false);
        var fourth = applied();
        awaitSyncz(p -> p.path("acked").asText().equals(fourth) && p.path("state").asText().equals("SYNCED"));

        // The control plane goes away: the proxy says so once, keeps its snapshot and stays ready.
        server.closeServer();
        line(l -> l.contains("config: disconnected from control plane") && l.contains("keeping version " + fourth));
        var during = JSON.readTree(get("http://127.0.0.1:" + admin + "/config_dump").body());
        assertEquals(fourth, during.path("version").asText());
        assertEquals(7432, during.at("/snapshot/clusters/0/endpoints/0/port").asInt());
        assertEquals(200, get("http://127.0.0.1:" + health + "/healthz/ready").statusCode());

        // It comes back: the proxy reconnects with the version it holds and is SYNCED again.
        server.listen(lastPort);
        line(l -> l.contains("config: connected to control plane") && l.contains("holding version " + fourth));
        awaitSyncz(p -> p.path("acked").asText().equals(fourth) && p.path("state").asText().equals("SYNCED"));
        assertTrue(log.stream().noneMatch(l -> l.contains("Exception")), String.join("\n", log));
    }

    /** A projected-token stand-in: the control plane of this test has no CA, so the proxy is told 404 and goes on. */
    private static Path token() throws java.io.IOException {
        var token = Files.createTempFile("istio-token", "");
        Files.writeString(token, "not-a-real-token\n");
        token.toFile().deleteOnExit();
        return token;
    }

    private void startProxy() throws Exception {
        var command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-jar", JAR.toString(), "run", "--inbound-port", free(), "--outbound-port", free(), "--health-port", free(), "--metrics-port", free(),
                "--status-port", free(), "--admin-port", "0", "--control-plane", "localhost:" + lastPort, "--root-cert",
                DevCertificates.DIR.resolve("ca.crt").toString(), "--token-file", token().toString());
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("POD_NAME", "app-1", "POD_NAMESPACE", "default", "INSTANCE_IP", "127.0.0.1", "SERVICE_ACCOUNT", "app"));
        proxy = builder.start();
        Thread.ofPlatform().daemon().start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8))) {
                for (var l = reader.readLine(); l != null; l = reader.readLine()) {
                    System.out.println("proxy| " + l);
                    log.add(l);
                }
            } catch (java.io.IOException e) {
                // the proxy ended
            }
        });
    }

    /** A port free now (the proxy's flags take 1-65535, not 0). */
    private static String free() throws java.io.IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return Integer.toString(socket.getLocalPort());
        }
    }

    /** The next log line that matches, skipping others; at most 20 s. */
    private String line(Predicate<String> wanted) throws InterruptedException {
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            var l = log.poll(100, TimeUnit.MILLISECONDS);
            if (l != null && wanted.test(l)) {
                return l;
            }
        }
        throw new AssertionError("no such proxy log line within 20 s; proxy alive: " + proxy.isAlive());
    }

    private String applied() throws InterruptedException {
        return version(appliedLine());
    }

    private String appliedLine() throws InterruptedException {
        return line(l -> APPLIED.matcher(l).matches());
    }

    private static String version(String appliedLine) {
        var matcher = APPLIED.matcher(appliedLine);
        assertTrue(matcher.matches(), appliedLine);
        return matcher.group(1);
    }

    private JsonNode awaitSyncz(Predicate<JsonNode> wanted) throws Exception {
        var client = HttpClient.newBuilder().sslContext(WebhookClient.trustOnly(DevCertificates.DIR.resolve("ca.crt"))).build();
        String body = "";
        for (var i = 0; i < 200; i++) {
            body = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + lastPort + StreamServer.SYNCZ)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (var proxy : JSON.readTree(body)) {
                if (proxy.path("pod").asText().equals("app-1") && wanted.test(proxy)) {
                    return proxy;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("/debug/syncz never showed the expected state within 20 s: " + body);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return plain.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
