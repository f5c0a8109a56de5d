package dev.sidecarinjector.proxy.http;

import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.cluster.ClusterState;
import dev.sidecarinjector.proxy.codec.BadMessage;
import dev.sidecarinjector.proxy.codec.BodyFramer;
import dev.sidecarinjector.proxy.codec.Cumulation;
import dev.sidecarinjector.proxy.codec.HeadParser;
import dev.sidecarinjector.proxy.tls.UpstreamMtls;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * One upstream HTTP/1.1 connection of a {@link UpstreamPool}: serves one {@link Exchange} at a time (its
 * {@link #owner}), and sits idle in the pool between them. The last handler of the upstream channel's pipeline; it
 * reads the response itself: the head with {@link HeadParser}, the body as {@link BodyFramer} finds it. A response the
 * codec refuses is treated as the connection's reset.
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
    /** The method of the request written last: a response to HEAD has no body. */
    private String requestMethod = "GET";
    /** The current response's body framing; null while its head is awaited. */
    private BodyFramer body;
    /** Bytes read and not yet taken (part of a head or of a chunk line). */
    private ByteBuf held;
    /** The server sent bytes after a complete response: the connection is not to be reused. */
    private boolean overran;
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

    /** A request of {@code method} was written: its response is read next. */
    void expectResponseTo(String method) {
        requestMethod = method;
        body = null;
    }

    /** Whether the connection may serve another request: the server sent nothing past the last response. */
    boolean reusable() {
        return !overran;
    }

    /**
     * The connection became a tunnel (an accepted upgrade): no exchange owns it; its slot is freed when it closes.
     * Returns what the server sent past the 101 (null when nothing), for the tunnel.
     */
    ByteBuf tunnelled() {
        owner = null;
        var rest = held;
        held = null;
        return rest;
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
        if (exchange == null || !(msg instanceof ByteBuf read)) {
            // An idle connection has nothing to say; a server that does (or a late answer of a dropped try) is
            // not to be trusted with the next request.
            ReferenceCountUtil.release(msg);
            channel.close();
            return;
        }
        held = Cumulation.append(held, read, ctx.alloc());
        try {
            while (held != null && held.isReadable() && owner == exchange && read(exchange)) {
                // one head or one part of a body at a time
            }
        } catch (BadMessage bad) {
            // Not HTTP the proxy can pass on: as if the server had reset the connection (the exchange hears in channelInactive).
            channel.close();
        }
        if (held != null && (!held.isReadable() || owner != exchange)) {
            held.release();
            held = null;
        }
    }

    /** Reads a head or a part of the body off {@link #held}; false when more bytes are needed. */
    private boolean read(Exchange exchange) throws BadMessage {
        if (body == null) {
            var head = HeadParser.response(held, HttpEngine.MAX_HEADERS_BYTES);
            if (head == null) {
                return false;
            }
            var framer = BodyFramer.forResponse(head, requestMethod);
            if (head.status() < 200 && head.status() != 101) {
                // 100 Continue and other interim answers: the proxy answered the client's Expect itself.
                return true;
            }
            body = framer;
            exchange.responseHead(this, head, framer);
            if (framer.ended() && owner == exchange) {
                ended(exchange, null, head.status() == 101);
            }
            return true;
        }
        var part = body.next(held);
        if (part == null) {
            return false;
        }
        if (body.ended()) {
            ended(exchange, part, false);
        } else {
            exchange.responseContent(this, part, false);
        }
        return true;
    }

    private void ended(Exchange exchange, ByteBuf last, boolean switching) {
        // Bytes past the response's end (but a 101's, which belong to the tunnel): the server said more than it was asked.
        overran = held.isReadable() && !switching;
        exchange.responseContent(this, last, true);
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
        if (held != null) {
            held.release();
            held = null;
        }
        if (exchange == null) {
            return;
        }
        if (body != null && body.untilClose()) {
            // The close is the end of a body without a length.
            exchange.responseContent(this, null, true);
        } else {
            exchange.upstreamFailed(this, !connected);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets end connections; the exchange hears of it in channelInactive.
        ctx.close();
    }
}
