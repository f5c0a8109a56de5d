package dev.sidecarinjector.proxy.config;

import dev.sidecarinjector.api.stream.StreamMessage;
import dev.sidecarinjector.api.text.RootCause;
import dev.sidecarinjector.proxy.codec.BadMessage;
import dev.sidecarinjector.proxy.codec.ClientRequest;
import dev.sidecarinjector.proxy.codec.Cumulation;
import dev.sidecarinjector.proxy.codec.HeadParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The config connection's WebSocket client, on the event loop, after TLS: sends the upgrade request when the
 * connection opens, checks the answer (101, {@code Upgrade: websocket}, the {@code Sec-WebSocket-Accept} of its key)
 * within {@link #HANDSHAKE_MILLIS}, then hands whole text messages to the {@link ConfigClient} (which handles them on
 * its own thread), answers pings, pings a quiet connection, and reports why the connection ended, once. The frames are
 * {@link WebSocketFrames}'; a frame that breaks the protocol closes the connection with the matching close code.
 */
final class StreamHandler extends ChannelInboundHandlerAdapter {

    /** What the connection tells its owner (the {@link ConfigClient}). */
    interface Events {
        void opened(Channel ch);

        void received(Channel ch, String text);

        void failed(String reason);
    }

    /** A ping after this long without sending; the control plane answers each with a pong. */
    static final int PING_SECONDS = 30;
    /** Nothing at all from the control plane for this long (not even a pong): it is gone without a FIN. */
    static final int SILENCE_SECONDS = 90;
    static final long HANDSHAKE_MILLIS = 10_000;
    /** The longest answer head to the upgrade request taken. */
    private static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final Events client;
    private final String authority;
    private final WebSocketFrames.Reader frames = new WebSocketFrames.Reader(StreamMessage.MAX_MESSAGE_BYTES);
    private String key;
    private boolean open;
    private ByteBuf held;
    private ScheduledFuture<?> handshakeTimeout;
    private String reason;

    /** {@code authority}: the control plane's {@code host:port}, for the upgrade request's {@code Host}. */
    StreamHandler(Events client, String authority) {
        this.client = client;
        this.authority = authority;
    }

    /** Pings and the silence check, placed before this handler in the pipeline. */
    static IdleStateHandler keepalive() {
        return new IdleStateHandler(SILENCE_SECONDS, PING_SECONDS, 0);
    }

    /** Closes the stream with a close frame ({@code code}, {@code reason}), then the connection. */
    static void close(Channel ch, int code, String reason) {
        ch.writeAndFlush(WebSocketFrames.close(ch.alloc(), code, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        var nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        key = Base64.getEncoder().encodeToString(nonce);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(ClientRequest.encode("GET", StreamMessage.PATH, null, "Host", authority,
                "Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Key", key, "Sec-WebSocket-Version", "13")));
        handshakeTimeout = ctx.executor().schedule(new HandshakeTimeout(this, ctx), HANDSHAKE_MILLIS, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    private record HandshakeTimeout(StreamHandler handler, ChannelHandlerContext ctx) implements Runnable {
        @Override
        public void run() {
            if (!handler.open) {
                handler.remember("WebSocket handshake timed out");
                ctx.close();
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf read)) {
            ctx.fireChannelRead(msg);
            return;
        }
        held = Cumulation.append(held, read, ctx.alloc());
        try {
            if (!open && !handshake(ctx)) {
                return;
            }
            WebSocketFrames.Message message;
            while (ctx.channel().isActive() && (message = frames.next(held, ctx.alloc())) != null) {
                handle(ctx, message);
            }
        } catch (WebSocketFrames.ProtocolError e) {
            remember("the control plane broke the WebSocket protocol: " + e.getMessage());
            close(ctx.channel(), e.code(), e.getMessage());
        } catch (BadMessage e) {
            remember("the control plane's answer to the WebSocket upgrade is not HTTP/1.1: " + e.getMessage());
            ctx.close();
        } finally {
            if (held != null && !held.isReadable()) {
                held.release();
                held = null;
            }
        }
    }

    /** Reads the answer to the upgrade request: true once the stream is open, false while the head is incomplete. */
    private boolean handshake(ChannelHandlerContext ctx) throws BadMessage {
        var head = HeadParser.response(held, MAX_HEAD_BYTES);
        if (head == null) {
            return false;
        }
        String refused = null;
        if (head.status() != 101) {
            refused = "the control plane answered the WebSocket upgrade with HTTP " + head.status();
        } else if (!"websocket".equalsIgnoreCase(head.get("upgrade")) || !head.hasToken("connection", "upgrade")) {
            refused = "the control plane's 101 answer does not upgrade to websocket";
        } else if (!accept(key).equals(head.get("sec-websocket-accept"))) {
            refused = "the control plane's Sec-WebSocket-Accept does not match the key sent";
        }
        if (refused != null) {
            remember(refused);
            ctx.close();
            return false;
        }
        open = true;
        handshakeTimeout.cancel(false);
        client.opened(ctx.channel());
        return true;
    }

    /** The {@code Sec-WebSocket-Accept} the server must answer {@code key} with (RFC 6455, 4.2.2). */
    static String accept(String key) {
        try {
            var sha1 = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    private void handle(ChannelHandlerContext ctx, WebSocketFrames.Message message) throws WebSocketFrames.ProtocolError {
        switch (message.opcode()) {
            // Decoded here (a copy), parsed and checked on the config thread.
            case WebSocketFrames.TEXT -> client.received(ctx.channel(), message.text());
            case WebSocketFrames.PING -> ctx.writeAndFlush(WebSocketFrames.frame(ctx.alloc(), WebSocketFrames.PONG, message.payload()));
            case WebSocketFrames.PONG -> {
                // the answer to a keepalive ping: reading it was enough for the silence check
            }
            case WebSocketFrames.CLOSE -> {
                remember("closed by the control plane: " + message.closeStatus());
                ctx.close();
            }
            default -> {
                remember("unexpected binary message from the control plane");
                ctx.close();
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent idle && idle.state() == IdleState.WRITER_IDLE && open) {
            ctx.writeAndFlush(WebSocketFrames.frame(ctx.alloc(), WebSocketFrames.PING, new byte[0]));
        } else if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            remember("nothing from the control plane for " + SILENCE_SECONDS + "s (not even a pong)");
            ctx.close();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        remember(reason(cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (handshakeTimeout != null) {
            handshakeTimeout.cancel(false);
        }
        if (held != null) {
            held.release();
            held = null;
        }
        frames.release();
        client.failed(reason == null ? "connection closed" : reason);
        super.channelInactive(ctx);
    }

    private void remember(String why) {
        if (reason == null) {
            reason = why;
        }
    }

    /** The root cause's message, prefixed with TLS when the handshake failed (an untrusted or misnamed certificate). */
    static String reason(Throwable cause) {
        var message = RootCause.message(cause);
        return RootCause.anyIs(cause, SSLException.class) ? "TLS handshake failed, the control plane's certificate is not trusted by --root-cert or not for this host: " + message
                : message;
    }
}
