import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Open-loop HTTP/1.1 load at a fixed rate, with latency measured from each request's intended start
 * (as wrk2 does), so a stall is charged to every request that should have been sent during it
 * (no coordinated omission). Keep-alive connections; a request waits for a free one, and that wait
 * is part of its latency. Every latency is kept and sorted, so percentiles are exact. A response that
 * is not 2xx counts as an error, as does a failed connection.
 *
 *   java FixedRate.java [--tls CA_PEM] [--post BODY_FILE] [--path PATH] [--header 'NAME: VALUE' ...] HOST PORT RATE SECONDS [CONNECTIONS=16] [WARMUP_SECONDS=1]
 *
 * Plain HTTP GET of / by default; {@code --tls} speaks HTTPS trusting only that CA (with hostname
 * verification against HOST), {@code --post} sends the file as an {@code application/json} POST body, each
 * {@code --header} is added to every request.
 * Prints one line: {@code requests=N errors=E p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=..}
 */
public final class FixedRate {
    private static final long STOP = Long.MIN_VALUE;

    public static void main(String[] argv) throws Exception {
        String caFile = null;
        String bodyFile = null;
        String path = "/";
        var headers = new StringBuilder();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--tls" -> caFile = argv[++i];
                case "--post" -> bodyFile = argv[++i];
                case "--path" -> path = argv[++i];
                case "--header" -> headers.append(argv[++i]).append("\r\n");
                default -> positional.add(argv[i]);
            }
        }
        String[] args = positional.toArray(String[]::new);
        if (args.length < 4) {
            System.err.println("usage: FixedRate [--tls CA_PEM] [--post BODY_FILE] [--path PATH] [--header 'NAME: VALUE' ...] HOST PORT RATE SECONDS"
                    + " [CONNECTIONS] [WARMUP_SECONDS]");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int rate = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        int connections = args.length > 4 ? Integer.parseInt(args[4]) : 16;
        double warmup = args.length > 5 ? Double.parseDouble(args[5]) : 1;

        int total = (int) Math.round((warmup + seconds) * rate);
        int skipped = (int) Math.round(warmup * rate);
        long[] latencies = new long[total];
        var intended = new LinkedBlockingQueue<long[]>();
        var errors = new AtomicInteger();
        byte[] request = request(host, path, headers.toString(), bodyFile == null ? null : Files.readAllBytes(Path.of(bodyFile)));
        SSLContext tls = caFile == null ? null : trusting(Path.of(caFile));

        Thread[] workers = new Thread[connections];
        for (int w = 0; w < connections; w++) {
            workers[w] = Thread.ofPlatform().name("conn-" + w).start(() -> {
                Socket socket = null;
                InputStream in = null;
                try {
                    while (true) {
                        long[] job = intended.take();
                        if (job[0] == STOP) {
                            return;
                        }
                        try {
                            if (socket == null) {
                                socket = open(host, port, tls);
                                in = new BufferedInputStream(socket.getInputStream(), 16 << 10);
                            }
                            exchange(socket.getOutputStream(), in, request);
                            latencies[(int) job[1]] = System.nanoTime() - job[0];
                        } catch (IOException e) {
                            errors.incrementAndGet();
                            latencies[(int) job[1]] = -1;
                            closeQuietly(socket);
                            socket = null;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    closeQuietly(socket);
                }
            });
        }

        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            intended.add(new long[] {due, i});
        }
        for (int w = 0; w < connections; w++) {
            intended.add(new long[] {STOP, 0});
        }
        for (Thread worker : workers) {
            worker.join();
        }

        long[] measured = Arrays.stream(latencies, skipped, total).filter(l -> l >= 0).sorted().toArray();
        if (measured.length == 0) {
            System.out.println("requests=0 errors=" + errors.get());
            System.exit(1);
        }
        System.out.printf("requests=%d errors=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f%n",
                measured.length, errors.get(), us(measured, 0.50), us(measured, 0.90), us(measured, 0.99),
                us(measured, 0.999), measured[measured.length - 1] / 1e3);
    }

    private static double us(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e3;
    }

    private static byte[] request(String host, String path, String headers, byte[] body) {
        if (body == null) {
            return ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + headers + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    /** A TLS context that trusts only the certificate(s) in CA_PEM. */
    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int n = 0;
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + n++, (X509Certificate) certificate);
            }
        }
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static Socket open(String host, int port, SSLContext tls) throws IOException {
        var socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress(host, port), 10_000);
        if (tls == null) {
            return socket;
        }
        var secure = (SSLSocket) tls.getSocketFactory().createSocket(socket, host, port, true);
        SSLParameters parameters = secure.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!Character.isDigit(host.charAt(0))) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        secure.setSSLParameters(parameters);
        secure.startHandshake();
        return secure;
    }

    /**
     * Sends one request and reads the whole response (headers, then Content-Length bytes or the chunks of a chunked
     * body, as the webhook sends replies larger than its write buffer); not 2xx fails.
     */
    private static void exchange(OutputStream out, InputStream in, byte[] request) throws IOException {
        out.write(request);
        out.flush();
        int contentLength = -1;
        boolean chunked = false;
        String status = null;
        while (true) {
            String header = line(in);
            if (header.isEmpty()) {
                break;
            }
            if (status == null) {
                status = header;
            }
            int colon = header.indexOf(':');
            if (colon > 0) {
                String name = header.substring(0, colon);
                String value = header.substring(colon + 1).strip();
                if (name.equalsIgnoreCase("content-length")) {
                    contentLength = Integer.parseInt(value);
                } else if (name.equalsIgnoreCase("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
                    chunked = true;
                }
            }
        }
        if (chunked) {
            while (true) {
                String size = line(in);
                int semicolon = size.indexOf(';');
                int length = Integer.parseInt(semicolon < 0 ? size : size.substring(0, semicolon), 16);
                if (length == 0) {
                    while (!line(in).isEmpty()) {
                        // trailers: read and dropped
                    }
                    break;
                }
                if (in.readNBytes(length).length != length || !line(in).isEmpty()) {
                    throw new IOException("short chunk");
                }
            }
        } else if (contentLength < 0) {
            throw new IOException("no Content-Length and not chunked");
        } else if (in.readNBytes(contentLength).length != contentLength) {
            throw new IOException("short body");
        }
        if (status == null || !status.matches("HTTP/1\\.1 2\\d\\d.*")) {
            throw new IOException("not 2xx: " + status);
        }
    }

    /** One CRLF-terminated line, without its end. */
    private static String line(InputStream in) throws IOException {
        var line = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed mid-response");
            }
            if (c == '\n') {
                return line.toString().strip();
            }
            line.append((char) c);
        }
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the run is over for this connection
            }
        }
    }
}
