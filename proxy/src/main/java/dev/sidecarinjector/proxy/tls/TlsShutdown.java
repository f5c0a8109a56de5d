package dev.sidecarinjector.proxy.tls;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;

/**
 * Half-close of a mutual TLS connection: a close_notify, then the TCP FIN. TLS 1.3 lets the other direction go on
 * after a close_notify, so the relay's half-close works over mutual TLS as it does in plaintext.
 */
public final class TlsShutdown implements ChannelFutureListener {

    private final DuplexChannel channel;

    private TlsShutdown(DuplexChannel channel) {
        this.channel = channel;
    }

    /** {@code channel}'s pipeline holds an {@link SslHandler} named {@code tls}. */
    public static void shutdownOutput(DuplexChannel channel) {
        var ssl = (SslHandler) channel.pipeline().get("tls");
        ssl.closeOutbound().addListener(new TlsShutdown(channel));
    }

    /** The close_notify was written (or could not be): the FIN follows. */
    @Override
    public void operationComplete(ChannelFuture sent) {
        if (channel.isActive() && !channel.isOutputShutdown()) {
            channel.shutdownOutput();
        }
    }
}
