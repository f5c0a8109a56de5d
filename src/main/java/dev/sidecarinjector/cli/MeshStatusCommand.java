package dev.sidecarinjector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidecarinjector.api.text.RootCause;
import dev.sidecarinjector.mesh.push.StreamServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@code sidecar-injector mesh status}: the proxies connected to the control plane's configuration stream, as
 * {@code istioctl proxy-status} lists them, read from {@code GET /debug/syncz} on the stream's port. Exit 0 with
 * the table, 1 when the control plane cannot be reached or answers something else, 2 for a usage error.
 */
public final class MeshStatusCommand extends Subcommand<MeshStatusCommand.Options> {

    /** make run's roots, in order: the mesh CA's (it certifies 15012), else the development CA (the mesh CA off). */
    static final java.util.List<String> DEV_ROOTS = java.util.List.of("target/mesh-ca/root-cert.pem", "target/dev-certs/ca.crt");
    static final String HELP = """
            usage: sidecar-injector mesh status [--control-plane URL] [--cacert FILE]
              --control-plane URL      the control plane's stream port (default: https://localhost:15012)
              --cacert FILE            CA certificate to verify it with (default: make run's mesh CA root
                                       target/mesh-ca/root-cert.pem, else target/dev-certs/ca.crt, when one
                                       exists, else the system's trusted CAs)
            Lists every connected proxy: NAME (pod.namespace), VERSION acknowledged, SENT, STATE (SYNCED when it
            acknowledged the version sent, else STALE) and how long it has been CONNECTED; then the configuration's
            problems (objects left out, parts ignored), as the control plane logged them.""";

    public MeshStatusCommand(PrintStream stdout, PrintStream stderr) {
        super(HELP, Options::parse, stdout, stderr);
    }

    @Override
    int execute(Options options) {
        var url = options.controlPlane().resolve(StreamServer.SYNCZ);
        String body;
        HttpClient client;
        try {
            client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).sslContext(tls(options.cacert())).build();
            var response = get(client, url);
            if (response.statusCode() != 200) {
                stderr.println("error: " + url + " answered HTTP " + response.statusCode() + ": " + response.body().strip());
                return 1;
            }
            body = response.body();
        } catch (ConnectException e) {
            stderr.println("error: cannot reach the control plane at " + options.controlPlane() + ": connection refused"
                    + " (is it running? `make run` serves https://localhost:15012)");
            return 1;
        } catch (IOException e) {
            stderr.println("error: cannot reach the control plane at " + options.controlPlane() + ": " + RootCause.message(e)
                    + (RootCause.anyIs(e, CertPathBuilderException.class) ? " (its certificate is not trusted: give its CA with --cacert"
                    + options.cacert().map(file -> ", not " + file).orElse("") + ")" : ""));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (IllegalArgumentException e) {
            stderr.println("error: " + e.getMessage());
            return 1;
        }
        List<Row> rows;
        try {
            rows = rows(new ObjectMapper().readTree(body));
        } catch (IOException | IllegalArgumentException e) {
            stderr.println("error: " + url + " did not answer a proxy list: " + e.getMessage());
            return 1;
        }
        stdout.print(table(rows, Instant.now()));
        configProblems(client, options.controlPlane().resolve(StreamServer.PROBLEMZ)).ifPresent(stdout::print);
        stdout.flush();
        return 0;
    }

    private static HttpResponse<String> get(HttpClient client, URI url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The control plane's configuration problems, as {@link #problems} words them; empty when it does not list them (an older one). */
    private static Optional<String> configProblems(HttpClient client, URI url) {
        try {
            var response = get(client, url);
            return response.statusCode() == 200 ? Optional.of(problems(new ObjectMapper().readTree(response.body()))) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** At most this many problems are printed; the rest are counted (all are in the control plane's log). */
    static final int PROBLEMS_SHOWN = 20;

    /** After the table: the configuration's problems now, each on its line, as the control plane logged them. */
    static String problems(JsonNode list) {
        if (!list.isArray() || list.isEmpty()) {
            return "\nconfiguration: no problems\n";
        }
        var leftOut = 0;
        for (var problem : list) {
            leftOut += problem.path("leftOut").asBoolean(false) ? 1 : 0;
        }
        var out = new StringBuilder("\nconfiguration: ").append(list.size()).append(list.size() == 1 ? " problem" : " problems")
                .append(leftOut == 0 ? "" : ", " + leftOut + " leaving an object out").append(":\n");
        for (var i = 0; i < Math.min(list.size(), PROBLEMS_SHOWN); i++) {
            out.append("  ").append(list.get(i).path("text").asText()).append('\n');
        }
        if (list.size() > PROBLEMS_SHOWN) {
            out.append("  ... and ").append(list.size() - PROBLEMS_SHOWN).append(" more (all are in the control plane's log)\n");
        }
        return out.toString();
    }

    /** One proxy as {@code /debug/syncz} describes it. */
    record Row(String name, String acked, String sent, String state, Instant connectedSince) {
    }

    static List<Row> rows(JsonNode list) {
        if (!list.isArray()) {
            throw new IllegalArgumentException("not a JSON list");
        }
        var rows = new ArrayList<Row>();
        for (var proxy : list) {
            var name = proxy.path("name").asText("");
            rows.add(new Row(name.isEmpty() ? "(before hello)" : name, proxy.path("acked").asText(""), proxy.path("sent").asText(""),
                    proxy.path("state").asText(""), Instant.parse(proxy.path("connectedSince").asText())));
        }
        return rows;
    }

    /** The table, columns as wide as their widest cell, like istioctl's. */
    static String table(List<Row> rows, Instant now) {
        var cells = new ArrayList<String[]>();
        cells.add(new String[] {"NAME", "VERSION", "SENT", "STATE", "CONNECTED"});
        for (var row : rows) {
            cells.add(new String[] {row.name(), dash(row.acked()), dash(row.sent()), row.state(), age(Duration.between(row.connectedSince(), now))});
        }
        var widths = new int[5];
        for (var line : cells) {
            for (var i = 0; i < 5; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        var out = new StringBuilder();
        for (var line : cells) {
            for (var i = 0; i < 5; i++) {
                out.append(i == 4 ? line[i] : line[i] + " ".repeat(widths[i] - line[i].length() + 3));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String dash(String version) {
        return version.isEmpty() ? "-" : version;
    }

    /** {@code 45s}, {@code 3m12s}, {@code 2h5m}, {@code 3d4h}, as kubectl prints ages. */
    static String age(Duration d) {
        var s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + s % 60 + "s";
        }
        if (s < 86_400) {
            return s / 3600 + "h" + s % 3600 / 60 + "m";
        }
        return s / 86_400 + "d" + s % 86_400 / 3600 + "h";
    }

    private static SSLContext tls(Optional<Path> cacert) throws IOException {
        try {
            if (cacert.isEmpty()) {
                return SSLContext.getDefault();
            }
            var store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(cacert.get())) {
                var i = 0;
                for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca" + i++, cert);
                }
                if (i == 0) {
                    throw new IllegalArgumentException("--cacert " + cacert.get() + ": no PEM certificate in it");
                }
            }
            var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            var context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("--cacert " + cacert.orElse(null) + ": not a PEM certificate: " + e.getMessage(), e);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("--cacert " + cacert.get() + ": no such file");
        }
    }

    /** The parsed command line. */
    record Options(URI controlPlane, Optional<Path> cacert, boolean help) implements Flags {

        static Options parse(String... args) {
            var controlPlane = "https://localhost:" + dev.sidecarinjector.api.net.MeshPorts.CONTROL_PLANE;
            Optional<Path> cacert = DEV_ROOTS.stream().map(Path::of).filter(Files::exists).findFirst();
            var flags = new FlagReader(args);
            while (flags.next()) {
                switch (flags.name()) {
                    case "-h", "--help" -> {
                        return new Options(URI.create(controlPlane), cacert, true);
                    }
                    case "--control-plane" -> controlPlane = flags.value();
                    case "--cacert" -> cacert = Optional.of(Path.of(flags.value()));
                    default -> throw flags.unknown();
                }
            }
            URI uri;
            try {
                uri = URI.create(controlPlane);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--control-plane \"" + controlPlane + "\" is not a URL");
            }
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new UsageException("--control-plane \"" + controlPlane + "\" is not an https://HOST:PORT URL");
            }
            if (uri.getPort() == 0 || uri.getPort() > 65535) {
                throw new UsageException("--control-plane \"" + controlPlane + "\": port " + uri.getPort() + " is not a port (1 to 65535)");
            }
            return new Options(uri, cacert, false);
        }
    }
}
