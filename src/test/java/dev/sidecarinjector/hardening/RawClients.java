package dev.sidecarinjector.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sidecarinjector.testing.DevCertificates;
import dev.sidecarinjector.testing.Reviews;
import dev.sidecarinjector.testing.WebhookClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The clients the abuse tests need besides {@link WebhookClient}: raw TCP and TLS sockets that send what a
 * well-behaved client never would, and a patient-but-bounded admission client standing in for kube-apiserver.
 */
final class RawClients {

    /** kube-apiserver's default webhook timeout: an answer later than this is a failed admission. */
    static final Duration API_SERVER_TIMEOUT = Duration.ofSeconds(10);

    private final SSLContext tls = WebhookClient.trustOnly(DevCertificates.DIR.resolve("ca.crt"));
    private final URI base;
    private final int port;

    RawClients(URI base) {
        this.base = base;
        this.port = base.getPort();
    }

    /** A TCP connection to the webhook's TLS port, nothing sent yet. */
    Socket tcp() throws IOException {
        var socket = new Socket();
        socket.connect(new InetSocketAddress("localhost", port), 5_000);
        return socket;
    }

    /** A TLS connection with the handshake done (trusting only the test CA), no HTTP sent yet. */
    SSLSocket tlsHandshaken() throws IOException {
        var socket = (SSLSocket) tls.getSocketFactory().createSocket(tcp(), "localhost", port, true);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    /**
     * Sends one admission review on a fresh connection, as kube-apiserver would, and checks the answer is a
     * 200 that echoes the uid within {@link #API_SERVER_TIMEOUT}. A fresh client each time, so the request
     * cannot ride on a connection that an earlier phase of the test left in a strange state. Returns the
     * milliseconds it took, connection included.
     */
    long admitOnePod() throws IOException, InterruptedException {
        var started = System.nanoTime();
        try (var client = HttpClient.newBuilder().sslContext(tls).connectTimeout(API_SERVER_TIMEOUT).build()) {
            var review = Reviews.podCreate("demo");
            var request = HttpRequest.newBuilder(base.resolve("/inject"))
                    .timeout(API_SERVER_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Reviews.bytes(review)))
                    .build();
            var response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            var uid = review.at("/request/uid").asText();
            assertEquals(true, response.body().contains("\"uid\":\"" + uid + "\""), "the reply does not echo uid " + uid);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /** Milliseconds since {@code startedNanos} (a System.nanoTime reading). */
    static long millisSince(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    /** Whether the server closed (or reset) the connection within {@code within}; reads and discards what it sends. */
    static boolean closedByServer(Socket socket, Duration within) throws IOException {
        return awaitClose(socket, within).closed();
    }

    /** What a connection ended with: whether the server closed it in time, and the text it sent before. */
    record Ending(boolean closed, String received) {
    }

    /** Reads what the server sends until it closes (or resets) the connection, or {@code within} passes. */
    static Ending awaitClose(Socket socket, Duration within) throws IOException {
        var deadline = System.nanoTime() + within.toNanos();
        InputStream in = socket.getInputStream();
        var received = new java.io.ByteArrayOutputStream();
        var buffer = new byte[4096];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, Math.min(500, (deadline - System.nanoTime()) / 1_000_000)));
            try {
                var read = in.read(buffer);
                if (read < 0) {
                    return new Ending(true, received.toString(StandardCharsets.ISO_8859_1));
                }
                received.write(buffer, 0, read);
            } catch (SocketTimeoutException e) {
                // still open; keep waiting until the deadline
            } catch (IOException e) {
                // reset, or a TLS alert and close: either way the server let go
                return new Ending(true, received.toString(StandardCharsets.ISO_8859_1));
            }
        }
        return new Ending(false, received.toString(StandardCharsets.ISO_8859_1));
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static void closeAll(List<? extends Socket> sockets) {
        for (var socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone: nothing left to release
            }
        }
    }

    /** Open file descriptors of this JVM, which in a {@code @QuarkusTest} is also the server's. */
    static long openFileDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
