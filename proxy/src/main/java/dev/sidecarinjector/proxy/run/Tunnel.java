package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.proxy.metrics.DirectionMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.time.Duration;

/**
 * Turns an HTTP downstream connection and its upstream connection into one byte tunnel once an upgrade (WebSocket)
 * was accepted with 101: the HTTP handlers leave the pipelines and the L4 {@link Relay} pipes what follows, with the
 * same half-close, reset and idle-timeout handling as any relayed connection. Bytes either side sent past its HTTP
 * message (read by the HTTP handler, not yet passed on) go to the peer first, as they are.
 */
public final class Tunnel {

    private Tunnel() {
    }

    /**
     * The HTTP handlers are named {@code exchange} and {@code upstream}; {@code fromDownstream} and {@code fromUpstream}
     * are the bytes each side sent past its HTTP message (null: none).
     */
    public static void join(Channel downstream, Channel upstream, DirectionMetrics metrics, Duration idleTimeout,
                            ByteBuf fromDownstream, ByteBuf fromUpstream) {
        var connection = new Connection(downstream, metrics);
        connection.attach(upstream);
        downstream.pipeline().replace("exchange", "relay", new Relay(connection));
        upstream.pipeline().replace("upstream", "relay", new Relay(connection));
        IdleTimeout.watch(connection, idleTimeout);
        if (fromDownstream != null) {
            connection.countRead(downstream, fromDownstream.readableBytes());
            upstream.writeAndFlush(fromDownstream, upstream.voidPromise());
        }
        if (fromUpstream != null) {
            connection.countRead(upstream, fromUpstream.readableBytes());
            downstream.write(fromUpstream, downstream.voidPromise());
        }
        downstream.flush();
        Relay.readNext(downstream);
        Relay.readNext(upstream);
    }
}
