package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.proxy.metrics.Direction;
import dev.sidecarinjector.proxy.mesh.ResponseFlag;
import dev.sidecarinjector.proxy.metrics.DirectionMetrics;
import dev.sidecarinjector.proxy.metrics.IstioMetrics;
import dev.sidecarinjector.proxy.metrics.TcpSeries;
import dev.sidecarinjector.proxy.tls.InboundMtls;
import dev.sidecarinjector.proxy.tls.PeerIdentity;
import dev.sidecarinjector.proxy.tls.UpstreamMtls;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * First handler of an accepted connection: finds where it was going, refuses loops, connects
 * upstream, then hands over to a {@link Relay}. Nothing is read from the client until upstream is up.
 * An inbound connection to a port PeerAuthentication makes STRICT or PERMISSIVE first goes through
 * {@link InboundMtls}, which tells this handler what the client turned out to be; an outbound one to an
 * endpoint with a sidecar is relayed once the mutual TLS handshake and the peer's identity check are done.
 */
final class DownstreamHandler extends ChannelInboundHandlerAdapter implements ChannelFutureListener, InboundMtls.Outcome {
    private final Direction direction;
    private final DestinationResolver resolver;
    private final LoopGuard loopGuard;
    private final UpstreamConnector connector;
    private final DirectionMetrics metrics;
    private final Duration idleTimeout;
    /** Null without a control plane: every connection is relayed to its original destination. */
    private final MeshTraffic mesh;
    private final IstioMetrics istio;
    private Connection connection;
    private ChannelHandlerContext ctx;
    private InetSocketAddress destination;
    private long connectStarted;
    /** What epoll delivered before upstream was up (see {@link #channelRead}). */
    private final List<Object> early = new ArrayList<>();
    private boolean earlyFin;
    /** The mutual TLS peer's principal (inbound: the client; outbound: the endpoint expected), or null: plaintext. */
    private String peerPrincipal;
    /** The outbound mutual TLS of the upstream connection, or null. */
    private UpstreamMtls upstreamTls;

    DownstreamHandler(Direction direction, DestinationResolver resolver, LoopGuard loopGuard,
                      UpstreamConnector connector, DirectionMetrics metrics, Duration idleTimeout, MeshTraffic mesh,
                      IstioMetrics istio) {
        this.mesh = mesh;
        this.istio = istio;
        this.direction = direction;
        this.resolver = resolver;
        this.loopGuard = loopGuard;
        this.connector = connector;
        this.metrics = metrics;
        this.idleTimeout = idleTimeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        Channel downstream = ctx.channel();
        try {
            destination = resolver.resolve(downstream);
        } catch (IOException e) {
            refuse(downstream, e.getMessage());
            return;
        }
        InetSocketAddress acceptedOn = downstream.localAddress() instanceof InetSocketAddress local ? local : null;
        if (loopGuard.isProxyItself(destination, acceptedOn)) {
            refuse(downstream, "original destination " + destination + " is the proxy itself");
            return;
        }
        if (mesh != null && direction == Direction.INBOUND && InboundSecurity.takesOver(ctx, mesh, destination, idleTimeout, this)) {
            return;
        }
        route(false);
    }

    @Override
    public void secured(String principal) {
        peerPrincipal = principal;
        route(false);
    }

    @Override
    public void plaintext(ByteBuf first, boolean opaqueTls) {
        if (first != null) {
            early.add(first);
        }
        route(opaqueTls);
    }

    @Override
    public void refused(String reason) {
        metrics.refused();
        InboundSecurity.logRefusal(mesh, ctx.channel(), destination, reason);
    }

    /** Where the connection goes, once what it is (plaintext, mutual TLS, opaque TLS) is known. */
    private void route(boolean opaqueTls) {
        Channel downstream = ctx.channel();
        var decision = mesh == null ? MeshTraffic.RELAY : mesh.route(downstream, direction, destination, opaqueTls, peerPrincipal);
        if (decision.http()) {
            // The HTTP engine took the connection over (its handlers follow this one); it counts the requests.
            metrics.opened();
            downstream.closeFuture().addListener(new CountClosed(metrics, null, ResponseFlag.NONE));
            replayEarly();
            ctx.pipeline().remove(this);
            return;
        }
        if (decision == MeshTraffic.NO_CERTIFICATE) {
            var tcp = tcpSeries(decision);
            metrics.opened();
            metrics.connectFailed();
            tcp.opened();
            downstream.closeFuture().addListener(new CountClosed(metrics, tcp, ResponseFlag.UPSTREAM_CONNECTION_FAILURE));
            EventLog.info(direction.label() + " connection from " + downstream.remoteAddress() + " to " + destination
                    + ": its DestinationRule requires ISTIO_MUTUAL and the proxy has no workload certificate yet (UF), reset");
            releaseEarly();
            downstream.config().setOption(ChannelOption.SO_LINGER, 0);
            downstream.close();
            return;
        }
        if (decision == MeshTraffic.NO_ENDPOINT) {
            var tcp = tcpSeries(decision);
            metrics.opened();
            tcp.opened();
            downstream.closeFuture().addListener(new CountClosed(metrics, tcp, ResponseFlag.NO_HEALTHY_UPSTREAM));
            EventLog.info(direction.label() + " connection from " + downstream.remoteAddress() + " to " + destination
                    + ": no healthy endpoint (UH), reset");
            downstream.config().setOption(ChannelOption.SO_LINGER, 0);
            downstream.close();
            return;
        }
        if (direction == Direction.INBOUND && mesh != null
                && !InboundSecurity.authorize(mesh, istio.rbac(), downstream, peerPrincipal, destination).allowed()) {
            // Envoy's RBAC network filter closes the connection; nothing was connected upstream yet.
            var tcp = tcpSeries(decision);
            metrics.opened();
            tcp.opened();
            downstream.closeFuture().addListener(new CountClosed(metrics, tcp, ResponseFlag.NONE));
            releaseEarly();
            downstream.close();
            return;
        }
        if (decision.destination() != null) {
            destination = decision.destination();
        }
        // The SYN goes out first; the bookkeeping below overlaps with the handshake.
        connection = new Connection(downstream, metrics);
        connectStarted = System.nanoTime();
        ChannelFuture connecting = connector.connect(connection, destination);
        connection.attach(connecting.channel());
        if (decision.mtls() != null) {
            // The Relay follows the TLS handlers; nothing is written upstream before the peer is checked (handOver waits).
            upstreamTls = UpstreamMtls.install(connecting.channel(), decision.mtls().tcpClient(), decision.mtls(), decision.peer(),
                    mesh.tls().refusals());
            peerPrincipal = PeerIdentity.expectedPrincipal(decision.mtls().certificate().identity(), decision.peer());
        }
        var tcp = tcpSeries(decision);
        connection.countIn(tcp);
        metrics.opened();
        tcp.opened();
        downstream.closeFuture().addListener(new CountClosed(metrics, tcp, ResponseFlag.NONE));
        connecting.addListener(this);
    }

    /** Istio's TCP series of this connection: the Service and endpoint the mesh chose, or unknown. */
    private TcpSeries tcpSeries(MeshTraffic.Decision decision) {
        return direction == Direction.OUTBOUND ? istio.outboundTcp(decision.peer(), decision.service(), peerPrincipal)
                : istio.inboundTcp(decision.service(), peerPrincipal);
    }

    /** The upstream connect finished (or, with mutual TLS, the handshake and the peer's check after it). */
    @Override
    public void operationComplete(ChannelFuture connected) {
        if (connected.isSuccess() && upstreamTls != null && connected != upstreamTls.secured()) {
            metrics.connected(System.nanoTime() - connectStarted);
            upstreamTls.secured().addListener(this);
        } else if (connected.isSuccess()) {
            if (upstreamTls == null) {
                metrics.connected(System.nanoTime() - connectStarted);
            }
            handOver(ctx, connected.channel());
        } else if (upstreamTls != null && connected == upstreamTls.secured()) {
            // Logged by UpstreamMtls (once a minute per address); the client is reset as for a failed connect.
            metrics.connectFailed();
            releaseEarly();
            connection.reset();
        } else {
            metrics.connectFailed();
            EventLog.info(direction.label() + " connection from " + ctx.channel().remoteAddress() + " to " + destination
                    + " failed: " + connected.cause());
            releaseEarly();
            connection.reset();
        }
    }

    /** The relay takes over; what arrived early is replayed through it, in order, FIN last. */
    private void handOver(ChannelHandlerContext ctx, Channel upstream) {
        Channel downstream = ctx.channel();
        ctx.pipeline().replace(this, "relay", new Relay(connection));
        IdleTimeout.watch(connection, idleTimeout);
        // Fired from this handler's old context, which Netty points at its replacement: what came through an
        // SslHandler in front must not go through it again.
        if (!early.isEmpty()) {
            for (Object msg : early) {
                ctx.fireChannelRead(msg);
            }
            early.clear();
            // The relay asks for the next read once these are written.
            ctx.fireChannelReadComplete();
        } else if (!earlyFin) {
            Relay.readNext(downstream);
        }
        if (earlyFin) {
            ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
        Relay.readNext(upstream);
    }

    /**
     * AUTO_READ is off, yet epoll reads a socket whose client already sent FIN (EPOLLRDHUP) without
     * being asked. A short request and its FIN can therefore arrive before upstream is connected; they
     * are kept (at most one receive window) instead of being dropped.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        early.add(msg);
    }

    /** The HTTP engine follows this handler now: what was read already (PERMISSIVE's first bytes) goes to it first. */
    private void replayEarly() {
        if (!early.isEmpty()) {
            for (Object msg : early) {
                ctx.fireChannelRead(msg);
            }
            early.clear();
            ctx.fireChannelReadComplete();
        }
        if (earlyFin) {
            ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownEvent.INSTANCE) {
            earlyFin = true;
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseEarly();
        // The client gave up while upstream was still connecting.
        if (connection != null) {
            connection.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void refuse(Channel downstream, String reason) {
        metrics.refused();
        EventLog.info("refused " + direction.label() + " connection from " + downstream.remoteAddress() + ": " + reason);
        downstream.close();
    }

    private void releaseEarly() {
        for (Object msg : early) {
            ReferenceCountUtil.release(msg);
        }
        early.clear();
    }

    /** Counts the connection as closed (a named class: a lambda would cost a generated class). */
    private record CountClosed(DirectionMetrics metrics, TcpSeries tcp, ResponseFlag flag) implements ChannelFutureListener {
        @Override
        public void operationComplete(ChannelFuture closed) {
            metrics.closed();
            if (tcp != null) {
                tcp.closed(flag);
            }
        }
    }
}
