package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.proxy.metrics.DirectionMetrics;
import dev.sidecarinjector.proxy.metrics.TcpSeries;
import dev.sidecarinjector.proxy.tls.TlsShutdown;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.DuplexChannel;
import java.util.concurrent.TimeUnit;

/**
 * One proxied TCP connection: the accepted downstream channel and the upstream channel it is piped
 * to. Both live on the same event loop, so the half-close state needs no synchronisation.
 */
final class Connection {
    /** How long a client gets to close first after the server closed (see {@link #inputClosed}). */
    static final long FIN_GRACE_MICROS = 1000;
    private final Channel downstream;
    private final DirectionMetrics metrics;
    /** Istio's TCP counters of this connection's series; null for an HTTP tunnel (its request was counted). */
    private TcpSeries tcp;
    private Channel upstream;
    private boolean downstreamFinished;
    private boolean upstreamFinished;
    private boolean closing;
    private long lastActivity;

    Connection(Channel downstream, DirectionMetrics metrics) {
        this.downstream = downstream;
        this.metrics = metrics;
    }

    /** Counts the bytes in Istio's TCP series too. */
    void countIn(TcpSeries series) {
        this.tcp = series;
    }

    Channel downstream() {
        return downstream;
    }

    void attach(Channel upstream) {
        this.upstream = upstream;
    }

    Channel peerOf(Channel side) {
        return side == downstream ? upstream : downstream;
    }

    /** Bytes moved: pushes the idle timeout back (see {@link IdleTimeout}). */
    void touch() {
        lastActivity = System.nanoTime();
    }

    long lastActivity() {
        return lastActivity;
    }

    void countRead(Channel side, int bytes) {
        if (side == downstream) {
            metrics.receivedFromDownstream(bytes);
            if (tcp != null) {
                tcp.received(bytes);
            }
        } else {
            metrics.sentToDownstream(bytes);
            if (tcp != null) {
                tcp.sent(bytes);
            }
        }
    }

    /**
     * {@code side} sent FIN. Pass it on to the peer once everything read before it has been written
     * (the empty write queues behind them), and close both when both directions are done.
     */
    void inputClosed(Channel side) {
        if (side == downstream) {
            downstreamFinished = true;
        } else {
            upstreamFinished = true;
        }
        Channel peer = peerOf(side);
        if ((downstreamFinished && upstreamFinished) || !(peer instanceof DuplexChannel duplex)) {
            close();
            return;
        }
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(new PassFin(duplex, side == upstream));
    }

    /** The data before a FIN has been written to {@code peer}: pass the FIN on (a named class, not a lambda). */
    private final class PassFin implements ChannelFutureListener, Runnable {
        private final DuplexChannel peer;
        private final boolean fromServer;

        PassFin(DuplexChannel peer, boolean fromServer) {
            this.peer = peer;
            this.fromServer = fromServer;
        }

        @Override
        public void operationComplete(ChannelFuture written) {
            if (!written.isSuccess()) {
                close();
            } else if (fromServer) {
                // The server closed after its last bytes. A client that closes once it has a complete
                // answer (HTTP with Connection: close) does so within microseconds; giving it that
                // moment to close first leaves the TIME_WAIT with the client, whose kernel then avoids
                // the port. Passed on at once, the FIN made the proxy's accepted socket hold it, and
                // the client's next connection from that port met it (see docs/proxy.md).
                peer.eventLoop().schedule(this, FIN_GRACE_MICROS, TimeUnit.MICROSECONDS);
            } else {
                shutdownOutput(peer);
            }
        }

        /** The grace is over and the client has not closed: pass the server's FIN on. */
        @Override
        public void run() {
            if (peer.isActive() && !peer.isOutputShutdown()) {
                shutdownOutput(peer);
            }
        }
    }

    /**
     * FIN on {@code side}; on a mutual TLS side a close_notify first, so the peer knows the stream was not cut. Looked
     * up by the handler's name: the TLS classes stay unloaded in a proxy that never speaks TLS.
     */
    private static void shutdownOutput(DuplexChannel side) {
        if (side.pipeline().get("tls") != null) {
            TlsShutdown.shutdownOutput(side);
        } else {
            side.shutdownOutput();
        }
    }

    /**
     * Closes both sides after their pending writes are flushed, once: each side's closing calls this
     * again, and every close() Netty is asked for costs a promise and an exception even when the channel
     * is closed already.
     */
    void close() {
        if (closing) {
            return;
        }
        closing = true;
        closeOnFlush(downstream);
        if (upstream != null) {
            closeOnFlush(upstream);
        }
    }

    /**
     * The upstream could not be reached: reset the client at once (RST, as Envoy does) instead of
     * accepting a connection that will never carry data.
     */
    void reset() {
        closing = true;
        downstream.config().setOption(ChannelOption.SO_LINGER, 0);
        downstream.close();
        if (upstream != null) {
            upstream.close();
        }
    }

    /**
     * {@code failed} broke (reset by its peer, broken pipe): pass that on as a reset, after the bytes
     * already read from it, so the other end learns the stream was cut instead of seeing a clean FIN
     * after a truncated reply.
     */
    void abort(Channel failed) {
        closing = true;
        failed.close();
        Channel other = peerOf(failed);
        if (other != null && other.isActive()) {
            other.flush();
            other.config().setOption(ChannelOption.SO_LINGER, 0);
            other.close();
        }
    }

    /** With nothing left to write (the usual case: the relay flushes every batch), closes at once. */
    private static void closeOnFlush(Channel channel) {
        ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
        if (pending != null && pending.totalPendingWriteBytes() > 0 && channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (channel.isOpen()) {
            channel.close();
        }
    }
}
