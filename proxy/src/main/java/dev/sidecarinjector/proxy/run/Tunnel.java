package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.proxy.metrics.DirectionMetrics;
import io.netty.channel.Channel;
import java.time.Duration;

/**
 * Turns an HTTP downstream connection and its upstream connection into one byte tunnel once an upgrade (WebSocket)
 * was accepted with 101: both HTTP codecs leave the pipelines and the L4 {@link Relay} pipes what follows, with the
 * same half-close, reset and idle-timeout handling as any relayed connection. Bytes the upstream codec read past the
 * 101 reach the relay as they are.
 */
public final class Tunnel {

    private Tunnel() {
    }

    /** The pipelines name their codec {@code http}; the HTTP handlers are {@code exchange} and {@code upstream}. */
    public static void join(Channel downstream, Channel upstream, DirectionMetrics metrics, Duration idleTimeout) {
        var connection = new Connection(downstream, metrics);
        connection.attach(upstream);
        downstream.pipeline().replace("exchange", "relay", new Relay(connection));
        downstream.pipeline().remove("http");
        upstream.pipeline().replace("upstream", "relay", new Relay(connection));
        upstream.pipeline().remove("http");
        IdleTimeout.watch(connection, idleTimeout);
        downstream.flush();
        Relay.readNext(downstream);
        Relay.readNext(upstream);
    }
}
