package dev.sidecarinjector.proxy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.metrics.Direction;
import dev.sidecarinjector.proxy.metrics.DirectionMetrics;
import dev.sidecarinjector.proxy.run.ChannelProbes.ReadCounter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DownstreamHandlerTest {
    private static final InetSocketAddress APP = new InetSocketAddress("10.251.0.9", 8080);
    private final DirectionMetrics metrics = new DirectionMetrics();
    private final LoopGuard loopGuard = new LoopGuard(Set.of(15001, 15006), Set.of());
    private final AtomicInteger connects = new AtomicInteger();

    @Test
    void upstreamConnectFailureClosesTheClientAtOnce() {
        EmbeddedChannel client = accept(APP, (connection, destination) -> {
            connects.incrementAndGet();
            return new EmbeddedChannel().newFailedFuture(new ConnectException("Connection refused"));
        });

        assertEquals(1, connects.get());
        assertFalse(client.isOpen(), "the client must not wait on a connection that will never carry data");
        assertEquals(1, metrics.connectFailures());
        assertEquals(0, metrics.active());
    }

    @Test
    void successfulConnectStartsReadingBothSides() {
        var upstream = new DuplexEmbeddedChannel();
        var upstreamReads = new ReadCounter();
        upstream.pipeline().addLast(upstreamReads);
        var downstreamReads = new ReadCounter();
        var client = new DuplexEmbeddedChannel();
        client.pipeline().addLast(downstreamReads, handler((connection, destination) -> upstream.newSucceededFuture()));
        client.pipeline().fireChannelActive();

        assertFalse(client.config().isAutoRead() || upstream.config().isAutoRead(), "AUTO_READ stays off");
        assertTrue(downstreamReads.reads >= 1, "the client is read at once");
        assertTrue(upstreamReads.reads >= 1, "upstream is read at once");
        assertNotNull(client.pipeline().get(Relay.class), "the relay took over");
        assertEquals(1, metrics.active());
        client.close();
        assertEquals(0, metrics.active());
        assertFalse(upstream.isOpen(), "closing the client closes upstream");
    }

    /** Epoll reads a socket that got FIN even with AUTO_READ off: such early bytes must not be lost. */
    @Test
    void bytesAndFinThatArriveBeforeUpstreamIsConnectedAreForwardedInOrder() {
        var upstream = new DuplexEmbeddedChannel();
        var connecting = upstream.newPromise();
        var client = new DuplexEmbeddedChannel();
        client.pipeline().addLast(handler((connection, destination) -> {
            upstream.pipeline().addLast(new Relay(connection));
            return connecting;
        }));
        client.pipeline().fireChannelActive();
        client.writeInbound(io.netty.buffer.Unpooled.copiedBuffer("GET / HTTP/1.0\r\n\r\n", java.nio.charset.StandardCharsets.US_ASCII));
        client.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        assertTrue(upstream.outboundMessages().isEmpty(), "nothing is written before upstream is connected");

        connecting.setSuccess();

        io.netty.buffer.ByteBuf forwarded = upstream.readOutbound();
        assertEquals("GET / HTTP/1.0\r\n\r\n", forwarded.toString(java.nio.charset.StandardCharsets.US_ASCII));
        forwarded.release();
        assertTrue(upstream.isOutputShutdown(), "the client's FIN follows its bytes");
        assertTrue(client.isOpen(), "the answer can still flow back");
    }

    @Test
    void destinationThatIsTheProxyItselfIsRefusedNeverForwarded() {
        EmbeddedChannel client = accept(new InetSocketAddress("127.0.0.1", 15001), (connection, destination) -> {
            connects.incrementAndGet();
            throw new AssertionError("must not connect");
        });

        assertFalse(client.isOpen());
        assertEquals(0, connects.get());
        assertEquals(1, metrics.refusedTotal());
        assertEquals(0, metrics.openedTotal());
    }

    @Test
    void connectionThatWasNotRedirectedIsRefused() {
        var handler = new DownstreamHandler(Direction.OUTBOUND, accepted -> {
            throw new java.io.IOException("no original destination (connection was not redirected)");
        }, loopGuard, (c, d) -> {
            throw new AssertionError("must not connect");
        }, metrics, java.time.Duration.ofHours(1), null, new dev.sidecarinjector.proxy.metrics.IstioMetrics());
        var client = new EmbeddedChannel(handler);
        assertFalse(client.isOpen());
        assertTrue(metrics.refusedTotal() == 1);
    }

    private EmbeddedChannel accept(InetSocketAddress destination, UpstreamConnector connector) {
        return new EmbeddedChannel(handler(connector, destination));
    }

    private DownstreamHandler handler(UpstreamConnector connector) {
        return handler(connector, APP);
    }

    private DownstreamHandler handler(UpstreamConnector connector, InetSocketAddress destination) {
        return new DownstreamHandler(Direction.OUTBOUND, accepted -> destination, loopGuard, connector, metrics,
                java.time.Duration.ofHours(1), null, new dev.sidecarinjector.proxy.metrics.IstioMetrics());
    }
}
