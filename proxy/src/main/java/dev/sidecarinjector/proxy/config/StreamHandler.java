package dev.sidecarinjector.proxy.config;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;

/**
 * The end of the config connection's pipeline, on the event loop: hands whole text messages to the
 * {@link ConfigClient} (which handles them on its own thread) and reports why the connection ended, once.
 */
final class StreamHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

    /** What the connection tells its owner (the {@link ConfigClient}). */
    interface Events {
        void opened(io.netty.channel.Channel ch);

        void received(io.netty.channel.Channel ch, String text);

        void failed(String reason);
    }

    /** A ping after this long without sending; the control plane answers each with a pong. */
    static final int PING_SECONDS = 30;
    /** Nothing at all from the control plane for this long (not even a pong): it is gone without a FIN. */
    static final int SILENCE_SECONDS = 90;

    private final Events client;
    private String reason;

    StreamHandler(Events client) {
        this.client = client;
    }

    /** Pings and the silence check, placed before this handler in the pipeline. */
    static IdleStateHandler keepalive() {
        return new IdleStateHandler(SILENCE_SECONDS, PING_SECONDS, 0);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            client.opened(ctx.channel());
        } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            remember("WebSocket handshake timed out");
            ctx.close();
        } else if (event instanceof IdleStateEvent idle && idle.state() == IdleState.WRITER_IDLE) {
            ctx.writeAndFlush(new PingWebSocketFrame());
        } else if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            remember("nothing from the control plane for " + SILENCE_SECONDS + "s (not even a pong)");
            ctx.close();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            // Decoded here (a copy), parsed and checked on the config thread.
            client.received(ctx.channel(), text.content().toString(StandardCharsets.UTF_8));
        } else if (frame instanceof CloseWebSocketFrame close) {
            remember("closed by the control plane: " + close.statusCode() + (close.reasonText().isEmpty() ? "" : " " + close.reasonText()));
            ctx.close();
        } else if (!(frame instanceof io.netty.handler.codec.http.websocketx.PongWebSocketFrame)
                && !(frame instanceof PingWebSocketFrame)) {
            remember("unexpected " + frame.getClass().getSimpleName() + " from the control plane");
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        remember(reason(cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
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
        var tls = false;
        var root = cause;
        while (true) {
            tls |= root instanceof SSLException;
            if (root.getCause() == null || root.getCause() == root) {
                break;
            }
            root = root.getCause();
        }
        var message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return tls ? "TLS handshake failed, the control plane's certificate is not trusted by --root-cert or not for this host: " + message
                : message;
    }
}
