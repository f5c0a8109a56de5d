package dev.sidecarinjector.proxy.http;

import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.cluster.ClusterState;
import dev.sidecarinjector.proxy.tls.UpstreamMtls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * One upstream HTTP/1.1 connection of a {@link UpstreamPool}: serves one {@link Exchange} at a time (its
 * {@link #owner}), and sits idle in the pool between them. The last handler of the upstream channel's pipeline.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter implements ChannelFutureListener {

    final Channel channel;
    final InetSocketAddress address;
    /** Null inbound (the application is not a cluster) and for a PASSTHROUGH destination. */
    final ClusterState cluster;
    private final UpstreamPool pool;
    /** Mutual TLS with a peer that must be {@link #expectedPeer}'s identity (null: any of the trust domain). */
    private final boolean mtls;
    private final Workload expectedPeer;
    /** The client side of the mutual TLS, until it is secured; null for plaintext. */
    UpstreamMtls tls;
    private String peerPrincipal;
    private Exchange owner;
    /** Connected, and with mutual TLS the peer checked: requests may be written. */
    private boolean connected;
    /** Counted against the cluster's {@code maxConnections}; released once, when the channel closes. */
    boolean holdsSlot;
    int requests;
    boolean idle;
    long idleSince;
    /** The idle timer while one is armed ({@link UpstreamPool}); one per connection at most. */
    io.netty.util.concurrent.ScheduledFuture<?> idleTimer;

    UpstreamConnection(Channel channel, InetSocketAddress address, ClusterState cluster, UpstreamPool pool, boolean mtls,
                       Workload expectedPeer) {
        this.channel = channel;
        this.address = address;
        this.cluster = cluster;
        this.pool = pool;
        this.mtls = mtls;
        this.expectedPeer = expectedPeer;
        // The close future, not channelInactive: a connect that fails never made the channel active.
        channel.closeFuture().addListener(new Closed(this));
    }

    boolean connected() {
        return connected;
    }

    /** The checked peer's principal over mutual TLS, null in plaintext. */
    String peerPrincipal() {
        return peerPrincipal;
    }

    /** Whether a try that wants this security (mutual TLS or not, and with whom) may reuse this connection. */
    boolean secures(boolean wantMtls, Workload peer) {
        if (mtls != wantMtls) {
            return false;
        }
        return !mtls || expectedPeer == peer || expectedPeer != null && peer != null
                && expectedPeer.namespace().equals(peer.namespace()) && expectedPeer.serviceAccount().equals(peer.serviceAccount());
    }

    Exchange owner() {
        return owner;
    }

    void assign(Exchange exchange) {
        owner = exchange;
        idle = false;
        requests++;
    }

    /** The exchange is done with this connection (it goes back to the pool, or is closed). */
    void detach() {
        owner = null;
    }

    /** The connection became a tunnel (an accepted upgrade): no exchange owns it; its slot is freed when it closes. */
    void tunnelled() {
        owner = null;
    }

    private record Closed(UpstreamConnection connection) implements ChannelFutureListener {
        @Override
        public void operationComplete(ChannelFuture closed) {
            connection.pool.closed(connection);
        }
    }

    /** The connect finished; over mutual TLS, the handshake and the peer's check follow ({@link Secured}). */
    @Override
    public void operationComplete(ChannelFuture connecting) {
        var exchange = owner;
        if (connecting.isSuccess() && tls != null) {
            tls.secured().addListener(new Secured(this));
        } else if (connecting.isSuccess()) {
            connected = true;
            if (exchange != null) {
                exchange.upstreamReady(this);
            }
        } else {
            // Closed first, so its connection slot is free again before the exchange retries or answers.
            owner = null;
            channel.close();
            if (exchange != null) {
                exchange.upstreamFailed(this, true);
            }
        }
    }

    /** The mutual TLS handshake is done and the peer is who the endpoint should be, or not: a connect failure (UF). */
    private record Secured(UpstreamConnection connection) implements ChannelFutureListener {
        @Override
        public void operationComplete(ChannelFuture secured) {
            var exchange = connection.owner;
            if (secured.isSuccess()) {
                connection.peerPrincipal = connection.tls.peerPrincipal();
                connection.tls = null;
                connection.connected = true;
                if (exchange != null) {
                    exchange.upstreamReady(connection);
                }
            } else {
                connection.owner = null;
                connection.channel.close();
                if (exchange != null) {
                    exchange.upstreamFailed(connection, true);
                }
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        var exchange = owner;
        if (exchange == null) {
            // An idle connection has nothing to say; a server that does (or a late answer of a dropped try) is
            // not to be trusted with the next request.
            ReferenceCountUtil.release(msg);
            channel.close();
            return;
        }
        if (msg instanceof HttpResponse response) {
            exchange.responseHead(this, response);
        }
        if (msg instanceof HttpContent content) {
            if (owner == exchange) {
                exchange.responseContent(this, content);
            } else {
                content.release();
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        var exchange = owner;
        if (exchange != null) {
            exchange.upstreamReadComplete(this);
        } else if (idle && channel.isActive()) {
            // Idle: keep a read pending, so a close by the server is seen at once.
            channel.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        var exchange = owner;
        if (exchange != null && channel.isWritable()) {
            exchange.upstreamWritable();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        var exchange = owner;
        owner = null;
        if (exchange != null) {
            exchange.upstreamFailed(this, !connected);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets end connections; the exchange hears of it in channelInactive.
        ctx.close();
    }
}
