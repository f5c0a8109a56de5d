package dev.sidecarinjector.proxy.http;

import dev.sidecarinjector.proxy.codec.BadMessage;
import dev.sidecarinjector.proxy.codec.BodyFramer;
import dev.sidecarinjector.proxy.codec.Cumulation;
import dev.sidecarinjector.proxy.codec.HeadParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One downstream HTTP/1.1 connection: its requests are served one at a time, in order ({@link Exchange}); what a
 * client pipelines behind the current request is held, as bytes, until its response is complete. The connection reads
 * its own bytes (no Netty HTTP codec): each request head is parsed by {@link HeadParser}, its body passed on in slices
 * of the reads as {@link BodyFramer} finds it; a head that is refused is answered 400 (431 when too large) and the
 * connection closed. Reading is by demand
 * (AUTO_READ is off): the next bytes are read when a request head is awaited, or when the request body can move on
 * (upstream writable), never while a response is still being sent, so a slow party slows its peer instead of
 * filling the proxy's memory.
 */
final class DownstreamHttp extends ChannelInboundHandlerAdapter {

    /** Bytes held behind the current request (pipelined) before reading stops (the client waits in its socket). */
    static final int MAX_HELD_BYTES = 64 * 1024;

    private final HttpEngine engine;
    private final Target target;
    /** The client's principal when it came over mutual TLS (inbound), else null: for the metrics and, later, policies. */
    private final String peerPrincipal;
    private Channel channel;
    private ChannelHandlerContext ctx;
    private Exchange current;
    /** The current request's body framing. */
    private BodyFramer body;
    /** Bytes read and not yet taken: the start of a head, or what was pipelined behind the current request. */
    private ByteBuf held;
    private boolean processing;
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
        if (closing || !(msg instanceof ByteBuf read)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        held = Cumulation.append(held, read, ctx.alloc());
        process();
    }

    /** Takes what is held: request heads and bodies, up to a complete request whose response is still to come. */
    private void process() {
        if (processing) {
            return;
        }
        processing = true;
        try {
            while (!closing && held != null && held.isReadable()) {
                var progress = current == null ? nextRequest() : !current.requestComplete() && bodyPart();
                if (!progress) {
                    break;
                }
            }
        } finally {
            processing = false;
        }
        if (held != null && (closing || !held.isReadable())) {
            held.release();
            held = null;
        }
    }

    private boolean nextRequest() {
        try {
            var head = HeadParser.request(held, HttpEngine.MAX_HEADERS_BYTES);
            if (head == null) {
                return false;
            }
            body = BodyFramer.forRequest(head);
            current = new Exchange(this, head, body);
            current.start();
        } catch (BadMessage bad) {
            held.skipBytes(held.readableBytes());
            current = new Exchange(this, null, null);
            current.refuse(bad);
        }
        return true;
    }

    private boolean bodyPart() {
        ByteBuf part;
        try {
            part = body.next(held);
        } catch (BadMessage bad) {
            held.skipBytes(held.readableBytes());
            current.refuseBody();
            return false;
        }
        if (part == null) {
            return false;
        }
        current.requestContent(part, body.ended());
        return true;
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
        if (current == null || current.wantsRequestBody() || current.requestComplete() && (held == null || held.readableBytes() < MAX_HELD_BYTES)) {
            // While a response is awaited a read stays pending too: it sees a client that goes away (flag DC, the
            // try cancelled) and takes what the client pipelines, up to MAX_HELD_BYTES.
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
    void write(ByteBuf bytes) {
        ctx.write(bytes, ctx.voidPromise());
    }

    ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    /** What the client sent past an upgrade request, for the tunnel; null when nothing. */
    ByteBuf takeHeld() {
        var taken = held;
        held = null;
        return taken;
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
        body = null;
        lastActivity = System.nanoTime();
        if (!keepAlive || inputClosed || !channel.isActive()) {
            closeAfterFlush();
            return;
        }
        ctx.flush();
        // What was pipelined is taken up to the next complete request; the rest waits for its response.
        process();
        readIfWanted();
    }

    /** The response could not be completed (upstream cut it): the client must see the connection end. */
    void abort() {
        closing = true;
        releaseHeld();
        channel.close();
    }

    private void closeAfterFlush() {
        closing = true;
        releaseHeld();
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
            releaseHeld();
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
        releaseHeld();
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

    private void releaseHeld() {
        if (held != null && !processing) {
            held.release();
            held = null;
        }
    }
}
