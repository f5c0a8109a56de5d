package dev.sidecarinjector.proxy.run;

import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;

/**
 * Connects upstream on the downstream channel's own event loop, so both halves of a connection share
 * one thread and never hand buffers across threads. The channel is made and registered directly
 * rather than through a {@code Bootstrap}: the destination is already an address, and a bootstrap per
 * connection copied its option map and looked up a resolver every time.
 *
 * @param fromPassthroughSource bind Istio's inbound passthrough source ({@link UpstreamSocket}), or let the kernel pick
 */
record EpollUpstreamConnector(int connectTimeoutMillis, boolean fromPassthroughSource) implements UpstreamConnector {

    @Override
    public ChannelFuture connect(Connection connection, InetSocketAddress destination) {
        var upstream = UpstreamSocket.open(destination);
        var config = upstream.config();
        config.setAutoRead(false);
        config.setConnectTimeoutMillis(connectTimeoutMillis);
        config.setAllowHalfClosure(true);
        if (fromPassthroughSource) {
            // The source port is picked at connect time, per destination, instead of at bind time from the
            // ports free on 127.0.0.6 for every destination: many short connections do not run out (HAProxy does the same).
            config.setIpBindAddressNoPort(true);
        }
        upstream.pipeline().addLast(new Relay(connection));
        ChannelFuture registered = connection.downstream().eventLoop().register(upstream);
        if (registered.cause() != null) {
            return registered;
        }
        // Registration on the caller's own loop completes at once, so connect can follow directly.
        return fromPassthroughSource
                ? upstream.connect(destination, UpstreamSocket.passthroughSource(destination))
                : upstream.connect(destination);
    }
}
