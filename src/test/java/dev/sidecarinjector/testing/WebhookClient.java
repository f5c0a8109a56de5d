package dev.sidecarinjector.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Talks to the webhook over real HTTPS the way kube-apiserver does: it trusts only the test CA and checks the
 * host name, so a test passes only when the served certificate really is the one the CA signed for localhost.
 */
public final class WebhookClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SSLContext tls;
    private final HttpClient client;
    private final URI base;

    public WebhookClient() {
        this.tls = trustOnly(DevCertificates.DIR.resolve("ca.crt"));
        // Generous: the first handshake after start-up took over 5 s on a 2-core machine shared by five builds.
        this.client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(30)).build();
        var port = ConfigProvider.getConfig().getValue("quarkus.http.test-ssl-port", Integer.class);
        this.base = URI.create("https://localhost:" + port);
    }

    public URI base() {
        return base;
    }

    /** A reply: status, headers and body as JSON (or a text node when it is not JSON). */
    public record Reply(int status, java.net.http.HttpHeaders headers, JsonNode body) {
    }

    public Reply post(String path, byte[] body) throws IOException, InterruptedException {
        return post(path, body, false);
    }

    /**
     * With {@code expectContinue}, the client waits for the server's go-ahead before sending the body, as curl
     * does for large bodies; that is how a client reads a 413 instead of a reset while it is still uploading.
     */
    public Reply post(String path, byte[] body, boolean expectContinue) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .expectContinue(expectContinue)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return toReply(client.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    /** A POST of {@code body} as JSON in chunks ({@code Transfer-Encoding: chunked}): no length declared. */
    public Reply postChunked(String path, byte[] body) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .build();
        return toReply(client.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    /** Any method with the given headers (name, value, name, value...) instead of {@code Content-Type: application/json}. */
    public Reply send(String method, String path, byte[] body, String... headers) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return toReply(client.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    public Reply get(String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build();
        return toReply(client.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    public String getText(String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The serial number of the certificate the server presents on a new TLS handshake. */
    public BigInteger servedCertificateSerial() throws IOException {
        var connection = (HttpsURLConnection) base.resolve("/q/health/live").toURL().openConnection();
        // A fresh SSL context has an empty session cache, so this is a full handshake, never a resumed session.
        connection.setSSLSocketFactory(trustOnly(DevCertificates.DIR.resolve("ca.crt")).getSocketFactory());
        connection.setRequestProperty("Connection", "close");
        try {
            connection.connect();
            return ((X509Certificate) connection.getServerCertificates()[0]).getSerialNumber();
        } finally {
            connection.disconnect();
        }
    }

    private static Reply toReply(HttpResponse<String> response) throws IOException {
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.getNodeFactory().textNode(response.body());
        }
        return new Reply(response.statusCode(), response.headers(), body);
    }

    public static SSLContext trustOnly(java.nio.file.Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            return trustOnly(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + caFile, e);
        }
    }

    /** A TLS context that trusts only the CA certificate in {@code caPem}, as kube-apiserver trusts only the caBundle. */
    public static SSLContext trustOnly(InputStream caPem) {
        try {
            var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore(caPem));
            var context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context", e);
        }
    }

    /** A key store holding only the CA certificate in {@code caPem}. */
    public static KeyStore trustStore(InputStream caPem) {
        try {
            var store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(caPem));
            return store;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build a trust store", e);
        }
    }
}
