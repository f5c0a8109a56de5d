package dev.sidecarinjector.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.identity.TestCa;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.nio.ByteBuffer;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which TLS the proxy uses, and that the mesh's contexts agree across the two: a pod of each kind talk to each other. */
class TlsProviderTest {

    @Test
    void boringSslOnLinuxX86UnlessTheJdksIsAskedFor() {
        if (System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux") && "amd64".equals(System.getProperty("os.arch"))) {
            assertTrue(OpenSsl.isAvailable(), "netty-tcnative's BoringSSL did not load: " + OpenSsl.unavailabilityCause());
            assertEquals(SslProvider.OPENSSL, TlsProvider.get());
            assertTrue(TlsProvider.describe().startsWith("BoringSSL ("), TlsProvider.describe());
        }
        assertEquals(SslProvider.JDK, TlsProvider.choose("jdk").provider());
        assertEquals(SslProvider.JDK, TlsProvider.choose(" JDK ").provider());
        assertEquals("the JDK's (-Dsidecar.proxy.tls=jdk)", TlsProvider.choose("jdk").description());
        assertEquals(TlsProvider.choose("").provider(), TlsProvider.choose("boringssl").provider());
    }

    @Test
    void connectionsRelayedAtTcpUseTheJdksTlsForItsHalfClose() throws Exception {
        var contexts = MeshTls.contexts(new TestCa().issue("default", "reviews"), available(SslProvider.OPENSSL));
        assertTrue(contexts.tcpServer() instanceof io.netty.handler.ssl.JdkSslContext, contexts.tcpServer().getClass().getName());
        assertTrue(contexts.tcpClient() instanceof io.netty.handler.ssl.JdkSslContext, contexts.tcpClient().getClass().getName());
        assertSame(contexts.tcpServer(), contexts.server(false));
        assertSame(contexts.httpServer(), contexts.server(true));
        var jdkOnly = MeshTls.contexts(new TestCa().issue("default", "reviews"), SslProvider.JDK);
        assertSame(jdkOnly.httpServer(), jdkOnly.tcpServer(), "one server context when both are the JDK's");
    }

    @Test
    void anUnknownValueNamesTheProperty() {
        var error = assertThrows(IllegalArgumentException.class, () -> TlsProvider.choose("gnutls"));
        assertEquals("-Dsidecar.proxy.tls=gnutls: expected jdk or boringssl", error.getMessage());
        System.setProperty(TlsProvider.PROPERTY, "gnutls");
        try {
            assertEquals(error.getMessage(), assertThrows(IllegalArgumentException.class, TlsProvider::check).getMessage());
        } finally {
            System.clearProperty(TlsProvider.PROPERTY);
        }
        TlsProvider.check();
    }

    /** Mutual TLS with Istio's ALPN between a client and a server of each implementation, in memory. */
    @ParameterizedTest
    @CsvSource({"JDK, JDK", "JDK, OPENSSL", "OPENSSL, JDK", "OPENSSL, OPENSSL"})
    void mutualTlsAcrossImplementations(SslProvider clientSide, SslProvider serverSide) throws Exception {
        var ca = new TestCa();
        var productpage = ca.issue("default", "productpage");
        var reviews = ca.issue("default", "bookinfo-reviews");
        var client = MeshTls.contexts(productpage, available(clientSide)).httpClient().newEngine(ByteBufAllocator.DEFAULT);
        var server = MeshTls.contexts(reviews, available(serverSide)).httpServer().newEngine(ByteBufAllocator.DEFAULT);
        handshake(client, server);
        assertEquals("istio-http/1.1", client.getApplicationProtocol());
        assertEquals("istio-http/1.1", server.getApplicationProtocol());
        assertArrayEquals(productpage.presented()[0].getEncoded(), server.getSession().getPeerCertificates()[0].getEncoded(),
                "the server sees the client's certificate");
        assertArrayEquals(reviews.presented()[0].getEncoded(), client.getSession().getPeerCertificates()[0].getEncoded(),
                "the client sees the server's certificate");
    }

    @Test
    void aClientWithNoCertificateIsRefusedByBothServers() throws Exception {
        var ca = new TestCa();
        var reviews = ca.issue("default", "bookinfo-reviews");
        for (var side : new SslProvider[] {SslProvider.JDK, available(SslProvider.OPENSSL)}) {
            var server = MeshTls.contexts(reviews, side).httpServer().newEngine(ByteBufAllocator.DEFAULT);
            var anonymous = io.netty.handler.ssl.SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .trustManager(reviews.chain().getLast()).endpointIdentificationAlgorithm(null).build()
                    .newEngine(ByteBufAllocator.DEFAULT);
            assertThrows(SSLException.class, () -> handshake(anonymous, server), side.name());
        }
    }

    private static SslProvider available(SslProvider wanted) {
        return wanted == SslProvider.OPENSSL && !OpenSsl.isAvailable() ? SslProvider.JDK : wanted;
    }

    /** Runs both engines' handshakes to the end (at most 50 rounds), moving the records between them. */
    private static void handshake(SSLEngine client, SSLEngine server) throws Exception {
        var toServer = ByteBuffer.allocate(1 << 17);
        var toClient = ByteBuffer.allocate(1 << 17);
        var clientApp = ByteBuffer.allocate(1 << 17);
        var serverApp = ByteBuffer.allocate(1 << 17);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 50; round++) {
            pass(client, toServer, server, serverApp);
            pass(server, toClient, client, clientApp);
            if (finished(client) && finished(server) && toServer.position() == 0 && toClient.position() == 0) {
                return;
            }
        }
        throw new AssertionError("handshake not finished after 50 rounds: client " + client.getHandshakeStatus()
                + ", server " + server.getHandshakeStatus());
    }

    /** What {@code from} has to send, through {@code wire}, into {@code to}. */
    private static void pass(SSLEngine from, ByteBuffer wire, SSLEngine to, ByteBuffer app) throws SSLException {
        from.wrap(ByteBuffer.allocate(0), wire);
        tasks(from);
        wire.flip();
        to.unwrap(wire, app);
        wire.compact();
        tasks(to);
    }

    private static boolean finished(SSLEngine engine) {
        return engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING || engine.getHandshakeStatus() == HandshakeStatus.FINISHED;
    }

    private static void tasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
