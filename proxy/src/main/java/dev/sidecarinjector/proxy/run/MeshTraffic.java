package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.api.snapshot.ClusterTls;
import dev.sidecarinjector.api.snapshot.ConsistentHash;
import dev.sidecarinjector.api.snapshot.InboundPort;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.cluster.EndpointPicker;
import dev.sidecarinjector.proxy.cluster.EndpointState;
import dev.sidecarinjector.proxy.cluster.Hash64;
import dev.sidecarinjector.proxy.http.HttpEngine;
import dev.sidecarinjector.proxy.mesh.RandomSource;
import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import dev.sidecarinjector.proxy.metrics.Direction;
import dev.sidecarinjector.proxy.tls.MeshTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * What the control plane's snapshot decides for an accepted connection: an HTTP listener or inbound HTTP port hands
 * it to the {@link HttpEngine}; a TCP listener of a Service relays it to an endpoint of the Service's cluster, picked
 * by its load balancer; anything else (no snapshot yet, a destination the mesh does not know, a PASSTHROUGH cluster)
 * is relayed to its original destination as without a control plane. Mutual TLS between proxies: {@link MeshTls}
 * ({@code tls} is null when the proxy has no identity at all).
 */
record MeshTraffic(SnapshotHolder holder, HttpEngine outbound, HttpEngine inbound, MeshTls tls) {

    /**
     * The decision for one connection; {@link #RELAY} keeps the original destination. {@code mtls}: the contexts of an
     * outbound connection to secure with mutual TLS, expecting {@code peer}'s identity (null: plaintext).
     */
    record Decision(boolean http, InetSocketAddress destination, ServiceRef service, Workload peer, MeshTls.Contexts mtls) {
    }

    static final Decision RELAY = new Decision(false, null, null, null, null);
    static final Decision HTTP = new Decision(true, null, null, null, null);
    /** A TCP Service with no endpoint that can take the connection (Envoy's UH): reset. */
    static final Decision NO_ENDPOINT = new Decision(false, null, null, null, null);
    /** A DestinationRule demands ISTIO_MUTUAL and the proxy has no certificate yet: reset, as a failed connect (UF). */
    static final Decision NO_CERTIFICATE = new Decision(false, null, null, null, null);

    /**
     * The inbound port of {@code destination} (its protocol, and what PeerAuthentication says for it); null: a port of
     * no Service (plaintext). Inbound decisions go by port alone, so a client reaching the pod over IPv6 meets the same
     * policy.
     */
    InboundPort inboundPort(InetSocketAddress destination) {
        return holder.current().inboundPort(destination.getPort());
    }

    /**
     * Decides, and for HTTP installs the engine on {@code accepted} (whose first handler the caller removed).
     * {@code opaqueTls}: the client's bytes are TLS for the application (PERMISSIVE), relayed as they are even to an
     * HTTP port; {@code peerPrincipal}: the mutual TLS client of an inbound connection, or null (plaintext).
     */
    Decision route(Channel accepted, Direction direction, InetSocketAddress destination, boolean opaqueTls, String peerPrincipal) {
        var snapshot = holder.current();
        if (direction == Direction.INBOUND) {
            var port = snapshot.inboundPort(destination.getPort());
            if (port == null) {
                return RELAY;
            }
            if (port.protocol() == Protocol.HTTP && !opaqueTls) {
                inbound.serveInbound(accepted, port, destination, peerPrincipal);
                return HTTP;
            }
            return new Decision(false, null, port.services().isEmpty() ? null : port.services().getFirst(), null, null);
        }
        // The snapshot's Services and endpoints are IPv4: an IPv6 destination is one the mesh does not know.
        if (!(destination.getAddress() instanceof Inet4Address v4)) {
            return RELAY;
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
        var cluster = listener.pickCluster(RandomSource.THREAD_LOCAL);
        if (cluster == null || cluster.passthrough()) {
            return new Decision(false, null, listener.listener().service(), null, null);
        }
        // A TCP connection has no header, cookie or query: of a consistent hash only the client's address applies.
        var hash = cluster.consistentHash();
        var picked = hash != null && hash.source() == ConsistentHash.Source.SOURCE_IP && accepted.remoteAddress() instanceof InetSocketAddress client
                ? cluster.pick(null, RandomSource.THREAD_LOCAL, Hash64.of(client.getAddress().getHostAddress()))
                : cluster.pick(null, RandomSource.THREAD_LOCAL);
        if (picked == EndpointPicker.NONE) {
            return NO_ENDPOINT;
        }
        var endpoint = cluster.endpoint(picked);
        MeshTls.Contexts mtls = null;
        if (MeshTls.outboundMtls(cluster.cluster().tls(), endpoint)) {
            mtls = tls == null ? null : tls.current();
            if (mtls == null && cluster.cluster().tls() == ClusterTls.ISTIO_MUTUAL) {
                return NO_CERTIFICATE;
            }
        }
        var state = cluster.state(picked);
        state.requestStarted();
        accepted.closeFuture().addListener(new EndpointDone(state));
        return new Decision(false, cluster.address(picked), listener.listener().service(), endpoint.workload(), mtls);
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
