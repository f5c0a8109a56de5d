package dev.sidecarinjector.proxy.run;

import io.netty.channel.Channel;
import java.io.IOException;
import java.net.InetSocketAddress;

/** Where an accepted connection should go. Production reads SO_ORIGINAL_DST; tests pin a destination. */
public interface DestinationResolver {
    InetSocketAddress resolve(Channel accepted) throws IOException;

    static DestinationResolver originalDestination() {
        return OriginalDestination.RESOLVER;
    }
}
