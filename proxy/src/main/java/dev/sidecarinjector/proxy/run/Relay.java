package dev.sidecarinjector.proxy.run;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;

/**
 * Pipes what its channel reads to the peer channel, HexDumpProxy's way: AUTO_READ is off, and the next
 * chunk is read only once the previous one has been written, so a slow reader slows the writer down
 * instead of filling the proxy's memory. When the peer's socket takes the chunk at once (the common
 * case), the write completes inside the flush and the next read is asked for while Netty's epoll read
 * loop is still running: the read stays pending and EPOLLIN is never switched off and on again, which
 * cost two epoll_ctl calls per chunk when the read was asked for later (see docs/proxy.md, "Relay cost").
 * Only a write that waits for the peer's socket drops EPOLLIN until it completes.
 */
final class Relay extends ChannelInboundHandlerAdapter implements ChannelFutureListener {
    private final Connection connection;
    private Channel self;
    /** The last write of the current batch; its completion asks for the next read. */
    private ChannelFuture lastWrite;

    Relay(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        self = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            connection.countRead(self, buf.readableBytes());
        }
        lastWrite = connection.peerOf(self).write(msg);
    }

    /** One flush per batch of reads (one chunk per read request with AUTO_READ off, more in a replay). */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        connection.touch();
        ChannelFuture written = lastWrite;
        if (written == null) {
            return; // nothing read (EOF only): no write to wait for, and no read to ask for
        }
        lastWrite = null;
        connection.peerOf(self).flush();
        if (written.isDone()) {
            operationComplete(written);
        } else {
            written.addListener(this);
        }
    }

    /** The batch has been written (or failed): read the next chunk, or pass the failure on. */
    @Override
    public void operationComplete(ChannelFuture written) {
        if (written.isSuccess()) {
            readNext(self);
        } else {
            connection.abort(written.channel());
        }
    }

    /**
     * Asks for the next chunk unless this side already sent FIN: Netty's epoll fails a read on a
     * shut-down input, and there is nothing left to read anyway.
     */
    static void readNext(Channel channel) {
        if (!(channel instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
            channel.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownEvent.INSTANCE) {
            connection.inputClosed(self);
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and broken pipes are how TCP connections end: passed on as a reset, nothing to log.
        connection.abort(self);
    }
}
