package dev.sidecarinjector.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import dev.sidecarinjector.proxy.run.DestinationResolver;
import dev.sidecarinjector.proxy.run.ProxySettings;
import dev.sidecarinjector.proxy.run.SidecarProxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy's HTTP/1.1 codec on the wire: hostile requests refused before any upstream sees them, and responses from a
 * scripted upstream (one that writes exactly the bytes a test gives) passed on byte for byte, whatever their framing.
 */
class HttpWireIT {

    private static final String SERVICE_IP = "10.96.0.10";

    private final SnapshotHolder holder = new SnapshotHolder();
    private TestUpstream app;
    private ServerSocket scripted;
    private SidecarProxy proxy;

    @BeforeEach
    void start() throws Exception {
        app = new TestUpstream("v1");
        scripted = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        scripted.setSoTimeout(10_000);
        var settings = new ProxySettings(0, 0, 0, 0, Duration.ofSeconds(1), false, 2000, Duration.ofSeconds(5), 0, 0);
        var destination = new InetSocketAddress(InetAddress.getByName(SERVICE_IP), 9080);
        DestinationResolver toService = accepted -> destination;
        proxy = new SidecarProxy(settings, toService, holder).start();
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        app.close();
        scripted.close();
    }

    /** One route to {@code port} (the test app or the scripted upstream). */
    private void configure(int port) {
        holder.swap(Snapshot.fromJson("""
                {"version": "t%d", "workload": {"namespace": "default", "name": "client"},
                 "listeners": [{"address": "%s", "port": 9080, "protocol": "HTTP",
                   "service": {"host": "reviews.default.svc.cluster.local", "name": "reviews", "namespace": "default"},
                   "routeTable": "reviews:9080"}],
                 "routeTables": [{"name": "reviews:9080", "routes": [{"name": "r", "destinations": [{"cluster": "v1", "weight": 100}]}]}],
                 "clusters": [%s], "inbound": []}""".formatted(System.nanoTime(), SERVICE_IP, HttpEngineIT.cluster("v1", "", port))));
    }

    @Test
    void hostileRequestsAre400AndReachNoUpstream() throws Exception {
        configure(app.port());
        String[] hostile = {
            "POST /echo HTTP/1.1\r\nhost: r\r\ntransfer-encoding: chunked\r\ncontent-length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            "POST /echo HTTP/1.1\r\nhost: r\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\nabcd",
            "POST /echo HTTP/1.1\r\nhost: r\r\ntransfer-encoding: chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            "POST /echo HTTP/1.0\r\nhost: r\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            "GET / HTTP/1.1\nhost: r\n\n",
            "GET / HTTP/1.1\r\nhost : r\r\n\r\n",
            "GET / HTTP/1.1\r\nhost: r\r\nx-nul: a\0b\r\n\r\n",
            "GET / HTTP/1.1\r\nhost: r\r\nx-cr: a\rb\r\n\r\n",
            "GET /a b HTTP/1.1\r\nhost: r\r\n\r\n",
        };
        for (var request : hostile) {
            try (var client = new RawHttp(proxy.outboundPort())) {
                client.send(request);
                var response = client.read();
                assertEquals(400, response.status(), request);
                assertEquals("close", response.header("connection"));
                assertTrue(client.closedByPeer(), request);
            }
        }
        assertEquals(0, app.requests.get(), "no hostile request reached the app");
    }

    @Test
    void aBrokenChunkedBodyIs400AndEndsTheConnection() throws Exception {
        configure(app.port());
        try (var client = new RawHttp(proxy.outboundPort())) {
            client.send("POST /echo HTTP/1.1\r\nhost: r\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\nGET / HTTP/1.1\r\nhost: r\r\n\r\n");
            assertEquals(400, client.read().status());
            assertTrue(client.closedByPeer(), "what followed the broken body is not taken as a request");
        }
    }

    @Test
    void aChunkedResponseWithExtensionsAndTrailersPassesAsItCame() throws Exception {
        configure(scripted.getLocalPort());
        var body = "5;note=x\r\nhello\r\n0\r\nx-checksum: 42\r\n\r\n";
        try (var client = new RawHttp(proxy.outboundPort())) {
            var answered = answerOnce("HTTP/1.1 200 OK\r\nx-app: 1\r\ntransfer-encoding: chunked\r\n\r\n" + body);
            client.send("GET / HTTP/1.1\r\nhost: r\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\r\nx-app: 1\r\ntransfer-encoding: chunked\r\n\r\n" + body, readExactly(client.socket.getInputStream(),
                    ("HTTP/1.1 200 OK\r\nx-app: 1\r\ntransfer-encoding: chunked\r\n\r\n" + body).length()));
            var upstreamSaw = answered.get(10, TimeUnit.SECONDS);
            assertTrue(upstreamSaw.startsWith("GET / HTTP/1.1\r\nhost: r\r\n"), upstreamSaw);
            assertTrue(upstreamSaw.matches("(?s).*\r\nx-request-id: [0-9a-f-]{36}\r\nx-forwarded-proto: http\r\n\r\n"), upstreamSaw);
        }
    }

    @Test
    void anHttp10ClientGetsAChunkedResponseAsPlainBytesEndedByTheClose() throws Exception {
        configure(scripted.getLocalPort());
        try (var client = new RawHttp(proxy.outboundPort())) {
            answerOnce("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            client.send("GET / HTTP/1.0\r\nhost: r\r\n\r\n");
            var response = client.read();
            assertEquals("hello world", response.body());
            assertEquals(null, response.header("transfer-encoding"));
            assertEquals("close", response.header("connection"));
        }
    }

    @Test
    void aResponseWithoutALengthEndsWhenTheUpstreamCloses() throws Exception {
        configure(scripted.getLocalPort());
        try (var client = new RawHttp(proxy.outboundPort())) {
            answerOnce("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end");
            client.send("GET / HTTP/1.1\r\nhost: r\r\n\r\n");
            var response = client.read();
            assertEquals("close", response.header("connection"));
            assertEquals("until the end", response.body());
        }
    }

    @Test
    void anUpstreamThatIsNotHttpIsTakenAsAReset() throws Exception {
        configure(scripted.getLocalPort());
        try (var client = new RawHttp(proxy.outboundPort())) {
            answerOnce("HTTP/1.1 2000 Nonsense\r\n\r\n");
            client.send("POST / HTTP/1.1\r\nhost: r\r\ncontent-length: 0\r\n\r\n");
            var response = client.read();
            assertEquals(503, response.status());
            assertTrue(response.body().endsWith("reset reason: connection termination"), response.body());
        }
    }

    /** The scripted upstream takes one connection, reads one request head (no body) and answers {@code response}, then closes. */
    private CompletableFuture<String> answerOnce(String response) {
        return CompletableFuture.supplyAsync(() -> {
            try (var socket = scripted.accept()) {
                var in = socket.getInputStream();
                var head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    var b = in.read();
                    if (b < 0) {
                        break;
                    }
                    head.write(b);
                }
                socket.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                socket.shutdownOutput();
                return head.toString(StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static String readExactly(InputStream in, int length) throws IOException {
        return new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }
}
