package dev.sidecarinjector.proxy.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 upstream for the engine's tests (the JDK's server: keep-alive, chunked bodies), named by its version.
 * Paths: {@code /} answers the version; {@code /fail?n=N&key=K} answers 503 to the first N requests with key K;
 * {@code /slow?ms=M} sleeps first; {@code /status?code=C}; {@code /echo} returns the body; {@code /headers} lists
 * the request headers, one {@code name: value} per line, names in lower case (after {@code query: Q} when there is one).
 */
public final class TestUpstream implements AutoCloseable {

    final String version;
    final HttpServer server;
    public final AtomicInteger requests = new AtomicInteger();
    /** Source ports seen: one per upstream connection the proxy opened. */
    final Set<Integer> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

    /** Answers 500 to everything. */
    private final boolean broken;

    public TestUpstream(String version) throws IOException {
        this(version, false);
    }

    TestUpstream(String version, boolean broken) throws IOException {
        this.version = version;
        this.broken = broken;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        connections.add(exchange.getRemoteAddress().getPort());
        var uri = exchange.getRequestURI();
        var query = query(uri);
        var body = exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().set("x-version", version);
        if (broken) {
            answer(exchange, 500, version);
            return;
        }
        switch (uri.getPath()) {
            case "/fail" -> {
                var seen = failures.computeIfAbsent(query.getOrDefault("key", ""), k -> new AtomicInteger()).incrementAndGet();
                answer(exchange, seen <= Integer.parseInt(query.get("n")) ? 503 : 200, version);
            }
            case "/slow" -> {
                try {
                    Thread.sleep(Long.parseLong(query.get("ms")));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer(exchange, 200, version);
            }
            case "/status" -> answer(exchange, Integer.parseInt(query.get("code")), version);
            case "/echo" -> {
                exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            }
            case "/headers" -> {
                var out = new StringBuilder(uri.getRawQuery() == null ? "" : "query: " + uri.getRawQuery() + "\n");
                for (var entry : exchange.getRequestHeaders().entrySet()) {
                    for (var value : entry.getValue()) {
                        out.append(entry.getKey().toLowerCase()).append(": ").append(value).append('\n');
                    }
                }
                answer(exchange, 200, out.toString());
            }
            default -> answer(exchange, 200, version);
        }
    }

    private static void answer(HttpExchange exchange, int status, String text) throws IOException {
        var bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static Map<String, String> query(URI uri) {
        var map = new java.util.HashMap<String, String>();
        if (uri.getRawQuery() != null) {
            for (var pair : uri.getRawQuery().split("&")) {
                var eq = pair.indexOf('=');
                map.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return map;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
