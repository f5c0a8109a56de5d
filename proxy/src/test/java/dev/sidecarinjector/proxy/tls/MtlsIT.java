package dev.sidecarinjector.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.proxy.http.RawHttp;
import dev.sidecarinjector.proxy.http.TestUpstream;
import dev.sidecarinjector.proxy.identity.IdentityHolder;
import dev.sidecarinjector.proxy.identity.TestCa;
import dev.sidecarinjector.proxy.identity.WorkloadCertificate;
import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import dev.sidecarinjector.proxy.run.DestinationResolver;
import dev.sidecarinjector.proxy.run.ProxySettings;
import dev.sidecarinjector.proxy.run.SidecarProxy;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mutual TLS between two real proxies on loopback, each with a certificate from a test CA: the client proxy's
 * outbound connections are pinned to the Service {@code server} (10.96.0.20:8080, known only to its snapshot), whose
 * endpoint is the server proxy's inbound port; the server proxy's inbound connections are pinned to the local
 * application. Interception itself is the netns tests' business.
 */
class MtlsIT {

    private static final String SERVICE_IP = "10.96.0.20";
    private static final String SERVICE = """
            {"host": "server.default.svc.cluster.local", "name": "server", "namespace": "default"}""";
    private static final String CLIENT = "spiffe://cluster.local/ns/default/sa/client";
    private static final String SERVER = "spiffe://cluster.local/ns/default/sa/server";
    private static final ProxySettings SETTINGS = new ProxySettings(0, 0, 0, 0, Duration.ofSeconds(1), false, 5000,
            Duration.ofSeconds(30), 0, 0);

    private final List<AutoCloseable> closing = new ArrayList<>();
    private TestCa ca;
    private final IdentityHolder clientIdentity = new IdentityHolder();
    private final IdentityHolder serverIdentity = new IdentityHolder();
    private final SnapshotHolder clientConfig = new SnapshotHolder();
    private final SnapshotHolder serverConfig = new SnapshotHolder();
    private SidecarProxy client;
    private SidecarProxy server;
    /** Where the server proxy's inbound connections were going: the application. */
    private volatile InetSocketAddress app;

    @BeforeEach
    void start() throws Exception {
        ca = new TestCa();
        clientIdentity.install(ca.issue("default", "client"));
        serverIdentity.install(ca.issue("default", "server"));
        var service = new InetSocketAddress(InetAddress.getByName(SERVICE_IP), 8080);
        client = proxy(clientConfig, clientIdentity, accepted -> service);
        server = proxy(serverConfig, serverIdentity, accepted -> app);
    }

    private SidecarProxy proxy(SnapshotHolder config, IdentityHolder identity, DestinationResolver resolver) throws Exception {
        var proxy = new SidecarProxy(SETTINGS, resolver, config);
        proxy.identity(identity);
        proxy.start();
        closing.add(proxy);
        return proxy;
    }

    @AfterEach
    void stop() throws Exception {
        for (var resource : closing.reversed()) {
            resource.close();
        }
    }

    // ---- Snapshots.

    /** The server proxy serves the application on its port {@code appPort} with PeerAuthentication {@code mtls}. */
    private void serverServes(int appPort, String protocol, String mtls) {
        app = new InetSocketAddress(InetAddress.getLoopbackAddress(), appPort);
        serverConfig.swap(Snapshot.fromJson("""
                {"version": "s%d", "workload": {"namespace": "default", "name": "server", "serviceAccount": "server"},
                 "listeners": [], "routeTables": [], "clusters": [],
                 "inbound": [{"port": %d, "protocol": "%s", "services": [%s], "mtls": "%s"}]}"""
                .formatted(System.nanoTime(), appPort, protocol, SERVICE, mtls)));
    }

    /**
     * The client proxy sends the Service's traffic ({@code protocol} HTTP or TCP) to one endpoint on {@code port}
     * whose pod runs as {@code serviceAccount}; {@code tlsMode} "istio" or null; {@code clusterTls} AUTO, ISTIO_MUTUAL
     * or DISABLE.
     */
    private void clientSendsTo(int port, String protocol, String serviceAccount, String tlsMode, String clusterTls) {
        var listener = protocol.equals("HTTP")
                ? "\"routeTable\": \"server:8080\""
                : "\"cluster\": \"outbound|8080||server.default.svc.cluster.local\"";
        clientConfig.swap(Snapshot.fromJson("""
                {"version": "c%d", "workload": {"namespace": "default", "name": "client", "serviceAccount": "client"},
                 "listeners": [{"address": "%s", "port": 8080, "protocol": "%s", "service": %s, %s}],
                 "routeTables": [{"name": "server:8080", "routes": [{"name": "r",
                   "destinations": [{"cluster": "outbound|8080||server.default.svc.cluster.local", "weight": 100}]}]}],
                 "clusters": [{"name": "outbound|8080||server.default.svc.cluster.local", "service": %s, "port": 8080,
                   "protocol": "%s", "loadBalancer": "ROUND_ROBIN", "tls": "%s",
                   "endpoints": [{"address": "127.0.0.1", "port": %d, "tlsMode": %s,
                     "workload": {"namespace": "default", "name": "server", "serviceAccount": "%s"}}]}],
                 "inbound": []}"""
                .formatted(System.nanoTime(), SERVICE_IP, protocol, SERVICE, listener, SERVICE, protocol, clusterTls, port,
                        tlsMode == null ? "null" : "\"" + tlsMode + "\"", serviceAccount)));
    }

    private TestUpstream httpApp() throws IOException {
        var upstream = new TestUpstream("app");
        closing.add(upstream);
        return upstream;
    }

    private EchoApp echoApp() throws IOException {
        var echo = new EchoApp();
        closing.add(echo);
        return echo;
    }

    private MeshPeer peer(WorkloadCertificate certificate, boolean http) throws Exception {
        var peer = new MeshPeer(certificate, http);
        closing.add(peer);
        return peer;
    }

    // ---- Tests.

    @Test
    void httpBetweenProxiesIsMutualTlsAndIsCountedWithBothPrincipals() throws Exception {
        var app = httpApp();
        serverServes(app.port(), "HTTP", "STRICT");
        clientSendsTo(server.inboundPort(), "HTTP", "server", "istio", "AUTO");
        try (var http = new RawHttp(client.outboundPort())) {
            var response = http.get("/headers");
            assertEquals(200, response.status(), response.body());
            assertTrue(response.body().contains("x-request-id: "), response.body());
            assertEquals("app", http.get("/").body());
        }
        assertEquals(2, app.requests.get());
        var inbound = series(server, "istio_requests_total", "reporter=\"destination\"");
        assertTrue(inbound.contains("source_principal=\"" + CLIENT + "\""), inbound);
        assertTrue(inbound.contains("destination_principal=\"" + SERVER + "\""), inbound);
        assertTrue(inbound.contains("connection_security_policy=\"mutual_tls\"} 2"), inbound);
        var outbound = series(client, "istio_requests_total", "reporter=\"source\"");
        assertTrue(outbound.contains("source_principal=\"" + CLIENT + "\""), outbound);
        assertTrue(outbound.contains("destination_principal=\"" + SERVER + "\""), outbound);
        assertTrue(outbound.contains("connection_security_policy=\"unknown\"} 2"), outbound);
    }

    @Test
    void tcpBetweenProxiesIsMutualTlsAndHalfClosesBothWays() throws Exception {
        var echo = echoApp();
        serverServes(echo.port(), "TCP", "STRICT");
        clientSendsTo(server.inboundPort(), "TCP", "server", "istio", "AUTO");
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), client.outboundPort())) {
            socket.setSoTimeout(10_000);
            var payload = "a request the application answers after the client's FIN".getBytes(StandardCharsets.US_ASCII);
            socket.getOutputStream().write(payload);
            socket.shutdownOutput();
            // The FIN crosses both proxies (a close_notify between them), the application closes on it, and that crosses back.
            assertEquals(new String(payload, StandardCharsets.US_ASCII),
                    new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
        var opened = series(server, "istio_tcp_connections_opened_total", "reporter=\"destination\"");
        assertTrue(opened.contains("source_principal=\"" + CLIENT + "\""), opened);
        assertTrue(opened.contains("connection_security_policy=\"mutual_tls\"} 1"), opened);
        var outbound = series(client, "istio_tcp_connections_opened_total", "reporter=\"source\"");
        assertTrue(outbound.contains("destination_principal=\"" + SERVER + "\""), outbound);
    }

    @Test
    void theClientOffersIstiosAlpnForHttpAndTcp() throws Exception {
        var httpPeer = peer(ca.issue("default", "server"), true);
        clientSendsTo(httpPeer.port(), "HTTP", "server", "istio", "AUTO");
        try (var http = new RawHttp(client.outboundPort())) {
            assertEquals("peer", http.get("/").body());
        }
        assertEquals("istio-http/1.1", httpPeer.connections.getFirst().alpn());
        assertEquals(CLIENT, httpPeer.connections.getFirst().clientIdentity());

        var tcpPeer = peer(ca.issue("default", "server"), false);
        clientSendsTo(tcpPeer.port(), "TCP", "server", "istio", "AUTO");
        assertEquals("ping", echoThrough(client.outboundPort(), "ping"));
        assertEquals("istio-peer-exchange", tcpPeer.connections.getFirst().alpn());
    }

    @Test
    void theServerProxySelectsTheMeshAlpnAndServesATlsClientOfTheMesh() throws Exception {
        var echo = echoApp();
        serverServes(echo.port(), "TCP", "STRICT");
        var contexts = MeshTls.contexts(ca.issue("default", "client"));
        var group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            var alpn = new CompletableFuture<String>();
            var answer = new CompletableFuture<String>();
            var ssl = contexts.tcpClient().newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT);
            var channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new io.netty.channel.ChannelInitializer<NioSocketChannel>() {
                        @Override
                        protected void initChannel(NioSocketChannel ch) {
                            ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                                    if (event instanceof SslHandshakeCompletionEvent done) {
                                        alpn.complete(done.isSuccess() ? ssl.applicationProtocol() : "failed: " + done.cause());
                                    }
                                }

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    var bytes = (io.netty.buffer.ByteBuf) msg;
                                    answer.complete(bytes.toString(StandardCharsets.US_ASCII));
                                    bytes.release();
                                }
                            });
                        }
                    })
                    .connect(InetAddress.getLoopbackAddress(), server.inboundPort()).sync().channel();
            assertEquals("istio-peer-exchange", alpn.get(10, TimeUnit.SECONDS));
            channel.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII));
            assertEquals("hi", answer.get(10, TimeUnit.SECONDS));
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void strictRefusesAPlaintextClient() throws Exception {
        var app = httpApp();
        serverServes(app.port(), "HTTP", "STRICT");
        try (var http = new RawHttp(server.inboundPort())) {
            http.send("GET / HTTP/1.1\r\nhost: server\r\n\r\n");
            assertTrue(http.closedByPeer(), "a plaintext client is closed without an answer");
        }
        assertEquals(0, app.requests.get());
        assertTrue(server.metrics().prometheusText().contains("sidecar_proxy_connections_refused_total{direction=\"inbound\"} 1"),
                server.metrics().prometheusText());
    }

    @Test
    void permissiveServesMutualTlsAndPlaintextOnOnePort() throws Exception {
        var app = httpApp();
        serverServes(app.port(), "HTTP", "PERMISSIVE");
        clientSendsTo(server.inboundPort(), "HTTP", "server", "istio", "AUTO");
        try (var viaMesh = new RawHttp(client.outboundPort()); var plaintext = new RawHttp(server.inboundPort())) {
            assertEquals("app", viaMesh.get("/").body());
            assertEquals("app", plaintext.get("/").body());
            assertEquals("app", plaintext.get("/").body());
        }
        var text = server.metrics().prometheusText();
        assertTrue(Pattern.compile("istio_requests_total\\{reporter=\"destination\",[^}]*source_principal=\"" + CLIENT
                + "\"[^}]*connection_security_policy=\"mutual_tls\"} 1\n").matcher(text).find(), text);
        assertTrue(Pattern.compile("istio_requests_total\\{reporter=\"destination\",[^}]*source_principal=\"unknown\""
                + "[^}]*connection_security_policy=\"none\"} 2\n").matcher(text).find(), text);
    }

    @Test
    void permissivePassesTlsThatIsNotTheMeshsToTheApplicationAsItCame() throws Exception {
        var echo = echoApp();
        // An HTTP port: the application's own TLS is relayed as bytes, not parsed as HTTP.
        serverServes(echo.port(), "HTTP", "PERMISSIVE");
        var hello = new byte[] {22, 3, 1, 0, 4, 1, 0, 0, 0};
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), server.inboundPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(hello);
            socket.shutdownOutput();
            assertEquals(java.util.Arrays.toString(hello), java.util.Arrays.toString(socket.getInputStream().readAllBytes()));
        }
    }

    @Test
    void aDisabledPortAndADestinationRuleDisableArePlaintext() throws Exception {
        var app = httpApp();
        serverServes(app.port(), "HTTP", "DISABLE");
        clientSendsTo(server.inboundPort(), "HTTP", "server", null, "AUTO");
        try (var http = new RawHttp(client.outboundPort())) {
            assertEquals("app", http.get("/").body());
        }
        serverServes(app.port(), "HTTP", "PERMISSIVE");
        clientSendsTo(server.inboundPort(), "HTTP", "server", "istio", "DISABLE");
        try (var http = new RawHttp(client.outboundPort())) {
            assertEquals("app", http.get("/").body());
        }
        var inbound = series(server, "istio_requests_total", "reporter=\"destination\"");
        assertTrue(inbound.contains("connection_security_policy=\"none\"} 2"), inbound);
        assertTrue(!inbound.contains("mutual_tls"), inbound);
    }

    @Test
    void aPeerThatIsNotTheEndpointsServiceAccountIsRefusedAsAConnectFailure() throws Exception {
        var app = httpApp();
        serverServes(app.port(), "HTTP", "STRICT");
        clientSendsTo(server.inboundPort(), "HTTP", "other", "istio", "AUTO");
        try (var http = new RawHttp(client.outboundPort())) {
            assertEquals(503, http.get("/").status());
        }
        assertEquals(0, app.requests.get(), "no byte of the request reaches a peer that was not checked");
        var outbound = series(client, "istio_requests_total", "reporter=\"source\"");
        assertTrue(outbound.contains("response_code=\"503\""), outbound);
        assertTrue(outbound.contains("response_flags=\"UF\""), outbound);

        // On the L4 relay the client is reset.
        var echo = echoApp();
        serverServes(echo.port(), "TCP", "STRICT");
        clientSendsTo(server.inboundPort(), "TCP", "other", "istio", "AUTO");
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), client.outboundPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            try {
                assertEquals(-1, socket.getInputStream().read());
            } catch (java.net.SocketException reset) {
                // reset, as a failed connect is
            }
        }
        assertEquals(0, echo.bytes.get());
    }

    @Test
    void aNewCertificateMidStreamFailsNoRequestAndNewConnectionsUseIt() throws Exception {
        var app = httpApp();
        serverServes(app.port(), "HTTP", "STRICT");
        clientSendsTo(server.inboundPort(), "HTTP", "server", "istio", "AUTO");
        try (var http = new RawHttp(client.outboundPort())) {
            for (var i = 0; i < 20; i++) {
                if (i == 10) {
                    clientIdentity.install(ca.issue("default", "client"));
                    serverIdentity.install(ca.issue("default", "server"));
                }
                assertEquals(200, http.get("/").status(), "request " + i);
            }
        }
        try (var http = new RawHttp(client.outboundPort())) {
            assertEquals(200, http.get("/").status());
        }

        var peer = peer(ca.issue("default", "server"), false);
        clientSendsTo(peer.port(), "TCP", "server", "istio", "AUTO");
        try (var first = new Socket(InetAddress.getLoopbackAddress(), client.outboundPort())) {
            first.setSoTimeout(10_000);
            assertEquals("one", exchange(first, "one"));
            var rotated = ca.issue("default", "client");
            clientIdentity.install(rotated);
            assertEquals("two", exchange(first, "two"), "the open connection goes on with its certificate");
            assertEquals("three", echoThrough(client.outboundPort(), "three"));
            assertEquals(2, peer.connections.size());
            assertNotEquals(peer.connections.get(0).clientSerial(), peer.connections.get(1).clientSerial());
            assertEquals(rotated.leaf().getSerialNumber(), peer.connections.get(1).clientSerial(), "the new connection has the new certificate");
        }
    }

    @Test
    void withoutACertificateStrictRefusesEverythingAndPermissiveIsPlaintext() throws Exception {
        var app = httpApp();
        var config = new SnapshotHolder();
        var noCertificate = proxy(config, new IdentityHolder(), accepted -> new InetSocketAddress(InetAddress.getLoopbackAddress(), app.port()));
        for (var mode : List.of("STRICT", "PERMISSIVE")) {
            config.swap(Snapshot.fromJson("""
                    {"version": "%s", "workload": {"namespace": "default", "name": "server", "serviceAccount": "server"},
                     "listeners": [], "routeTables": [], "clusters": [],
                     "inbound": [{"port": %d, "protocol": "HTTP", "services": [%s], "mtls": "%s"}]}"""
                    .formatted(mode, app.port(), SERVICE, mode)));
            try (var http = new RawHttp(noCertificate.inboundPort())) {
                if (mode.equals("STRICT")) {
                    http.send("GET / HTTP/1.1\r\nhost: server\r\n\r\n");
                    assertTrue(http.closedByPeer(), "STRICT without a certificate serves nobody");
                } else {
                    assertEquals("app", http.get("/").body());
                }
            }
        }
        assertEquals(1, app.requests.get());
    }

    // ---- Helpers.

    /** The lines of {@code family} from {@code proxy}'s scrape that contain {@code containing}. */
    private static String series(SidecarProxy proxy, String family, String containing) {
        var out = new StringBuilder();
        for (var line : proxy.metrics().prometheusText().split("\n")) {
            if (line.startsWith(family + "{") && line.contains(containing)) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private static String echoThrough(int port, String text) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            return exchange(socket, text);
        }
    }

    /** Writes {@code text} and reads as many bytes back. */
    private static String exchange(Socket socket, String text) throws IOException {
        var bytes = text.getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.US_ASCII);
    }

    /** A TCP application: writes back every chunk as it reads it; closes after the client's FIN. */
    private static final class EchoApp implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();

        EchoApp() throws IOException {
            Thread.ofPlatform().daemon().start(this::accept);
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    var connection = socket.accept();
                    Thread.ofPlatform().daemon().start(() -> serve(connection));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Socket connection) {
            try (connection) {
                var buffer = new byte[8192];
                int read;
                while ((read = connection.getInputStream().read(buffer)) >= 0) {
                    bytes.addAndGet(read);
                    connection.getOutputStream().write(buffer, 0, read);
                }
            } catch (IOException e) {
                // the test reports what it saw
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
