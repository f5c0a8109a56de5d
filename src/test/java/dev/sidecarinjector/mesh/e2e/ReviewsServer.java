package dev.sidecarinjector.mesh.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One reviews pod's app, run with {@code java} inside its network namespace (JDK classes only): HTTP/1.1 with
 * keep-alive, answering with its pod name and version in headers ({@code x-pod}, {@code x-version}) and body.
 * What it does is chosen by the request's query, so a case needs no control channel:
 * <ul>
 * <li>{@code fail=POD[,POD]}: the pods named answer 500, the others as usual;</li>
 * <li>{@code failFirst=N&key=K}: the first N requests with key K that reach this pod answer 503;</li>
 * <li>{@code slow=MS}: wait MS milliseconds before answering;</li>
 * <li>{@code setReady=false} (or {@code true}): from then on its readiness endpoint, {@code GET /ready}, answers 503
 * (or 200, as it does from the start).</li>
 * </ul>
 * Each request is logged on stdout when answered ({@code request POD KEY inflight=N status=S from=IP arrived=MS
 * authorization=A method=M path=P}, N the requests with that key in progress here when it arrived) for the test to count tries and
 * concurrency and to see what reached the app; {@code authorization=-} when no {@code Authorization} header
 * arrived, else its scheme (the word before the credentials, {@code Bearer} say), never the credentials.
 * Usage: {@code ReviewsServer POD VERSION IP PORT}.
 */
public final class ReviewsServer {

    private final String pod;
    private final String version;
    private final Map<String, AtomicInteger> seenByKey = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inflightByKey = new ConcurrentHashMap<>();
    private final PrintStream log = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    private volatile boolean ready = true;

    private ReviewsServer(String pod, String version) {
        this.pod = pod;
        this.version = version;
    }

    public static void main(String[] args) throws IOException {
        var app = new ReviewsServer(args[0], args[1]);
        var server = HttpServer.create(new InetSocketAddress(args[2], Integer.parseInt(args[3])), 128);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", app::handle);
        server.start();
        app.log.println("ready " + args[0] + " on " + args[2] + ":" + args[3]);
    }

    private void handle(HttpExchange exchange) throws IOException {
        var query = query(exchange.getRequestURI().getRawQuery());
        var key = query.getOrDefault("key", "-");
        var inflight = inflightByKey.computeIfAbsent(key, k -> new AtomicInteger());
        int now = inflight.incrementAndGet();
        long arrived = System.currentTimeMillis();
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            if (query.containsKey("setReady")) {
                ready = Boolean.parseBoolean(query.get("setReady"));
            }
            int status = exchange.getRequestURI().getPath().equals("/ready") && !ready ? 503 : 200;
            if (List.of(query.getOrDefault("fail", "").split(",")).contains(pod)) {
                status = 500;
            }
            int failFirst = Integer.parseInt(query.getOrDefault("failFirst", "0"));
            if (seenByKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() <= failFirst) {
                status = 503;
            }
            long slow = Long.parseLong(query.getOrDefault("slow", "0"));
            if (slow > 0) {
                Thread.sleep(slow);
            }
            log.println("request " + pod + " " + key + " inflight=" + now + " status=" + status + " from="
                    + exchange.getRemoteAddress().getAddress().getHostAddress() + " arrived=" + arrived + " authorization="
                    + authorization(exchange) + " method=" + exchange.getRequestMethod() + " path=" + exchange.getRequestURI().getRawPath());
            byte[] body = (pod + " " + version + " " + status + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("x-pod", pod);
            exchange.getResponseHeaders().add("x-version", version);
            exchange.getResponseHeaders().add("content-type", "text/plain");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inflight.decrementAndGet();
        }
    }

    /** The scheme of the request's Authorization header, {@code -} without one. */
    private static String authorization(HttpExchange exchange) {
        var value = exchange.getRequestHeaders().getFirst("Authorization");
        return value == null ? "-" : value.strip().split(" ", 2)[0];
    }

    private static Map<String, String> query(String raw) {
        var params = new HashMap<String, String>();
        if (raw != null) {
            for (var pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return params;
    }
}
