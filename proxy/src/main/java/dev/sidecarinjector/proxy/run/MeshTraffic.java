package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.cluster.EndpointPicker;
import dev.sidecarinjector.proxy.cluster.EndpointState;
import dev.sidecarinjector.proxy.http.HttpEngine;
import dev.sidecarinjector.proxy.mesh.RandomSource;
import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import dev.sidecarinjector.proxy.metrics.Direction;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * What the control plane's snapshot decides for an accepted connection: an HTTP listener or inbound HTTP port hands
 * it to the {@link HttpEngine}; a TCP listener of a Service relays it to an endpoint of the Service's cluster, picked
 * by its load balancer; anything else (no snapshot yet, a destination the mesh does not know, a PASSTHROUGH cluster)
 * is relayed to its original destination as without a control plane.
 */
record MeshTraffic(SnapshotHolder holder, HttpEngine outbound, HttpEngine inbound) {

    /** The decision for one connection; {@link #RELAY} keeps the original destination. */
    record Decision(boolean http, InetSocketAddress destination, ServiceRef service, Workload peer) {
    }

    static final Decision RELAY = new Decision(false, null, null, null);
    static final Decision HTTP = new Decision(true, null, null, null);
    /** A TCP Service with no endpoint that can take the connection (Envoy's UH): reset. */
    static final Decision NO_ENDPOINT = new Decision(false, null, null, null);

    /** Decides, and for HTTP installs the engine on {@code accepted} (whose first handler the caller removed). */
    Decision route(Channel accepted, Direction direction, InetSocketAddress destination) {
        if (!(destination.getAddress() instanceof Inet4Address v4)) {
            return RELAY;
        }
        var snapshot = holder.current();
        if (direction == Direction.INBOUND) {
            var port = snapshot.inboundPort(destination.getPort());
            if (port == null) {
                return RELAY;
            }
            if (port.protocol() == Protocol.HTTP) {
                inbound.serveInbound(accepted, port, destination);
                return HTTP;
            }
            return new Decision(false, null, port.services().isEmpty() ? null : port.services().getFirst(), null);
        }
        var address = packed(v4);
        var listener = snapshot.listener(address, destination.getPort());
        if (listener == null) {
            return RELAY;
        }
        if (listener.http()) {
            outbound.serveOutbound(accepted, listener, destination, address);
            return HTTP;
        }
        var cluster = listener.cluster();
        if (cluster == null || cluster.passthrough()) {
            return new Decision(false, null, listener.listener().service(), null);
        }
        var picked = cluster.pick(null, RandomSource.THREAD_LOCAL);
        if (picked == EndpointPicker.NONE) {
            return NO_ENDPOINT;
        }
        var state = cluster.state(picked);
        state.requestStarted();
        accepted.closeFuture().addListener(new EndpointDone(state));
        return new Decision(false, cluster.address(picked), listener.listener().service(), cluster.endpoint(picked).workload());
    }

    static int packed(Inet4Address address) {
        var b = address.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    /** The relayed connection to an endpoint ended: LEAST_REQUEST sees one fewer. */
    private record EndpointDone(EndpointState state) implements ChannelFutureListener {
        @Override
        public void operationComplete(ChannelFuture closed) {
            state.requestEnded();
        }
    }
}
