package dev.sidecarinjector.proxy.tls;

import dev.sidecarinjector.api.ca.SpiffeId;
import dev.sidecarinjector.api.snapshot.Workload;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import javax.net.ssl.SSLException;

/**
 * The client side of mesh mutual TLS on an upstream connection: an {@link SslHandler} first in its pipeline and this
 * handler right after it, which checks the peer's SPIFFE identity once the handshake is done and then leaves the
 * pipeline. {@link #secured()} completes when the peer is who the endpoint should be; it fails, and the connection is
 * closed, when the handshake fails or the peer is someone else (one log line names both identities). Callers write
 * nothing before it completes, so no byte of a request reaches a peer that was not checked.
 */
public final class UpstreamMtls extends ChannelInboundHandlerAdapter {

    /** The peer is not who the endpoint should be. */
    public static final class WrongPeer extends SSLException {
        WrongPeer(String message) {
            super(message);
        }
    }

    private final SpiffeId self;
    private final Workload expected;
    private final TlsRefusals refusals;
    private final ChannelPromise secured;
    private final SslHandler ssl;
    private SpiffeId peer;
    private boolean rejected;

    private UpstreamMtls(Channel channel, SslHandler ssl, SpiffeId self, Workload expected, TlsRefusals refusals) {
        this.ssl = ssl;
        this.self = self;
        this.expected = expected;
        this.refusals = refusals;
        this.secured = channel.newPromise();
    }

    /**
     * Puts mutual TLS on {@code channel} (registered, connecting or connected) with {@code client} (the HTTP or the TCP
     * context: they differ by ALPN), expecting the identity of {@code expected} (null: any of our trust domain).
     */
    public static UpstreamMtls install(Channel channel, SslContext client, MeshTls.Contexts contexts, Workload expected, TlsRefusals refusals) {
        var ssl = client.newHandler(channel.alloc());
        var handler = new UpstreamMtls(channel, ssl, contexts.certificate().identity(), expected, refusals);
        channel.pipeline().addFirst("tls", ssl);
        channel.pipeline().addAfter("tls", "mtls", handler);
        return handler;
    }

    /** Completes once the peer is checked; fails when it is not the one expected or the handshake failed. */
    public ChannelFuture secured() {
        return secured;
    }

    /** The checked peer's principal ({@code cluster.local/ns/NS/sa/SA}), once {@link #secured()} succeeded. */
    public String peerPrincipal() {
        return PeerIdentity.principal(peer);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            // AUTO_READ is off: the handshake needs a read asked for; the SslHandler asks for the rest.
            ctx.read();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (!(event instanceof SslHandshakeCompletionEvent done)) {
            ctx.fireUserEventTriggered(event);
            return;
        }
        if (!done.isSuccess()) {
            // The SslHandler closes the connection.
            refusals.log(ctx.channel().remoteAddress(), "mtls: TLS handshake with " + ctx.channel().remoteAddress() + " failed: "
                    + done.cause().getMessage());
            rejected = true;
            secured.tryFailure(done.cause());
            return;
        }
        peer = PeerIdentity.of(ssl);
        if (!PeerIdentity.isExpected(peer, self, expected)) {
            rejected = true;
            var seen = peer == null ? "a certificate with no SPIFFE identity" : peer.uri();
            var message = "mtls: refused upstream " + ctx.channel().remoteAddress() + ": it is " + seen + ", the endpoint should be "
                    + PeerIdentity.expected(self, expected);
            refusals.log(ctx.channel().remoteAddress(), message);
            ctx.close();
            secured.tryFailure(new WrongPeer(message));
            return;
        }
        ctx.pipeline().remove(this);
        secured.trySuccess();
    }

    /** Nothing from a peer that was refused goes on (the SslHandler may still hand over what came with its Finished). */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejected) {
            ReferenceCountUtil.release(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        secured.tryFailure(new SSLException("closed before the TLS handshake completed"));
        ctx.fireChannelInactive();
    }
}
