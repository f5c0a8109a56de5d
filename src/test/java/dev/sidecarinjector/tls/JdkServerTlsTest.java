package dev.sidecarinjector.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.testing.DevCertificates;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdkServerTlsTest {

    private static Vertx vertx;
    private static HttpServer server;
    private static SSLContext trusting;

    @BeforeAll
    static void serve() throws Exception {
        DevCertificates.create();
        var pair = DevCertificates.DIR.resolve("current");
        vertx = Vertx.vertx();
        var options = new HttpServerOptions().setSsl(true).setSslEngineOptions(new JdkServerTls()).setUseAlpn(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(pair.resolve("tls.crt").toString()).setKeyPath(pair.resolve("tls.key").toString()))
                .setHost("127.0.0.1").setPort(0);
        server = vertx.createHttpServer(options).requestHandler(request -> request.response().end("over " + request.version()))
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        var store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(DevCertificates.DIR.resolve("ca.crt"))) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, trust.getTrustManagers(), null);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String get(HttpClient.Version version) throws Exception {
        try (var client = HttpClient.newBuilder().sslContext(trusting).version(version).connectTimeout(Duration.ofSeconds(5)).build()) {
            var response = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.actualPort() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return response.version() + " " + response.body();
        }
    }

    @Test
    void aVertxServerWithItAnswersOverHttp11AndOverHttp2ChosenByAlpn() throws Exception {
        assertEquals("HTTP_1_1 over HTTP_1_1", get(HttpClient.Version.HTTP_1_1));
        assertEquals("HTTP_2 over HTTP_2", get(HttpClient.Version.HTTP_2));
    }

    @Test
    void theContextOffersTheJdksDefaultSuitesAndTheConfiguredAlpnAndClientAuth() throws Exception {
        var factory = new JdkServerTls().sslContextFactory().useAlpn(true)
                .applicationProtocols(List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)).clientAuth(ClientAuth.REQUIRE);
        var context = assertInstanceOf(JdkSslContext.class, factory.create());
        var defaults = SSLContext.getInstance("TLS");
        defaults.init(null, null, null);
        assertEquals(List.of(defaults.createSSLEngine().getEnabledCipherSuites()), context.cipherSuites());
        assertEquals(List.of("h2", "http/1.1"), context.applicationProtocolNegotiator().protocols());
        var engine = context.newEngine(ByteBufAllocator.DEFAULT);
        assertTrue(engine.getNeedClientAuth(), "client certificates required");

        var configured = new JdkServerTls().sslContextFactory().enabledCipherSuites(Set.of("TLS_AES_128_GCM_SHA256")).create();
        assertEquals(List.of("TLS_AES_128_GCM_SHA256"), configured.cipherSuites());
        assertTrue(configured.applicationProtocolNegotiator().protocols().isEmpty(), "no ALPN unless asked");
    }

    @Test
    void vertxKeepsTheOptionsWhenItCopiesThem() {
        var options = new HttpServerOptions().setSslEngineOptions(new JdkServerTls());
        assertInstanceOf(JdkServerTls.class, new HttpServerOptions(options).getSslEngineOptions());
    }
}
