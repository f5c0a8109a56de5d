package dev.sidecarinjector.mesh.push;

import dev.sidecarinjector.api.json.JsonException;
import dev.sidecarinjector.api.snapshot.InboundPolicy;
import dev.sidecarinjector.api.snapshot.InboundPort;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.api.stream.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The push side of the stream, as istiod's xDS server: proxies say hello, wait until the source is ready, then
 * get a full snapshot with a version; changes are debounced and each proxy whose snapshot changed gets the new
 * one: as a delta from the version it acked when it acked the last one sent (and takes deltas), else in full. A
 * nacked delta is answered once with the full snapshot of the same version. Every state change runs on one executor
 * thread, so no lock is needed; WebSocket handlers only post to it.
 */
final class Pusher {

    /** WebSocket close codes: the proxy sent something it must not; the server cannot serve it (yet). */
    static final short POLICY_VIOLATION = 1008;
    static final short TRY_AGAIN_LATER = 1013;

    private static final Logger LOG = Logger.getLogger(Pusher.class);

    private final SnapshotSource source;
    private final StreamConfig config;
    private final ScheduledExecutorService executor;
    private final PushMetrics metrics;
    private final Debouncer debouncer;
    private final String epoch;
    private final Set<ProxyStream> streams = ConcurrentHashMap.newKeySet();
    private final SnapshotEncoder encoder = new SnapshotEncoder();
    private long round;
    private String version;

    Pusher(SnapshotSource source, StreamConfig config, ScheduledExecutorService executor, PushMetricsFactory metrics) {
        this.source = source;
        this.config = config;
        this.executor = executor;
        this.metrics = metrics.create(streams::size);
        this.debouncer = new Debouncer(config.debounceQuiet(), config.debounceMax());
        // Unique across restarts: a proxy that kept version "1700000000-4" never mistakes a new process's "…-4" for it.
        this.epoch = Long.toString(Instant.now().getEpochSecond());
        source.onChange(this::changed);
        executor.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** Makes the metrics once the connection count exists. */
    interface PushMetricsFactory {
        PushMetrics create(java.util.function.Supplier<Number> connected);
    }

    /** A new connection: it must say hello within the hello timeout. Returns the handle its events carry. */
    ProxyStream connected(ProxyChannel channel) {
        var stream = new ProxyStream(channel, Instant.now(), System.nanoTime());
        streams.add(stream);
        executor.schedule(() -> {
            if (!stream.closed && stream.node == null) {
                reject(stream, "no hello within " + config.helloTimeout());
            }
        }, config.helloTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return stream;
    }

    void received(ProxyStream stream, String text) {
        executor.execute(() -> handle(stream, text));
    }

    void disconnected(ProxyStream stream) {
        executor.execute(() -> {
            stream.closed = true;
            streams.remove(stream);
            if (stream.node != null) {
                LOG.infof("proxy %s disconnected (sent %s, acked %s)", stream.node.name(), show(stream.sent), show(stream.acked));
            }
        });
    }

    /** The proxies connected now, for {@code /debug/syncz} and {@code mesh status}. */
    List<ProxyStatus> status() {
        var out = new ArrayList<ProxyStatus>();
        for (var stream : streams) {
            out.add(stream.status());
        }
        out.sort(java.util.Comparator.comparing(ProxyStatus::name));
        return out;
    }

    private void changed() {
        executor.execute(() -> {
            debouncer.changed(System.nanoTime());
            schedulePush();
        });
    }

    private void schedulePush() {
        var delay = debouncer.deadline() - System.nanoTime();
        executor.schedule(this::pushIfDue, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    private void pushIfDue() {
        if (!debouncer.fire(System.nanoTime())) {
            if (debouncer.pending()) {
                schedulePush();
            }
            return;
        }
        if (!source.ready()) {
            return;
        }
        var started = System.nanoTime();
        version = null;
        var namespaces = new HashSet<String>();
        for (var stream : streams) {
            if (stream.node != null && !stream.closed) {
                namespaces.add(stream.node.namespace());
                push(stream);
            }
        }
        encoder.retain(namespaces);
        metrics.pushTook(Duration.ofNanos(System.nanoTime() - started));
    }

    private void handle(ProxyStream stream, String text) {
        if (stream.closed) {
            return;
        }
        StreamMessage message;
        try {
            message = StreamMessage.parse(text);
        } catch (JsonException | StreamMessage.InvalidSnapshot e) {
            reject(stream, "not a stream message: " + e.getMessage());
            return;
        }
        switch (message) {
            case StreamMessage.Hello hello when stream.node == null -> {
                stream.node = hello.node();
                stream.deltas = hello.deltas();
                LOG.infof("proxy %s connected (ip %s, holding %s%s)", hello.node().name(), show(hello.node().ip()), show(hello.version()),
                        hello.deltas() ? "" : "; it takes no deltas, every change is sent in full");
                if (source.ready()) {
                    push(stream);
                }
            }
            case StreamMessage.Hello _ -> reject(stream, "a second hello");
            case StreamMessage.Ack ack when stream.node != null -> {
                if (ack.version().equals(stream.sent)) {
                    // Counted first: whoever sees the stream's new state (mesh status, a test) sees it counted.
                    metrics.acked();
                    stream.acked = ack.version();
                    stream.nackReason = null;
                }
            }
            case StreamMessage.Nack nack when stream.node != null -> {
                if (nack.version().equals(stream.sent)) {
                    metrics.nacked();
                    stream.nackReason = nack.reason();
                    if (stream.sentDelta) {
                        // Once: the full snapshot is not a delta, so a nack of it is only recorded.
                        LOG.warnf("proxy %s rejected the delta of version %s: %s; sending the full snapshot", stream.node.name(),
                                nack.version(), nack.reason());
                        send(stream, stream.sent, stream.sentOutbound, stream.sentWorkload, stream.sentInbound, stream.sentInboundPolicy, false,
                                encoder.full(stream.sent, stream.sentWorkload, stream.sentOutbound, stream.sentInbound, stream.sentInboundPolicy));
                    } else {
                        LOG.warnf("proxy %s rejected version %s: %s", stream.node.name(), nack.version(), nack.reason());
                    }
                }
            }
            case StreamMessage.SnapshotPush _ -> reject(stream, "a snapshot message from a proxy");
            case StreamMessage.DeltaPush _ -> reject(stream, "a delta message from a proxy");
            default -> reject(stream, "type " + message.getClass().getSimpleName().toLowerCase() + " before hello");
        }
    }

    /** Periodically: serve proxies that waited for the caches; close those that waited too long. */
    private void tick() {
        try {
            var ready = source.ready();
            var now = System.nanoTime();
            for (var stream : streams) {
                if (stream.closed || stream.node == null || !stream.sent.isEmpty()) {
                    continue;
                }
                if (ready) {
                    push(stream);
                } else if (now - stream.connectedNanos > config.syncTimeout().toNanos()) {
                    close(stream, TRY_AGAIN_LATER, "control plane caches not synced after " + config.syncTimeout());
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "mesh stream tick failed");
        }
    }

    private void push(ProxyStream stream) {
        Snapshot snapshot;
        try {
            snapshot = source.snapshotFor(stream.node);
        } catch (SnapshotSource.UnknownProxy e) {
            close(stream, TRY_AGAIN_LATER, "unknown proxy " + stream.node.name() + ": " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            // A compiler bug must not take the stream down for everyone: this proxy keeps its last snapshot.
            LOG.errorf(e, "cannot compile the snapshot of proxy %s; it keeps version %s", stream.node.name(), show(stream.acked));
            return;
        }
        var outbound = encoder.outbound(stream.node.namespace(), snapshot);
        // The encoder gives the same part for the same content, so this compares megabytes by one reference.
        if (outbound == stream.sentOutbound && Objects.equals(snapshot.workload(), stream.sentWorkload)
                && snapshot.inbound().equals(stream.sentInbound) && snapshot.inboundPolicy().equals(stream.sentInboundPolicy)) {
            return;
        }
        var stampedVersion = currentVersion();
        // A delta only from what the proxy holds for sure: the last version sent, and acked.
        var delta = stream.deltas && stream.sentOutbound != null && !stream.sent.isEmpty() && stream.sent.equals(stream.acked);
        var message = delta
                ? encoder.delta(stampedVersion, stream.sent, stream.sentOutbound, outbound, snapshot.workload(), snapshot.inbound(),
                        snapshot.inboundPolicy())
                : encoder.full(stampedVersion, snapshot.workload(), outbound, snapshot.inbound(), snapshot.inboundPolicy());
        send(stream, stampedVersion, outbound, snapshot.workload(), snapshot.inbound(), snapshot.inboundPolicy(), delta, message);
    }

    private void send(ProxyStream stream, String version, NamespaceOutbound outbound, Workload workload, List<InboundPort> inbound,
                      InboundPolicy policy, boolean delta, SnapshotMessage message) {
        stream.channel.send(message);
        stream.sentOutbound = outbound;
        stream.sentWorkload = workload;
        stream.sentInbound = inbound;
        stream.sentInboundPolicy = policy;
        stream.sentDelta = delta;
        stream.sent = version;
        metrics.pushed(delta, message.bytes());
    }

    /** One version per push round: every proxy changed by the same change gets the same version. */
    private String currentVersion() {
        if (version == null) {
            version = epoch + "-" + ++round;
        }
        return version;
    }

    private void reject(ProxyStream stream, String reason) {
        metrics.rejected();
        LOG.warnf("closing mesh stream of %s: %s", stream.node == null ? "a proxy before hello" : "proxy " + stream.node.name(), reason);
        close(stream, POLICY_VIOLATION, reason);
    }

    private void close(ProxyStream stream, short status, String reason) {
        stream.closed = true;
        streams.remove(stream);
        stream.channel.close(status, closeReason(reason));
    }

    /** A close frame's reason is at most 123 bytes of UTF-8. */
    static String closeReason(String reason) {
        var bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 123) {
            return reason;
        }
        var cut = 120;
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80) {
            cut--;
        }
        return new String(bytes, 0, cut, StandardCharsets.UTF_8) + "...";
    }

    private static String show(String version) {
        return version == null || version.isEmpty() ? "none" : version;
    }
}
