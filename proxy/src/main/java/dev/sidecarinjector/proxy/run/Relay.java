package dev.sidecarinjector.proxy.run;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;

/**
 * Pipes what its channel reads to the peer channel. Backpressure follows the peer's writability: when
 * more than the peer's high-water mark (64 KB) waits to be written, this side stops reading until the
 * peer drained below the low-water mark, so a slow reader slows the writer down instead of filling the
 * proxy's memory. Unlike HexDumpProxy's "read the next chunk once the last write completed", reading
 * stays on while the peer keeps up: asking for each read costs two epoll_ctl calls per chunk, which
 * was a third of the proxy's system calls on small requests (see docs/proxy.md, "Relay cost").
 */
final class Relay extends ChannelInboundHandlerAdapter {
    private final Connection connection;

    Relay(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel self = ctx.channel();
        if (msg instanceof ByteBuf buf) {
            connection.countRead(self, buf.readableBytes());
        }
        Channel peer = connection.peerOf(self);
        // A failed write fires exceptionCaught on the peer, whose relay closes the connection.
        peer.write(msg, peer.voidPromise());
        if (!peer.isWritable()) {
            // Stops the read loop at once (it checks auto-read), not only after this batch.
            self.config().setAutoRead(false);
            peer.flush();
        }
    }

    /** One flush per batch of reads: a single writev for what one epoll wake-up delivered. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        connection.touch();
        connection.peerOf(ctx.channel()).flush();
    }

    /** This side drained below its low-water mark: the peer may read again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            resumeReading(connection.peerOf(ctx.channel()));
        }
    }

    /**
     * Turns reading on unless this side already sent FIN: Netty's epoll fails a read on a shut-down
     * input, and there is nothing left to read anyway.
     */
    static void resumeReading(Channel channel) {
        if (!(channel instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownEvent.INSTANCE) {
            connection.inputClosed(ctx.channel());
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
        connection.abort(ctx.channel());
    }
}
