package dev.sidecarinjector.proxy.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The server side of mesh mutual TLS on an accepted inbound connection, put in front of the handler that routes it.
 * STRICT: TLS from the first byte, the client's certificate required and checked against the mesh's root; anything
 * else is refused. PERMISSIVE: the first bytes are read and looked at ({@link ClientHello}) as Envoy's TLS inspector
 * does: a ClientHello offering a mesh ALPN is served as STRICT; plaintext, and TLS that is not the mesh's (the
 * application's own), go on as they came. Leaves the pipeline once it has decided, and says what it decided to its
 * {@link Outcome}. As with Envoy's inspector, a PERMISSIVE port waits for the client's first bytes: a protocol whose
 * server speaks first (MySQL, SMTP) needs STRICT or DISABLE on its port, as in Istio; a client that sends nothing is
 * closed after the idle timeout.
 */
public final class InboundMtls extends ChannelInboundHandlerAdapter {

    /** What the connection turned out to be; called on its event loop. */
    public interface Outcome {
        /** Mutual TLS is up; {@code peerPrincipal} is the client's ({@link PeerIdentity#NO_PRINCIPAL} when its certificate names none). */
        void secured(String peerPrincipal);

        /**
         * Not mesh TLS, on a PERMISSIVE port: served as without mutual TLS. {@code first} holds the bytes read to tell
         * (null if none); {@code opaqueTls} when they are TLS meant for the application, which only it can read.
         */
        void plaintext(ByteBuf first, boolean opaqueTls);

        /** Refused (not TLS on a STRICT port, or the handshake failed); the connection is being closed. */
        void refused(String reason);
    }

    private final SslContext server;
    private final Outcome outcome;
    private SslHandler ssl;
    /** What has been read while telling TLS from plaintext (PERMISSIVE only). */
    private ByteBuf peeked;
    private boolean wantMore;
    private boolean decided;
    private ScheduledFuture<?> silence;

    private InboundMtls(SslContext server, Outcome outcome) {
        this.server = server;
        this.outcome = outcome;
    }

    /** STRICT: the TLS handshake starts with the first byte; {@code before} names the routing handler. */
    public static void strict(ChannelPipeline pipeline, String before, SslContext server, Outcome outcome) {
        var handler = new InboundMtls(server, outcome);
        handler.ssl = server.newHandler(pipeline.channel().alloc());
        pipeline.addBefore(before, "tls", handler.ssl);
        pipeline.addBefore(before, "mtls", handler);
    }

    /** PERMISSIVE: mutual TLS if the client opens it with a mesh ALPN, else as it comes; silent for {@code idleTimeout}: closed. */
    public static void permissive(ChannelPipeline pipeline, String before, SslContext server, Outcome outcome, Duration idleTimeout) {
        var handler = new InboundMtls(server, outcome);
        pipeline.addBefore(before, "mtls", handler);
        handler.silence = pipeline.channel().eventLoop().schedule(new Silent(handler, pipeline.channel()), idleTimeout.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /** The client said nothing for the whole idle timeout. */
    private record Silent(InboundMtls handler, io.netty.channel.Channel channel) implements Runnable {
        @Override
        public void run() {
            if (!handler.decided) {
                channel.close();
            }
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // AUTO_READ is off: the first bytes are asked for here; during a handshake the SslHandler asks for the rest.
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ssl != null || !(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        peeked = peeked == null ? bytes : append(ctx, peeked, bytes);
        switch (ClientHello.inspect(peeked)) {
            case NEED_MORE -> wantMore = true;
            case MESH_TLS -> startTls(ctx);
            case TLS -> handOverPlaintext(ctx, true);
            case PLAINTEXT -> handOverPlaintext(ctx, false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (wantMore) {
            wantMore = false;
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    private void decide() {
        decided = true;
        if (silence != null) {
            silence.cancel(false);
            silence = null;
        }
    }

    /** A mesh ClientHello: the SslHandler goes in front and is given what was read, from the head of the pipeline. */
    private void startTls(ChannelHandlerContext ctx) {
        decide();
        ssl = server.newHandler(ctx.alloc());
        ctx.pipeline().addBefore(ctx.name(), "tls", ssl);
        var hello = peeked;
        peeked = null;
        // The read batch's channelReadComplete, which follows, reaches the SslHandler too: it flushes the answer.
        ctx.pipeline().fireChannelRead(hello);
    }

    private void handOverPlaintext(ChannelHandlerContext ctx, boolean opaqueTls) {
        decide();
        var first = peeked;
        peeked = null;
        ctx.pipeline().remove(this);
        outcome.plaintext(first, opaqueTls);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                ctx.pipeline().remove(this);
                outcome.secured(PeerIdentity.principal(PeerIdentity.of(ssl)));
            } else {
                // The SslHandler closes the connection.
                outcome.refused(done.cause() instanceof NotSslRecordException ? "not TLS" : "TLS handshake failed: " + done.cause().getMessage());
            }
            return;
        }
        if (event == ChannelInputShutdownEvent.INSTANCE && ssl == null) {
            // The client sent FIN before its first bytes told anything: what came is plaintext.
            handOverPlaintext(ctx, false);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        decide();
        if (peeked != null) {
            peeked.release();
            peeked = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A handshake failure is also an exception from the SslHandler's decoder: reported by the event, closed by it.
        ctx.close();
    }

    private static ByteBuf append(ChannelHandlerContext ctx, ByteBuf first, ByteBuf next) {
        try {
            if (first.writableBytes() >= next.readableBytes() && first.refCnt() == 1) {
                return first.writeBytes(next);
            }
            var joined = ctx.alloc().buffer(first.readableBytes() + next.readableBytes());
            joined.writeBytes(first).writeBytes(next);
            first.release();
            return joined;
        } finally {
            ReferenceCountUtil.release(next);
        }
    }
}
