package dev.sidecarinjector.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One downstream HTTP/1.1 connection: its requests are served one at a time, in order ({@link Exchange}); what a
 * client pipelines behind the current request is held until its response is complete. Reading is by demand
 * (AUTO_READ is off): the next bytes are read when a request head is awaited, or when the request body can move on
 * (upstream writable), never while a response is still being sent, so a slow party slows its peer instead of
 * filling the proxy's memory.
 */
final class DownstreamHttp extends ChannelInboundHandlerAdapter {

    /** Pipelined messages held behind the current request before reading stops (the client waits in its socket). */
    static final int MAX_PIPELINED = 64;

    private final HttpEngine engine;
    private final Target target;
    /** The client's principal when it came over mutual TLS (inbound), else null: for the metrics and, later, policies. */
    private final String peerPrincipal;
    private Channel channel;
    private ChannelHandlerContext ctx;
    private Exchange current;
    /** Messages that arrived after the current request was complete (pipelined), in order. */
    private ArrayDeque<Object> pipelined;
    private boolean inputClosed;
    private boolean closing;
    /** When the connection last carried a request or finished one: with none in flight, it closes after the idle timeout. */
    private long lastActivity;
    private ScheduledFuture<?> idleTimer;

    DownstreamHttp(HttpEngine engine, Target target, String peerPrincipal) {
        this.engine = engine;
        this.target = target;
        this.peerPrincipal = peerPrincipal;
    }

    String peerPrincipal() {
        return peerPrincipal;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
        lastActivity = System.nanoTime();
        armIdleTimer(engine.idleTimeout().toNanos());
        if (channel.isActive()) {
            channel.read();
        }
    }

    private void armIdleTimer(long delayNanos) {
        idleTimer = channel.eventLoop().schedule(new IdleCheck(this), delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Envoy's connection idle timeout: a connection with no request in flight for that long is closed. */
    private void idleCheck() {
        if (closing || !channel.isActive()) {
            return;
        }
        var timeout = engine.idleTimeout().toNanos();
        var idleFor = System.nanoTime() - lastActivity;
        if (current == null && idleFor >= timeout) {
            closeAfterFlush();
        } else {
            armIdleTimer(current == null ? timeout - idleFor : timeout);
        }
    }

    private record IdleCheck(DownstreamHttp connection) implements Runnable {
        @Override
        public void run() {
            connection.idleCheck();
        }
    }

    HttpEngine engine() {
        return engine;
    }

    Target target() {
        return target;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastActivity = System.nanoTime();
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (current != null && current.requestComplete()) {
            if (pipelined == null) {
                pipelined = new ArrayDeque<>(2);
            }
            pipelined.add(msg);
            return;
        }
        dispatch(msg);
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest request) {
            if (current != null) {
                // A new head while the previous request's body is unfinished cannot come out of the decoder.
                ReferenceCountUtil.release(msg);
                return;
            }
            current = new Exchange(this, request);
            current.start();
        }
        if (msg instanceof HttpContent content) {
            if (current == null) {
                content.release();
            } else {
                current.requestContent(content);
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (current != null) {
            current.flushUpstream();
        }
        readIfWanted();
    }

    /** Reads on when a request head is awaited or the current request's body may move on. */
    void readIfWanted() {
        if (closing || inputClosed || !channel.isActive()) {
            return;
        }
        if (current == null ? pipelined == null || pipelined.isEmpty()
                : current.wantsRequestBody() || current.requestComplete() && (pipelined == null || pipelined.size() < MAX_PIPELINED)) {
            // While a response is awaited a read stays pending too: it sees a client that goes away (flag DC, the
            // try cancelled) and takes what the client pipelines, up to MAX_PIPELINED messages.
            channel.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable() && current != null) {
            current.downstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Writes part of the response; flushed by {@link #flush()} at the end of the upstream's read batch. */
    void write(Object msg) {
        ctx.write(msg, ctx.voidPromise());
    }

    void flush() {
        ctx.flush();
    }

    boolean writable() {
        return channel.isWritable();
    }

    /**
     * The exchange is over. With keep-alive the next request is served (one already pipelined first);
     * otherwise the connection closes once the response has been written.
     */
    void exchangeDone(Exchange done, boolean keepAlive) {
        if (done != current) {
            return;
        }
        current = null;
        lastActivity = System.nanoTime();
        if (!keepAlive || inputClosed || !channel.isActive()) {
            closeAfterFlush();
            return;
        }
        ctx.flush();
        // Pipelined messages are replayed until the next request is complete; the rest waits for its response.
        while (!closing && pipelined != null && !pipelined.isEmpty() && (current == null || !current.requestComplete())) {
            dispatch(pipelined.poll());
        }
        readIfWanted();
    }

    /** The response could not be completed (upstream cut it): the client must see the connection end. */
    void abort() {
        closing = true;
        releasePipelined();
        channel.close();
    }

    private void closeAfterFlush() {
        closing = true;
        releasePipelined();
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownEvent.INSTANCE) {
            // The client sent FIN: the request in flight (if any) is still answered, then the connection closes.
            // Envoy does not keep half-closed HTTP/1 connections: the client's FIN ends the request in flight (DC).
            inputClosed = true;
            if (current != null) {
                var gone = current;
                current = null;
                gone.downstreamClosed();
            }
            closing = true;
            releasePipelined();
            channel.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        releasePipelined();
        if (current != null) {
            var gone = current;
            current = null;
            gone.downstreamClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and broken pipes are how clients leave (the exchange learns of it in channelInactive), and a mutual TLS
        // client's bad record reaches here as an SSLException (an IOException) inside the SslHandler's DecoderException;
        // anything else is a defect of the proxy's, and said so.
        var reason = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (!(reason instanceof java.io.IOException)) {
            dev.sidecarinjector.proxy.run.EventLog.info("http: connection from " + channel.remoteAddress() + " closed after an unexpected error: "
                    + cause + (cause.getStackTrace().length > 0 ? " at " + cause.getStackTrace()[0] : ""));
        }
        ctx.close();
    }

    private void releasePipelined() {
        if (pipelined != null) {
            for (var msg : pipelined) {
                ReferenceCountUtil.release(msg);
            }
            pipelined.clear();
        }
    }
}
