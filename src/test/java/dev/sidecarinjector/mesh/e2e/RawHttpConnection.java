package dev.sidecarinjector.mesh.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * One client connection speaking HTTP/1.1 by hand, as an app behind the sidecar would: keep-alive unless the
 * answer says {@code Connection: close}, and never a retry, so a request the proxy fails is seen as failed.
 * Part of {@link HttpAgent} (JDK classes only).
 */
final class RawHttpConnection implements AutoCloseable {

    private static final int TIMEOUT_MS = 20_000;
    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean reusable;

    RawHttpConnection(String target) {
        int colon = target.lastIndexOf(':');
        this.host = target.substring(0, colon);
        this.port = Integer.parseInt(target.substring(colon + 1));
    }

    void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(TIMEOUT_MS);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        reusable = true;
    }

    boolean reusable() {
        return reusable;
    }

    /** One GET; the reply line {@link HttpAgent} prints. Any failure closes the connection. */
    String exchange(String path) {
        return exchange("GET", path, List.of());
    }

    /**
     * One request with no body ({@code Content-Length: 0} unless a GET or HEAD) and these extra header lines
     * ({@code Name: value}; a {@code Host} among them replaces the default); the reply line {@link HttpAgent} prints.
     * Any failure closes the connection.
     */
    String exchange(String method, String path, List<String> extraHeaders) {
        long start = System.currentTimeMillis();
        long started = System.nanoTime();
        try {
            if (socket == null || !reusable) {
                close();
                connect();
            }
            var request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            if (extraHeaders.stream().noneMatch(h -> h.regionMatches(true, 0, "host:", 0, 5))) {
                request.append("Host: reviews:9080\r\n");
            }
            request.append("User-Agent: mesh-e2e\r\nAccept: */*\r\n");
            if (!method.equals("GET") && !method.equals("HEAD")) {
                request.append("Content-Length: 0\r\n");
            }
            extraHeaders.forEach(h -> request.append(h).append("\r\n"));
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            var statusLine = line(in);
            var parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP status line: " + statusLine);
            }
            var headers = new HashMap<String, String>();
            for (var header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.merge(header.substring(0, colon).strip().toLowerCase(Locale.ROOT), header.substring(colon + 1).strip(),
                        (a, b) -> a + "," + b);
            }
            byte[] body = HttpAgent.readBody(in, headers);
            long elapsed = (System.nanoTime() - started) / 1_000_000;
            reusable = parts[0].equals("HTTP/1.1") && !"close".equalsIgnoreCase(headers.getOrDefault("connection", ""))
                    && (headers.containsKey("content-length") || headers.containsKey("transfer-encoding"));
            if (!reusable) {
                close();
            }
            var headerLines = new StringBuilder();
            new TreeMap<>(headers).forEach((name, value) -> headerLines.append(name).append(": ").append(value).append('\n'));
            return "reply %s %s %s %s %d %d %s %s".formatted(parts[1], headers.getOrDefault("x-version", "-"),
                    headers.getOrDefault("x-pod", "-"), headers.getOrDefault("x-envoy-overloaded", "-"), start, elapsed,
                    Base64.getEncoder().encodeToString(body),
                    Base64.getEncoder().encodeToString(headerLines.toString().getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException | RuntimeException e) {
            close();
            return failure(start, (System.nanoTime() - started) / 1_000_000, e);
        }
    }

    static String failure(long start, long elapsedMs, Exception e) {
        return "reply 0 - - - %d %d %s".formatted(start, elapsedMs,
                Base64.getEncoder().encodeToString(e.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** A CRLF-terminated line, without the CRLF; EOF before it is an error. */
    static String line(InputStream in) throws IOException {
        var bytes = new ByteArrayOutputStream(64);
        for (int b = in.read(); ; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed" + (bytes.size() > 0 ? " mid-line" : ""));
            }
            if (b == '\n') {
                var text = bytes.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            bytes.write(b);
        }
    }

    @Override
    public void close() {
        reusable = false;
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a broken socket: nothing left to do
            }
            socket = null;
        }
    }
}
