package dev.sidecarinjector.proxy.run;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;

/** Where an accepted connection should go. Production reads SO_ORIGINAL_DST; tests pin a destination. */
@FunctionalInterface
public interface DestinationResolver {
    InetSocketAddress resolve(Channel accepted) throws IOException;

    static DestinationResolver originalDestination() {
        return accepted -> OriginalDestination.of(((EpollSocketChannel) accepted).fd().intValue());
    }
}
