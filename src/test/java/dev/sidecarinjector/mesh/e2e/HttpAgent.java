package dev.sidecarinjector.mesh.e2e;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The HTTP client that runs inside a pod's network namespace (JDK classes only), driven line by line on stdin by
 * {@link MeshClient}, so one JVM serves every request of the test. Requests to the app are written by hand on plain
 * sockets (HTTP/1.1, keep-alive, no retry of any kind: what the proxy answers is what is counted). Commands:
 * <pre>
 * send IP:PORT N PATH [METHOD [NAME:VALUE]...]
 *                              N requests one after the other on this agent's keep-alive connection to IP:PORT,
 *                              stopping at the first that gets no answer at all; GET unless METHOD, with these
 *                              extra headers (VALUE URL-encoded: %20 for a space)
 * parallel IP:PORT N PATH      N requests at once, each on a new connection
 * load-start IP:PORT PATH MS   requests one after the other, MS ms apart, on a thread of their own, until...
 * load-stop                    ...this, which prints them all
 * get URL [CA_PEM]             one GET with the JDK's client (admin pages; https verified against CA_PEM)
 * </pre>
 * Each request prints {@code reply STATUS VERSION POD OVERLOADED START_MS ELAPSED_MS BODY_BASE64 HEADERS_BASE64}
 * (status 0: no answer, the body says why, no headers; HEADERS: one {@code name: value} line each, names in lower case); {@code get} prints {@code body STATUS BASE64}; every command ends with {@code end}.
 */
public final class HttpAgent {

    private final PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    private final Map<String, RawHttpConnection> keepAlive = new HashMap<>();
    private final HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Thread load;
    private final AtomicBoolean loadStop = new AtomicBoolean();
    private final List<String> loadReplies = new CopyOnWriteArrayList<>();

    public static void main(String[] args) throws Exception {
        new HttpAgent().serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    }

    private void serve(BufferedReader in) throws Exception {
        out.println("agent ready");
        out.flush();
        for (var line = in.readLine(); line != null; line = in.readLine()) {
            var words = line.strip().split(" ");
            try {
                switch (words[0]) {
                    case "send" -> send(words[1], Integer.parseInt(words[2]), words[3], words.length > 4 ? words[4] : "GET",
                            headers(words, 5));
                    case "parallel" -> parallel(words[1], Integer.parseInt(words[2]), words[3]);
                    case "load-start" -> loadStart(words[1], words[2], Long.parseLong(words[3]));
                    case "load-stop" -> loadStop();
                    case "get" -> get(words[1], words.length > 2 ? words[2] : null);
                    default -> out.println("error unknown command " + words[0]);
                }
            } catch (Exception e) {
                out.println("error " + e);
            }
            out.println("end");
            out.flush();
        }
    }

    /** {@code NAME:VALUE} words from {@code from} on, as header lines. */
    private static List<String> headers(String[] words, int from) {
        var headers = new ArrayList<String>();
        for (int i = from; i < words.length; i++) {
            int colon = words[i].indexOf(':');
            headers.add(words[i].substring(0, colon) + ": " + URLDecoder.decode(words[i].substring(colon + 1), StandardCharsets.UTF_8));
        }
        return headers;
    }

    private void send(String target, int count, String path, String method, List<String> headers) {
        for (int i = 0; i < count; i++) {
            var connection = keepAlive.computeIfAbsent(target, RawHttpConnection::new);
            var reply = connection.exchange(method, path, headers);
            if (!connection.reusable()) {
                keepAlive.remove(target);
            }
            out.println(reply);
            if (reply.startsWith("reply 0 ")) {
                return; // no answer at all: the rest would fail the same way, each after its own timeout
            }
        }
    }

    private void parallel(String target, int count, String path) throws InterruptedException {
        var replies = new String[count];
        var start = new CountDownLatch(1);
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < count; i++) {
            int index = i;
            threads.add(Thread.ofPlatform().start(() -> {
                var connection = new RawHttpConnection(target);
                try {
                    connection.connect();
                    start.await();
                    replies[index] = connection.exchange(path);
                } catch (Exception e) {
                    replies[index] = RawHttpConnection.failure(System.currentTimeMillis(), 0, e);
                } finally {
                    connection.close();
                }
            }));
        }
        Thread.sleep(100); // every connection open before the first request leaves
        start.countDown();
        for (var thread : threads) {
            thread.join(60_000);
        }
        for (var reply : replies) {
            out.println(reply == null ? RawHttpConnection.failure(System.currentTimeMillis(), 0, new IOException("no reply in 60 s")) : reply);
        }
    }

    private void loadStart(String target, String path, long pauseMs) {
        if (load != null) {
            throw new IllegalStateException("a load is running");
        }
        loadStop.set(false);
        loadReplies.clear();
        load = Thread.ofPlatform().name("load").start(() -> {
            var connection = new RawHttpConnection(target);
            while (!loadStop.get()) {
                loadReplies.add(connection.exchange(path));
                if (!connection.reusable()) {
                    connection.close();
                    connection = new RawHttpConnection(target);
                }
                try {
                    Thread.sleep(pauseMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
            connection.close();
        });
    }

    private void loadStop() throws InterruptedException {
        if (load == null) {
            throw new IllegalStateException("no load is running");
        }
        loadStop.set(true);
        load.join(30_000);
        load = null;
        for (var reply : loadReplies) {
            out.println(reply);
        }
    }

    private void get(String url, String caPem) throws Exception {
        var client = caPem == null ? plain
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(trusting(Path.of(caPem))).build();
        var response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        out.println("body " + response.statusCode() + " " + Base64.getEncoder().encodeToString(response.body()));
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        var store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (var in = Files.newInputStream(caPem)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        var context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** Reads a body delimited by Content-Length, chunks, or the end of the connection. */
    static byte[] readBody(InputStream in, Map<String, String> headers) throws IOException {
        if (headers.containsKey("content-length")) {
            return in.readNBytes(Integer.parseInt(headers.get("content-length").strip()));
        }
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", "").strip())) {
            var body = new ByteArrayOutputStream();
            while (true) {
                var size = Integer.parseInt(RawHttpConnection.line(in).split(";")[0].strip(), 16);
                if (size == 0) {
                    while (!RawHttpConnection.line(in).isEmpty()) {
                        // trailers
                    }
                    return body.toByteArray();
                }
                body.write(in.readNBytes(size));
                RawHttpConnection.line(in);
            }
        }
        return in.readAllBytes();
    }
}
