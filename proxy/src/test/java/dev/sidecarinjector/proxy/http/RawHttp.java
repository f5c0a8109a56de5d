package dev.sidecarinjector.proxy.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A blocking HTTP/1.1 client on one socket, for what java.net.http will not send (Expect, Upgrade, pipelining). */
public final class RawHttp implements AutoCloseable {

    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    final Socket socket;
    private final InputStream in;

    public RawHttp(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
    }

    public void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    public void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    public Response get(String path, String... headers) throws IOException {
        var request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nhost: reviews:9080\r\n");
        for (var header : headers) {
            request.append(header).append("\r\n");
        }
        send(request.append("\r\n").toString());
        return read();
    }

    /** Reads one response: by content-length, chunked, or to the end of the connection. */
    public Response read() throws IOException {
        var statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        var status = Integer.parseInt(statusLine.split(" ")[1]);
        var headers = new LinkedHashMap<String, String>();
        String line;
        while (!(line = line()).isEmpty()) {
            var colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim(), (a, b) -> a + "," + b);
        }
        if (status < 200 && status != 101) {
            return new Response(status, headers, "");
        }
        var body = new ByteArrayOutputStream();
        if (status == 101 || status == 204 || status == 304) {
            return new Response(status, headers, "");
        }
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            int size;
            while ((size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0) {
                body.write(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    /** Whether the proxy closed the connection (reads EOF within the socket timeout). */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    String line() throws IOException {
        var out = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                var length = out.length();
                return length > 0 && out.charAt(length - 1) == '\r' ? out.substring(0, length - 1) : out.toString();
            }
            out.append((char) c);
        }
        return out.isEmpty() ? null : out.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
