import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The control-plane push benchmark's proxies: N WebSocket clients of the mesh stream, over TLS trusting only the
 * dev CA, each saying hello as one pod of the generated mesh. A client reads only the version of each snapshot or
 * delta message (in its first frame), skips the rest of the bytes, and acks the version once the message's last
 * frame has arrived. Once all have acked their first snapshot, each round swaps one file of the mesh directory (a
 * VirtualService every proxy sees) and measures from the file's rename to the last client's ack; meanwhile it
 * samples the control plane's RSS, and reads its push metrics and GC log before and after.
 *
 *   java MeshPushClients.java --ca CA_BUNDLE --port STREAM_PORT --metrics URL --pid PID --gc-log FILE \
 *       --proxies proxies.txt --change DIR/change.yaml --variants change-a.yaml,change-b.yaml --rounds N --warmup W
 *
 * Prints a CSV (round,e2e_ms,first_byte_ms,push_ms,pushes,deltas,pushed_mb,rss_max_mb,heap_after_gc_max_mb) to
 * stdout; progress goes to stderr. The clients say they take deltas ({@code --deltas false}: they do not, and every
 * change comes in full, as before deltas).
 */
public final class MeshPushClients {

    private static final Pattern VERSION = Pattern.compile("\"version\":\"([^\"]*)\"");
    private static final Pattern GC = Pattern.compile("Pause.* (\\d+)M->(\\d+)M\\((\\d+)M\\)");

    /** One proxy's connection; fields written by its reader thread, read by the coordinator. */
    static final class Client implements Runnable {
        final String namespace, pod, ip, host;
        final int port;
        final SSLContext tls;
        volatile String acked = "";
        volatile long ackedNanos;
        volatile long messageStartNanos;
        volatile String failure;
        /** Says in its hello that it takes deltas (the ack is the same: a client only reads the version). */
        final boolean deltas;
        private OutputStream out;
        private final SecureRandom random = new SecureRandom();

        Client(String namespace, String pod, String ip, String host, int port, SSLContext tls, boolean deltas) {
            this.deltas = deltas;
            this.namespace = namespace;
            this.pod = pod;
            this.ip = ip;
            this.host = host;
            this.port = port;
            this.tls = tls;
        }

        @Override
        public void run() {
            try (var socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
                var params = socket.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                params.setServerNames(List.of(new SNIHostName("localhost")));
                socket.setSSLParameters(params);
                socket.connect(new InetSocketAddress(host, port), 10_000);
                socket.setTcpNoDelay(true);
                out = socket.getOutputStream();
                var in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 65_536));
                handshake(in);
                send("{\"type\":\"hello\",\"node\":{\"namespace\":\"" + namespace + "\",\"pod\":\"" + pod + "\",\"ip\":\"" + ip
                        + "\",\"serviceAccount\":\"" + pod.substring(0, pod.lastIndexOf('-')) + "\"},\"version\":\"\",\"deltas\":" + deltas + "}", 1);
                read(in);
            } catch (IOException e) {
                failure = e.toString();
            }
        }

        private void handshake(DataInputStream in) throws IOException {
            var key = new byte[16];
            random.nextBytes(key);
            out.write(("GET /v1/stream HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                var b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed during the WebSocket handshake");
                }
                head.append((char) b);
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                throw new IOException("handshake refused: " + head.toString().lines().findFirst().orElse(""));
            }
        }

        private void read(DataInputStream in) throws IOException {
            var skip = new byte[65_536];
            String version = null;
            while (true) {
                var b0 = in.readUnsignedByte();
                var b1 = in.readUnsignedByte();
                var fin = (b0 & 0x80) != 0;
                var opcode = b0 & 0x0F;
                long length = b1 & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                if (opcode == 8) {
                    var reason = new byte[(int) length];
                    in.readFully(reason);
                    failure = "closed by the control plane: " + new String(reason, Math.min(2, reason.length), Math.max(0, reason.length - 2), StandardCharsets.UTF_8);
                    return;
                }
                if (opcode == 9) {
                    var payload = new byte[(int) length];
                    in.readFully(payload);
                    send(payload, 10);
                    continue;
                }
                if (opcode == 1) {
                    messageStartNanos = System.nanoTime();
                    // The version is the message's second member: in the first bytes of its first frame.
                    var first = (int) Math.min(length, 256);
                    in.readFully(skip, 0, first);
                    Matcher m = VERSION.matcher(new String(skip, 0, first, StandardCharsets.UTF_8));
                    version = m.find() ? m.group(1) : null;
                    length -= first;
                }
                while (length > 0) {
                    var n = (int) Math.min(length, skip.length);
                    in.readFully(skip, 0, n);
                    length -= n;
                }
                if (fin && (opcode == 1 || opcode == 0)) {
                    if (version == null) {
                        failure = "a message with no version";
                        return;
                    }
                    send("{\"type\":\"ack\",\"version\":\"" + version + "\"}", 1);
                    ackedNanos = System.nanoTime();
                    acked = version;
                }
            }
        }

        private void send(String text, int opcode) throws IOException {
            send(text.getBytes(StandardCharsets.UTF_8), opcode);
        }

        /** A client frame is masked (RFC 6455 5.3). */
        private synchronized void send(byte[] payload, int opcode) throws IOException {
            var mask = new byte[4];
            random.nextBytes(mask);
            var frame = new java.io.ByteArrayOutputStream(payload.length + 14);
            frame.write(0x80 | opcode);
            if (payload.length < 126) {
                frame.write(0x80 | payload.length);
            } else {
                frame.write(0x80 | 126);
                frame.write(payload.length >> 8);
                frame.write(payload.length & 0xFF);
            }
            frame.write(mask);
            for (var i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i & 3]);
            }
            out.write(frame.toByteArray());
            out.flush();
        }
    }

    public static void main(String[] argv) throws Exception {
        var opts = new HashMap<String, String>();
        for (var i = 0; i + 1 < argv.length; i += 2) {
            opts.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        var tls = sslContext(Path.of(opts.get("ca")));
        var port = Integer.parseInt(opts.get("port"));
        var rounds = Integer.parseInt(opts.getOrDefault("rounds", "5"));
        var warmup = Integer.parseInt(opts.getOrDefault("warmup", "2"));
        var change = Path.of(opts.get("change"));
        var variants = opts.get("variants").split(",");
        var pid = opts.get("pid");
        var gcLog = opts.containsKey("gc-log") ? Path.of(opts.get("gc-log")) : null;
        var http = HttpClient.newBuilder().sslContext(tls).build();
        var metrics = URI.create(opts.get("metrics"));
        var deltas = !"false".equals(opts.getOrDefault("deltas", "true"));

        var clients = new ArrayList<Client>();
        for (var line : Files.readAllLines(Path.of(opts.get("proxies")))) {
            var f = line.trim().split("\\s+");
            var client = new Client(f[0], f[1], f[2], "127.0.0.1", port, tls, deltas);
            clients.add(client);
            Thread.ofPlatform().daemon().name("proxy-" + f[1]).start(client);
        }
        log("%d clients connecting to 127.0.0.1:%d", clients.size(), port);
        awaitAll(clients, c -> !c.acked.isEmpty(), 180, "the first snapshot");
        log("every client acked its first snapshot (%s)", clients.getFirst().acked);

        System.out.println("round,e2e_ms,first_byte_ms,push_ms,pushes,deltas,pushed_mb,rss_max_mb,heap_after_gc_max_mb");
        for (var round = 1 - warmup; round <= rounds; round++) {
            Thread.sleep(1500); // the previous round's garbage and stragglers settle; well past the debounce
            var before = new HashMap<String, String>();
            for (var c : clients) {
                before.put(c.pod, c.acked);
            }
            var m0 = scrape(http, metrics);
            var gcLines0 = gcLog == null ? 0 : Files.readAllLines(gcLog).size();
            var next = Path.of(change.getParent().getParent().toString(), variants[(round + warmup) % 2 == 1 ? 1 : 0]);
            var tmp = change.resolveSibling(".change.tmp");
            Files.copy(next, tmp, StandardCopyOption.REPLACE_EXISTING);
            var t0 = System.nanoTime();
            Files.move(tmp, change, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            var rssMax = 0.0;
            var deadline = t0 + 60_000_000_000L;
            while (!clients.stream().allMatch(c -> !c.acked.equals(before.get(c.pod)))) {
                failIfAny(clients);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("round " + round + ": not every client acked a new version within 60 s");
                }
                if (pid != null) {
                    rssMax = Math.max(rssMax, rssMb(pid));
                }
                Thread.sleep(2);
            }
            var lastAck = clients.stream().mapToLong(c -> c.ackedNanos).max().orElseThrow();
            var firstByte = clients.stream().mapToLong(c -> c.messageStartNanos).min().orElseThrow();
            Thread.sleep(200); // the metrics of the push are recorded after its last write is queued
            var m1 = scrape(http, metrics);
            var heapMax = 0L;
            if (gcLog != null) {
                var lines = Files.readAllLines(gcLog);
                for (var line : lines.subList(Math.min(gcLines0, lines.size()), lines.size())) {
                    var g = GC.matcher(line);
                    if (g.find()) {
                        heapMax = Math.max(heapMax, Long.parseLong(g.group(2)));
                    }
                }
            }
            var pushes = m1.getOrDefault("mesh_stream_push_duration_seconds_count", 0.0) - m0.getOrDefault("mesh_stream_push_duration_seconds_count", 0.0);
            var pushSeconds = m1.getOrDefault("mesh_stream_push_duration_seconds_sum", 0.0) - m0.getOrDefault("mesh_stream_push_duration_seconds_sum", 0.0);
            var sent = m1.getOrDefault("mesh_stream_pushes_total", 0.0) - m0.getOrDefault("mesh_stream_pushes_total", 0.0);
            var deltaKey = "mesh_stream_pushes_total{kind=\"delta\"}";
            var sentDeltas = m1.getOrDefault(deltaKey, 0.0) - m0.getOrDefault(deltaKey, 0.0);
            var bytes = m1.getOrDefault("mesh_stream_pushed_bytes_total", -1.0) - m0.getOrDefault("mesh_stream_pushed_bytes_total", 0.0);
            var row = String.format(Locale.ROOT, "%d,%.1f,%.1f,%s,%.0f,%.0f,%s,%.1f,%s", round, (lastAck - t0) / 1e6, (firstByte - t0) / 1e6,
                    pushes == 1 ? String.format(Locale.ROOT, "%.1f", pushSeconds * 1000) : pushes == 0 ? "-" : String.format(Locale.ROOT, "%.1f/%d", pushSeconds * 1000, (long) pushes),
                    sent, sentDeltas, bytes < 0 ? "-" : String.format(Locale.ROOT, "%.3f", bytes / 1048576.0), rssMax, heapMax == 0 ? "-" : Long.toString(heapMax));
            if (round >= 1) {
                System.out.println(row);
            }
            log("%s %s", round >= 1 ? "round" : "warm-up", row);
        }
    }

    interface Check {
        boolean ok(Client c);
    }

    private static void awaitAll(List<Client> clients, Check check, int seconds, String what) throws InterruptedException {
        var deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!clients.stream().allMatch(check::ok)) {
            failIfAny(clients);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(clients.stream().filter(c -> !check.ok(c)).count() + " clients did not get " + what + " within " + seconds + " s");
            }
            Thread.sleep(20);
        }
    }

    private static void failIfAny(List<Client> clients) {
        for (var c : clients) {
            if (c.failure != null) {
                throw new IllegalStateException("client " + c.namespace + "/" + c.pod + ": " + c.failure);
            }
        }
    }

    /** The samples of a Prometheus text page: each series by its name and labels, and labelled series summed by name. */
    private static Map<String, Double> scrape(HttpClient http, URI uri) throws Exception {
        var body = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
        var out = new HashMap<String, Double>();
        for (var line : body.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            var name = line.replaceFirst("[{ ].*", "");
            var value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            out.merge(name, value, Double::sum);
            if (line.contains("{")) {
                out.put(line.substring(0, line.lastIndexOf(' ')), value);
            }
        }
        return out;
    }

    private static double rssMb(String pid) {
        try (BufferedReader r = Files.newBufferedReader(Path.of("/proc", pid, "status"))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // the process is gone: the round fails on its own
        }
        return 0;
    }

    private static SSLContext sslContext(Path ca) throws Exception {
        var store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        // Every certificate of the file: the mesh CA's root (port 15012) and the webhook's CA (/q/metrics on 8443).
        try (InputStream in = Files.newInputStream(ca)) {
            var index = 0;
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca" + index++, certificate);
            }
        }
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        var context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static void log(String format, Object... args) {
        System.err.printf("    " + format + "%n", args);
    }
}
