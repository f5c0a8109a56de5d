package dev.sidecarinjector.proxy.run;

import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;

/** Opens the upstream side of a connection, with a {@link Relay} already in its pipeline. */
@FunctionalInterface
interface UpstreamConnector {
    ChannelFuture connect(Connection connection, InetSocketAddress destination);
}
