package dev.sidecarinjector.proxy.config;

import dev.sidecarinjector.proxy.run.EventLog;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.Executor;

/**
 * Keeps one connection to the control plane: WebSocket over TLS (the control plane's certificate verified against
 * the root certificate and the host name dialled), hello, then snapshots answered by {@link StreamSession}. On any
 * failure it reconnects after a {@link Backoff} delay, keeping the last good snapshot; it logs once when an outage
 * starts and once when it ends. The socket lives on the proxy's event loops; messages are handled on the config thread.
 */
public final class ConfigClient implements StreamHandler.Events, AutoCloseable {

    /** Runs a task after a delay: the config thread in production, a recording fake in tests. */
    public interface Scheduler extends Executor {
        void schedule(Runnable task, long delayMillis);
    }

    /** What the client is doing, for {@code /config_dump}. */
    public enum State { CONNECTING, CONNECTED, DISCONNECTED }

    /** The close code for a message the session refuses (RFC 6455, 7.4.1). */
    private static final int POLICY_VIOLATION = 1008;

    private final String host;
    private final int port;
    private final String address;
    private final SslContext tls;
    private final StreamSession session;
    private final EventLoopGroup loops;
    private final Class<? extends SocketChannel> channelType;
    private final Scheduler scheduler;
    private final Backoff backoff;
    private volatile State state = State.CONNECTING;
    private volatile String lastError = "";
    private volatile Channel channel;
    private volatile boolean closed;
    /** True while an outage has been reported: the next failures stay quiet until a connection succeeds. */
    private boolean outageLogged;
    private boolean everConnected;

    /** {@code tls}: {@link ControlPlaneTls#client}, the one context the proxy's connections to the control plane share. */
    public ConfigClient(MeshSettings settings, SslContext tls, StreamSession session, EventLoopGroup loops, Class<? extends SocketChannel> channelType,
                        Scheduler scheduler, Backoff backoff) {
        this.host = settings.controlPlaneHost();
        this.port = settings.controlPlanePort();
        this.address = settings.controlPlane();
        this.tls = tls;
        this.session = session;
        this.loops = loops;
        this.channelType = channelType;
        this.scheduler = scheduler;
        this.backoff = backoff;
    }

    public void start() {
        scheduler.execute(new Connect(this));
    }

    /** Named rather than a lambda: see docs/proxy.md, "why named classes". */
    private record Connect(ConfigClient client) implements Runnable {
        @Override
        public void run() {
            client.connect();
        }
    }

    void connect() {
        if (closed) {
            return;
        }
        state = State.CONNECTING;
        var bootstrap = new Bootstrap().group(loops).channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new Pipeline(this));
        bootstrap.connect(host, port).addListener(new Connected(this));
    }

    /** The connection's pipeline: TLS to the host dialled, the keepalive's timers, then the WebSocket client. */
    private static final class Pipeline extends ChannelInitializer<SocketChannel> {
        private final ConfigClient client;

        Pipeline(ConfigClient client) {
            this.client = client;
        }

        @Override
        protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(client.tls.newHandler(ch.alloc(), client.host, client.port), StreamHandler.keepalive(),
                    new StreamHandler(client, client.address));
        }
    }

    private record Connected(ConfigClient client) implements ChannelFutureListener {
        @Override
        public void operationComplete(ChannelFuture future) {
            if (future.isSuccess()) {
                client.channel = future.channel();
            } else {
                client.failed("cannot connect: " + StreamHandler.reason(future.cause()));
            }
        }
    }

    /** The WebSocket handshake completed: say hello (on the config thread, which owns the session). */
    @Override
    public void opened(Channel ch) {
        scheduler.execute(new Hello(this, ch));
    }

    private record Hello(ConfigClient client, Channel ch) implements Runnable {
        @Override
        public void run() {
            client.state = State.CONNECTED;
            client.lastError = "";
            if (client.outageLogged || !client.everConnected) {
                EventLog.info("config: connected to control plane " + client.address + " (holding version "
                        + StreamSession.show(client.session.acked()) + ")");
            }
            client.outageLogged = false;
            client.everConnected = true;
            ch.writeAndFlush(WebSocketFrames.text(ch.alloc(), client.session.hello()));
        }
    }

    /** A whole text message arrived; handled on the config thread. */
    @Override
    public void received(Channel ch, String text) {
        scheduler.execute(new Receive(this, ch, text));
    }

    private record Receive(ConfigClient client, Channel ch, String text) implements Runnable {
        @Override
        public void run() {
            try {
                var reply = client.session.onMessage(text);
                client.backoff.reset();
                ch.writeAndFlush(WebSocketFrames.text(ch.alloc(), reply));
            } catch (StreamSession.ProtocolError e) {
                client.lastError = e.getMessage();
                StreamHandler.close(ch, POLICY_VIOLATION, e.getMessage());
            }
        }
    }

    /** The connection ended or never started; {@code reason} says why. Reconnects after the next backoff delay. */
    @Override
    public void failed(String reason) {
        scheduler.execute(new Failed(this, reason));
    }

    private record Failed(ConfigClient client, String reason) implements Runnable {
        @Override
        public void run() {
            client.disconnected(reason);
        }
    }

    private void disconnected(String reason) {
        if (closed) {
            return;
        }
        state = State.DISCONNECTED;
        lastError = reason;
        channel = null;
        var delay = backoff.next();
        if (!outageLogged) {
            outageLogged = true;
            EventLog.info("config: " + (everConnected ? "disconnected from" : "cannot reach") + " control plane " + address + ": " + reason
                    + (session.acked().isEmpty() ? "; relaying at L4 without configuration" : "; keeping version " + session.acked())
                    + ", reconnecting with backoff");
        }
        scheduler.schedule(new Connect(this), delay);
    }

    public State state() {
        return state;
    }

    /** Why the last connection failed or was closed, empty while connected. */
    public String lastError() {
        return lastError;
    }

    public String address() {
        return address;
    }

    public StreamSession session() {
        return session;
    }

    @Override
    public void close() {
        closed = true;
        var ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

}
