package dev.sidecarinjector.proxy.http;

import dev.sidecarinjector.api.snapshot.InboundPort;
import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.proxy.mesh.CompiledListener;
import java.net.InetSocketAddress;

/**
 * Where the requests of one downstream connection go: through an outbound listener's route table, or (inbound) to
 * the application on the connection's original destination. {@code listener} is the one the connection was accepted
 * for; each request looks the listener up again in the current snapshot ({@code address} is the original
 * destination's IPv4 as an int), so a new route or weight applies to the next request of a kept-alive connection.
 */
record Target(CompiledListener listener, InboundPort inbound, InetSocketAddress originalDestination, int address) {

    static Target outbound(CompiledListener listener, InetSocketAddress originalDestination, int address) {
        return new Target(listener, null, originalDestination, address);
    }

    static Target inbound(InboundPort port, InetSocketAddress originalDestination) {
        return new Target(null, port, originalDestination, 0);
    }

    boolean isInbound() {
        return inbound != null;
    }

    /** The Service the metrics name (an inbound port serving several Services names the first). */
    ServiceRef service() {
        if (listener != null) {
            return listener.listener().service();
        }
        return inbound.services().isEmpty() ? null : inbound.services().getFirst();
    }
}
