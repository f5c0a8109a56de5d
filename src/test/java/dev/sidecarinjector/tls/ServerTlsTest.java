package dev.sidecarinjector.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.tls.ServerTls.Implementation;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSslContext;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ServerTlsTest {

    private static Vertx vertx;
    private static final Map<Implementation, HttpServer> SERVERS = new EnumMap<>(Implementation.class);
    private static SSLContext trusting;
    private static TrustManagerFactory trustDevCa;

    @BeforeAll
    static void serve() throws Exception {
        DevCertificates.create();
        var pair = DevCertificates.DIR.resolve("current");
        vertx = Vertx.vertx();
        for (var implementation : Implementation.values()) {
            var options = new HttpServerOptions().setSsl(true).setSslEngineOptions(new ServerTls(implementation)).setUseAlpn(true)
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(pair.resolve("tls.crt").toString()).setKeyPath(pair.resolve("tls.key").toString()))
                    .setHost("127.0.0.1").setPort(0);
            SERVERS.put(implementation, vertx.createHttpServer(options)
                    .requestHandler(request -> request.response().end("over " + request.version() + " " + request.connection().sslSession().getProtocol()))
                    .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        }
        var store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(DevCertificates.DIR.resolve("ca.crt"))) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        trustDevCa = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustDevCa.init(store);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, trustDevCa.getTrustManagers(), null);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String get(Implementation implementation, HttpClient.Version version) throws Exception {
        try (var client = HttpClient.newBuilder().sslContext(trusting).version(version).connectTimeout(Duration.ofSeconds(5)).build()) {
            var response = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + SERVERS.get(implementation).actualPort() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return response.version() + " " + response.body();
        }
    }

    @Test
    void boringSslLoadsOnThisPlatformAndIsTheDefault() throws Exception {
        // The build packages linux-x86_64's library, which is what the image and CI run on.
        assertEquals(Implementation.BORINGSSL, ServerTls.available(Implementation.BORINGSSL), ServerTls.describe(Implementation.BORINGSSL));
        assertTrue(ServerTls.describe(Implementation.BORINGSSL).contains("BoringSSL"), ServerTls.describe(Implementation.BORINGSSL));
        assertEquals(Implementation.JDK, ServerTls.available(Implementation.JDK));
        assertEquals("the JDK's (injector.tls.implementation=jdk)", ServerTls.describe(Implementation.JDK));
        var context = new ServerTls(Implementation.BORINGSSL).sslContextFactory().keyMananagerFactory(serverKeys()).create();
        assertInstanceOf(OpenSslContext.class, context);
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void aVertxServerWithItAnswersOverHttp11AndOverHttp2ChosenByAlpn(Implementation implementation) throws Exception {
        assertEquals("HTTP_1_1 over HTTP_1_1 TLSv1.3", get(implementation, HttpClient.Version.HTTP_1_1));
        assertEquals("HTTP_2 over HTTP_2 TLSv1.3", get(implementation, HttpClient.Version.HTTP_2));
    }

    @Test
    void boringSslOffersItsDefaultSuitesAndTheConfiguredAlpnAndClientAuth() throws Exception {
        var factory = new ServerTls(Implementation.BORINGSSL).sslContextFactory().keyMananagerFactory(serverKeys()).useAlpn(true)
                .applicationProtocols(List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)).clientAuth(ClientAuth.REQUIRE);
        var context = assertInstanceOf(OpenSslContext.class, factory.create());
        assertTrue(context.cipherSuites().containsAll(List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")), context.cipherSuites().toString());
        assertEquals(List.of("h2", "http/1.1"), context.applicationProtocolNegotiator().protocols());
        var engine = context.newEngine(ByteBufAllocator.DEFAULT);
        assertTrue(engine.getNeedClientAuth(), "client certificates required");

        var configured = new ServerTls(Implementation.BORINGSSL).sslContextFactory().keyMananagerFactory(serverKeys()).enabledCipherSuites(Set.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")).create();
        assertTrue(configured.cipherSuites().contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"), configured.cipherSuites().toString());
        assertFalse(configured.cipherSuites().contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), configured.cipherSuites().toString());
        assertTrue(configured.applicationProtocolNegotiator().protocols().isEmpty(), "no ALPN unless asked");
    }

    @Test
    void theJdksContextOffersTheJdksDefaultSuitesAndTheConfiguredAlpnAndClientAuth() throws Exception {
        var factory = new ServerTls(Implementation.JDK).sslContextFactory().useAlpn(true)
                .applicationProtocols(List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)).clientAuth(ClientAuth.REQUIRE);
        var context = assertInstanceOf(JdkSslContext.class, factory.create());
        var defaults = SSLContext.getInstance("TLS");
        defaults.init(null, null, null);
        assertEquals(List.of(defaults.createSSLEngine().getEnabledCipherSuites()), context.cipherSuites());
        assertEquals(List.of("h2", "http/1.1"), context.applicationProtocolNegotiator().protocols());
        var engine = context.newEngine(ByteBufAllocator.DEFAULT);
        assertTrue(engine.getNeedClientAuth(), "client certificates required");

        var configured = new ServerTls(Implementation.JDK).sslContextFactory().enabledCipherSuites(Set.of("TLS_AES_128_GCM_SHA256")).create();
        assertEquals(List.of("TLS_AES_128_GCM_SHA256"), configured.cipherSuites());
        assertTrue(configured.applicationProtocolNegotiator().protocols().isEmpty(), "no ALPN unless asked");
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void withNoTrustConfiguredNoClientCertificateIsTrustedNotEvenOneTheJdksDefaultStoreHolds(Implementation implementation) throws Exception {
        // A self-signed client certificate put in the JDK's default trust store (javax.net.ssl.trustStore).
        var generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        var keys = generator.generateKeyPair();
        var name = new X500Name("CN=client");
        var now = Instant.now();
        var certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), name, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        var password = "changeit".toCharArray();
        var trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("client", certificate);
        var trustFile = Files.createTempFile("default-trust", ".p12");
        try (var out = Files.newOutputStream(trustFile)) {
            trustStore.store(out, password);
        }
        var clientStore = KeyStore.getInstance("PKCS12");
        clientStore.load(null, null);
        clientStore.setKeyEntry("client", keys.getPrivate(), password, new X509Certificate[] {certificate});
        var clientKeys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        clientKeys.init(clientStore, password);
        var client = SSLContext.getInstance("TLS");
        client.init(clientKeys.getKeyManagers(), trustDevCa.getTrustManagers(), null);
        var serverKeys = serverKeys();

        System.setProperty("javax.net.ssl.trustStore", trustFile.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        try {
            var jdkDefaults = SSLContext.getInstance("TLS");
            jdkDefaults.init(serverKeys.getKeyManagers(), null, null);
            var trustingServer = jdkDefaults.createSSLEngine();
            trustingServer.setUseClientMode(false);
            trustingServer.setNeedClientAuth(true);
            handshake(clientEngine(client), trustingServer); // the JDK's default trust takes it

            var ours = new ServerTls(implementation).sslContextFactory().keyMananagerFactory(serverKeys).clientAuth(ClientAuth.REQUIRE).create();
            var refused = assertThrows(SSLException.class, () -> handshake(clientEngine(client), ours.newEngine(ByteBufAllocator.DEFAULT)));
            var said = new StringBuilder();
            for (Throwable cause = refused; cause != null; cause = cause.getCause()) {
                said.append(cause.getMessage()).append("; ");
            }
            // The JDK names the certificate; BoringSSL's engine reports the empty trust's own refusal.
            assertTrue(said.toString().contains(implementation == Implementation.JDK ? "certificate" : "trustAnchors"), said.toString());
        } finally {
            System.clearProperty("javax.net.ssl.trustStore");
            System.clearProperty("javax.net.ssl.trustStorePassword");
            System.clearProperty("javax.net.ssl.trustStoreType");
            Files.delete(trustFile);
        }
    }

    private static KeyManagerFactory serverKeys() throws Exception {
        var pair = DevCertificates.DIR.resolve("current");
        return new PemKeyCertOptions().setCertPath(pair.resolve("tls.crt").toString()).setKeyPath(pair.resolve("tls.key").toString())
                .getKeyManagerFactory(vertx);
    }

    private static SSLEngine clientEngine(SSLContext context) {
        var engine = context.createSSLEngine("localhost", 443);
        engine.setUseClientMode(true);
        return engine;
    }

    /** Runs a handshake between two engines in memory; an SSLException says who refused what. */
    private static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
        var toServer = ByteBuffer.allocate(64 * 1024);
        var toClient = ByteBuffer.allocate(64 * 1024);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 100; round++) {
            if (client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING && server.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
                return;
            }
            step(client, toClient, toServer);
            step(server, toServer, toClient);
        }
        throw new AssertionError("the handshake did not finish in 100 rounds");
    }

    private static void step(SSLEngine engine, ByteBuffer in, ByteBuffer out) throws SSLException {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
        engine.wrap(ByteBuffer.allocate(0), out);
        in.flip();
        engine.unwrap(in, ByteBuffer.allocate(64 * 1024));
        in.compact();
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    @Test
    void vertxKeepsTheOptionsWhenItCopiesThem() {
        var options = new HttpServerOptions().setSslEngineOptions(new ServerTls(Implementation.BORINGSSL));
        var copied = assertInstanceOf(ServerTls.class, new HttpServerOptions(options).getSslEngineOptions());
        assertEquals(Implementation.BORINGSSL, copied.implementation());
    }
}
