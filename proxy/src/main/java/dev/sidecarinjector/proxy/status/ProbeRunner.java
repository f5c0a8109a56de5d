package dev.sidecarinjector.proxy.status;

import dev.sidecarinjector.api.net.HostPort;
import dev.sidecarinjector.api.probe.AppProbe;
import dev.sidecarinjector.proxy.run.UpstreamSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Runs an {@link AppProbe} against the application as kubelet would: an HTTP GET (HTTPS without verifying the
 * certificate, as kubelet) whose status is the answer, a TCP connect (200 when it opens), or a gRPC health check. It connects from
 * 127.0.0.6 (::6 to an IPv6 address), the source the interception rules let through to the application unredirected. Blocking: it runs on
 * a thread of its own, never an event loop. A gRPC probe calls the application's health service ({@link GrpcProbe}):
 * 200 when it is SERVING. Any failure is 500 with its reason.
 */
final class ProbeRunner {

    /** What the status port answers, and why (for the body: kubelet keeps the first 10 KiB in its events). */
    record Result(int status, String reason) {
    }

    /** kubelet's user agent, which both the HTTP and the gRPC probes send as kubelet would. */
    static final String USER_AGENT = "kube-probe/1.33";

    private final InetAddress source;
    private final InetAddress application;

    ProbeRunner(InetAddress source, InetAddress application) {
        this.source = source;
        this.application = application;
    }

    Result run(AppProbe probe) {
        var timeoutMs = probe.timeoutSeconds() * 1000;
        try {
            return switch (probe.kind()) {
                case TCP_SOCKET -> {
                    try (var socket = connect(probe, timeoutMs)) {
                        yield new Result(200, "connected to port " + probe.port());
                    }
                }
                case HTTP_GET -> httpGet(probe, timeoutMs);
                case GRPC -> grpc(probe, timeoutMs);
            };
        } catch (IOException | RuntimeException e) {
            return new Result(500, "probe of port " + probe.port() + " failed: " + e.getMessage());
        }
    }

    private Socket connect(AppProbe probe, int timeoutMs) throws IOException {
        var socket = new Socket();
        try {
            var host = probe.host().isEmpty() ? application : InetAddress.getByName(probe.host());
            // An IPv6 application address is reached from Istio's ::6, which init adds to lo beside the IPv6 rules.
            socket.bind(new InetSocketAddress(host instanceof Inet6Address ? UpstreamSocket.PASSTHROUGH_IPV6 : source, 0));
            socket.connect(new InetSocketAddress(host, probe.port()), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private Result grpc(AppProbe probe, int timeoutMs) throws IOException {
        try (var socket = connect(probe, timeoutMs)) {
            return GrpcProbe.check(socket, HostPort.join(socket.getInetAddress().getHostAddress(), probe.port()), probe.grpcService(), timeoutMs);
        }
    }

    private Result httpGet(AppProbe probe, int timeoutMs) throws IOException {
        try (var plain = connect(probe, timeoutMs);
             var socket = probe.scheme().equals("HTTPS") ? tls(plain, probe) : plain) {
            var host = probe.host().isEmpty() ? application.getHostAddress() : probe.host();
            var request = new StringBuilder("GET ").append(probe.path()).append(" HTTP/1.1\r\n");
            var hostSet = false;
            var agentSet = false;
            for (var header : probe.headers()) {
                hostSet |= header.name().equalsIgnoreCase("host");
                agentSet |= header.name().equalsIgnoreCase("user-agent");
                request.append(header.name()).append(": ").append(header.value()).append("\r\n");
            }
            if (!hostSet) {
                request.append("Host: ").append(HostPort.join(host, probe.port())).append("\r\n");
            }
            if (!agentSet) {
                request.append("User-Agent: ").append(USER_AGENT).append("\r\n");
            }
            request.append("Accept: */*\r\nConnection: close\r\n\r\n");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            var line = statusLine(socket.getInputStream());
            var parts = line.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                return new Result(500, "not an HTTP answer from port " + probe.port());
            }
            var status = Integer.parseInt(parts[1]);
            if (status < 100 || status > 599) {
                return new Result(500, "status " + status + " from port " + probe.port());
            }
            return new Result(status, "port " + probe.port() + " answered " + status);
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        var line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (line.length() > 1024) {
                throw new IOException("status line too long");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** kubelet does not verify the application's certificate; neither does its stand-in. */
    private static Socket tls(Socket plain, AppProbe probe) throws IOException {
        try {
            var context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
            var socket = (SSLSocket) context.getSocketFactory().createSocket(plain, plain.getInetAddress().getHostAddress(), probe.port(), false);
            socket.startHandshake();
            return socket;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
