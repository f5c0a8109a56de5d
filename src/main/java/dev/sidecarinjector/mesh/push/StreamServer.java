package dev.sidecarinjector.mesh.push;

import dev.sidecarinjector.api.ca.CertificateRequest;
import dev.sidecarinjector.api.json.JsonWriter;
import dev.sidecarinjector.api.net.HostPort;
import dev.sidecarinjector.api.stream.StreamMessage;
import dev.sidecarinjector.api.text.RootCause;
import dev.sidecarinjector.http.AnyAddress;
import dev.sidecarinjector.ca.CertificateEndpoint;
import dev.sidecarinjector.ca.ControlPlaneCa;
import dev.sidecarinjector.mesh.compile.ProblemLog;
import dev.sidecarinjector.tls.ServingKeyManager;
import dev.sidecarinjector.tls.TlsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.KeyCertOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The control plane's second TLS server, on 15012 like istiod: the WebSocket configuration stream at
 * {@code /v1/stream}, {@code GET /debug/syncz} and the CA's {@code POST /v1/certificate}. With the mesh CA on it
 * serves the control plane's own certificate from that CA; off, the webhook's {@link ServingKeyManager}, so a
 * certificate rotation applies to both ports at once. Handlers only hand frames to the {@link Pusher}.
 */
@ApplicationScoped
public class StreamServer {

    public static final String SYNCZ = "/debug/syncz";
    /** The mesh's configuration problems now (objects left out, parts ignored), as the log has told them. */
    public static final String PROBLEMZ = "/debug/problemz";
    private static final Logger LOG = Logger.getLogger(StreamServer.class);

    private final StreamConfig config;
    private final SnapshotSource source;
    private final ServingKeyManager serving;
    private final TlsConfigurationRegistry registry;
    private final Vertx vertx;
    private final MeterRegistry meters;
    private final ControlPlaneCa ca;
    private final CertificateEndpoint certificates;
    private final TlsConfig tlsConfig;
    private final ProblemLog problems;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mesh-push").factory());
    private volatile Pusher pusher;
    private volatile HttpServer server;
    private volatile String failure = "not started";

    public StreamServer(StreamConfig config, SnapshotSource source, ServingKeyManager serving, TlsConfigurationRegistry registry,
                        Vertx vertx, MeterRegistry meters, ControlPlaneCa ca, CertificateEndpoint certificates, TlsConfig tlsConfig,
                        ProblemLog problems) {
        this.config = config;
        this.source = source;
        this.serving = serving;
        this.registry = registry;
        this.vertx = vertx;
        this.meters = meters;
        this.ca = ca;
        this.certificates = certificates;
        this.tlsConfig = tlsConfig;
        this.problems = problems;
    }

    void start(@Observes StartupEvent startup) {
        if (!config.enabled()) {
            failure = "disabled (injector.mesh.stream.enabled=false)";
            return;
        }
        var tls = registry.getDefault().orElse(null);
        if (ca.serverKeys().isEmpty() && (tls == null || tls.getKeyStoreOptions() == null)) {
            failure = "no serving certificate configured";
            LOG.errorf("mesh stream not started: %s", failure);
            return;
        }
        try {
            if (ca.serverKeys().isEmpty() && !serving.loaded()) {
                serving.use(ServingKeyManager.x509(tls.getKeyStoreOptions().getKeyManagerFactory(vertx)));
            }
            pusher = new Pusher(source, config, executor, connected -> new PushMetrics(meters, connected));
            listen(config.port());
        } catch (Exception e) {
            if (RootCause.of(e) instanceof BindException bind) {
                // As the HTTPS port's: a control plane that cannot listen stops, rather than stay up and unready for good.
                throw new UncheckedIOException(new StreamBindException(host(), config.port(), bind));
            }
            failure = "cannot listen on " + HostPort.join(host(), config.port()) + ": " + RootCause.message(e);
            LOG.errorf("mesh stream not started: %s", failure);
        }
    }

    /** Binds the TLS server; every connection is handed to the (long-lived) pusher. */
    void listen(int port) throws Exception {
        var options = new HttpServerOptions().setSsl(true).setSslEngineOptions(tlsConfig.serverTls())
                .setKeyCertOptions(KeyCertOptions.wrap(ca.serverKeys().orElse(serving)))
                .setHost(host()).setPort(port).setUseAlpn(false)
                .setMaxWebSocketMessageSize(StreamMessage.MAX_MESSAGE_BYTES);
        server = vertx.createHttpServer(options).requestHandler(this::request).listen()
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        failure = null;
        LOG.infof("mesh stream on https://%s%s (proxies), %s (status)", HostPort.join(host(), server.actualPort()), StreamMessage.PATH, SYNCZ);
    }

    private String host() {
        return config.host().orElseGet(AnyAddress::get);
    }

    /** Closes the server and with it every proxy's connection (tests use it to play a control-plane outage). */
    void closeServer() throws Exception {
        var s = server;
        server = null;
        failure = "closed";
        if (s != null) {
            s.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Closes the server before Quarkus closes Vert.x: a close left running could finish on an event loop already shut
     * down, and Netty logged that as an error with a stack trace on a pod's normal termination.
     */
    void stop(@Observes ShutdownEvent shutdown) {
        try {
            closeServer();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warnf("mesh stream: interrupted while closing the server on shutdown");
        } catch (Exception e) {
            LOG.warnf("mesh stream: closing the server on shutdown: %s", RootCause.message(e));
        } finally {
            executor.shutdownNow();
        }
    }

    /** The bound port, or -1 when the server is not listening. */
    public int port() {
        var s = server;
        return s == null ? -1 : s.actualPort();
    }

    /** Null while listening, else why not (for readiness). */
    public String failure() {
        return failure;
    }

    private void request(HttpServerRequest request) {
        if (StreamMessage.PATH.equals(request.path())) {
            request.toWebSocket().onSuccess(this::attach).onFailure(e -> {
                if (!request.response().ended()) {
                    request.response().setStatusCode(400).end(StreamMessage.PATH + " is a WebSocket endpoint: " + e.getMessage() + "\n");
                }
            });
        } else if (SYNCZ.equals(request.path()) || PROBLEMZ.equals(request.path())) {
            if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
                request.response().setStatusCode(405).putHeader("allow", "GET, HEAD").end(request.path() + " takes GET, not " + request.method() + "\n");
                return;
            }
            var json = JsonWriter.pretty();
            json.value(SYNCZ.equals(request.path()) ? pusher.status() : problems.current());
            request.response().putHeader("content-type", "application/json").end(json + "\n");
        } else if (CertificateRequest.PATH.equals(request.path())) {
            certificates.handle(request);
        } else {
            request.response().setStatusCode(404).end("not found: " + request.path() + " (the mesh stream serves "
                    + StreamMessage.PATH + ", " + SYNCZ + " and " + PROBLEMZ + ")\n");
        }
    }

    private void attach(ServerWebSocket socket) {
        var writer = new FrameWriter(socket, vertx.getOrCreateContext());
        var stream = pusher.connected(new ProxyChannel() {
            @Override
            public void send(SnapshotMessage message) {
                writer.send(message);
            }

            @Override
            public void close(short status, String reason) {
                socket.close(status, reason);
            }
        });
        socket.textMessageHandler(text -> pusher.received(stream, text));
        socket.binaryMessageHandler(data -> pusher.received(stream, "binary frame of " + data.length() + " bytes"));
        socket.exceptionHandler(e -> LOG.debugf("mesh stream connection error: %s", e.getMessage()));
        socket.closeHandler(v -> pusher.disconnected(stream));
    }
}
