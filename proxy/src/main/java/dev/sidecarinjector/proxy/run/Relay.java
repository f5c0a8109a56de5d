package dev.sidecarinjector.proxy.run;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Pipes what its channel reads to the peer channel. AUTO_READ is off and the next read is asked for
 * only after the peer accepted the previous chunk, so a slow reader slows the writer down instead of
 * filling the proxy's memory (Netty's HexDumpProxy shape).
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
        peer.writeAndFlush(msg).addListener((ChannelFutureListener) written -> {
            if (written.isSuccess()) {
                readMore(self);
            } else {
                connection.close();
            }
        });
    }

    /**
     * Asks for the next chunk unless this side already sent FIN: the last chunk before a FIN may finish
     * writing after the FIN was seen, and Netty's epoll fails a read on a shut-down input.
     */
    static void readMore(Channel channel) {
        if (!(channel instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
            channel.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownEvent.INSTANCE) {
            connection.inputClosed(ctx.channel());
        } else if (event instanceof IdleStateEvent) {
            connection.close();
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
        // Resets and broken pipes are how TCP connections end; the peer is closed, nothing to report.
        connection.close();
    }
}
