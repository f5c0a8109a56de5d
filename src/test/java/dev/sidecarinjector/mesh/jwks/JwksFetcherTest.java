package dev.sidecarinjector.mesh.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.jose4j.jwk.RsaJwkGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The control plane's fetch of jwksUris against a real HTTP server on loopback: first fetch, refresh, failures. */
class JwksFetcherTest {

    private HttpServer server;
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks", exchange -> {
            requests.incrementAndGet();
            var bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    }

    private static String keySet(String kid) throws Exception {
        var key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId(kid);
        return "{\"keys\":[" + key.toJson() + "]}";
    }

    private static JwksFetcher fetcher(Duration refresh, int maxBytes) {
        return new JwksFetcher(new JwksFetcher.Settings(refresh, Duration.ofMillis(50), Duration.ofSeconds(5), maxBytes));
    }

    @Test
    void aNewUriIsFetchedAtOnceAndItsChangesAreRefreshedAndAnnounced() throws Exception {
        var first = keySet("one");
        body.set(first);
        var changes = new Semaphore(0);
        try (var fetcher = fetcher(Duration.ofMillis(100), 65_536)) {
            fetcher.onChange(changes::release);
            assertNull(fetcher.jwks(uri()));
            fetcher.track(Set.of(uri()));
            assertTrue(changes.tryAcquire(10, TimeUnit.SECONDS), "the first fetch announces the keys");
            assertEquals(first, fetcher.jwks(uri()));

            var rotated = keySet("two");
            body.set(rotated);
            assertTrue(changes.tryAcquire(10, TimeUnit.SECONDS), "the refresh announces the new keys");
            assertEquals(rotated, fetcher.jwks(uri()));

            var seen = requests.get();
            waitFor(() -> requests.get() >= seen + 2);
            assertEquals(0, changes.availablePermits(), "refreshes that find the same keys change nothing");
        }
    }

    @Test
    void failuresKeepTheLastGoodKeys() throws Exception {
        var good = keySet("one");
        body.set(good);
        var changes = new Semaphore(0);
        try (var fetcher = fetcher(Duration.ofMillis(50), 65_536)) {
            fetcher.onChange(changes::release);
            fetcher.track(Set.of(uri()));
            assertTrue(changes.tryAcquire(10, TimeUnit.SECONDS));

            status.set(503);
            var seen = requests.get();
            waitFor(() -> requests.get() >= seen + 2);
            assertEquals(good, fetcher.jwks(uri()), "an HTTP error keeps the keys");

            status.set(200);
            body.set("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}");
            var again = requests.get();
            waitFor(() -> requests.get() >= again + 2);
            assertEquals(good, fetcher.jwks(uri()), "an answer with no public key keeps the keys");

            body.set("x".repeat(70_000));
            var more = requests.get();
            waitFor(() -> requests.get() >= more + 2);
            assertEquals(good, fetcher.jwks(uri()), "an answer over the size limit keeps the keys");
            assertEquals(0, changes.availablePermits());
        }
    }

    @Test
    void aUriWithoutKeysIsRetriedUntilItAnswers() throws Exception {
        status.set(500);
        body.set("down");
        var changes = new Semaphore(0);
        try (var fetcher = fetcher(Duration.ofHours(1), 65_536)) {
            fetcher.onChange(changes::release);
            fetcher.track(Set.of(uri()));
            waitFor(() -> requests.get() >= 2);
            assertNull(fetcher.jwks(uri()));
            var keys = keySet("late");
            body.set(keys);
            status.set(200);
            assertTrue(changes.tryAcquire(10, TimeUnit.SECONDS), "the retry (not the hourly refresh) gets the keys");
            assertEquals(keys, fetcher.jwks(uri()));
        }
    }

    @Test
    void aUriNoLongerUsedIsForgotten() throws Exception {
        body.set(keySet("one"));
        var changes = new Semaphore(0);
        try (var fetcher = fetcher(Duration.ofHours(1), 65_536)) {
            fetcher.onChange(changes::release);
            fetcher.track(Set.of(uri()));
            assertTrue(changes.tryAcquire(10, TimeUnit.SECONDS));
            fetcher.track(Set.of());
            waitFor(() -> fetcher.jwks(uri()) == null);
            assertNull(fetcher.fetchedAt(uri()));
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "the condition never came true");
            Thread.sleep(10);
        }
    }
}
