package dev.sidecarinjector.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.identity.TestCa;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PERMISSIVE's look at the first bytes, on an embedded channel: what goes to TLS, what goes on as it came. */
class InboundMtlsTest {

    private static SslContext server;

    @BeforeAll
    static void certificate() throws Exception {
        server = MeshTls.contexts(new TestCa().issue("default", "server")).tcpServer();
    }

    /** Records what the handler decided. */
    private static final class Decided implements InboundMtls.Outcome {
        byte[] first;
        Boolean opaqueTls;
        String refused;

        @Override
        public void secured(String peerPrincipal) {
            throw new AssertionError("no handshake here");
        }

        @Override
        public void plaintext(ByteBuf first, boolean opaqueTls) {
            this.first = first == null ? new byte[0] : new byte[first.readableBytes()];
            if (first != null) {
                first.readBytes(this.first);
                first.release();
            }
            this.opaqueTls = opaqueTls;
        }

        @Override
        public void refused(String reason) {
            refused = reason;
        }
    }

    private static EmbeddedChannel channel(Decided decided) {
        var channel = new EmbeddedChannel();
        channel.pipeline().addLast("route", new ChannelInboundHandlerAdapter());
        InboundMtls.permissive(channel.pipeline(), "route", server, decided, Duration.ofSeconds(30));
        return channel;
    }

    @Test
    void plaintextGoesOnWithTheBytesReadToTellIt() {
        var decided = new Decided();
        var channel = channel(decided);
        channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII));
        assertEquals("GET / HTTP/1.1\r\n", new String(decided.first, StandardCharsets.US_ASCII));
        assertFalse(decided.opaqueTls);
        assertNull(channel.pipeline().get("mtls"), "the handler left");
        assertNull(channel.pipeline().get("tls"));
        channel.finishAndReleaseAll();
    }

    @Test
    void aMeshClientHelloInTwoReadsStartsTls() throws Exception {
        var decided = new Decided();
        var channel = channel(decided);
        var hello = ClientHelloTest.clientHello("istio-peer-exchange", "istio");
        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(hello, 10)));
        assertNull(channel.pipeline().get("tls"), "not yet told");
        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(hello, 10, hello.length)));
        assertNotNull(channel.pipeline().get(SslHandler.class), "mutual TLS from here");
        assertNull(decided.opaqueTls);
        ByteBuf serverHello = channel.readOutbound();
        assertNotNull(serverHello, "the SslHandler answered the ClientHello it was given");
        assertEquals(22, serverHello.getUnsignedByte(0));
        serverHello.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void tlsForTheApplicationGoesOnAsItCame() throws Exception {
        var decided = new Decided();
        var channel = channel(decided);
        var hello = ClientHelloTest.clientHello("h2", "http/1.1");
        channel.writeInbound(Unpooled.wrappedBuffer(hello));
        assertTrue(decided.opaqueTls);
        assertEquals(Arrays.toString(hello), Arrays.toString(decided.first));
        channel.finishAndReleaseAll();
    }

    @Test
    void aFinBeforeAnythingToldIsPlaintext() {
        var decided = new Decided();
        var channel = channel(decided);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {22, 3}));
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals(2, decided.first.length);
        assertFalse(decided.opaqueTls);
        channel.finishAndReleaseAll();
    }

    @Test
    void aClientThatSaysNothingIsClosedAfterTheIdleTimeout() throws Exception {
        var decided = new Decided();
        var channel = new EmbeddedChannel();
        channel.pipeline().addLast("route", new ChannelInboundHandlerAdapter());
        InboundMtls.permissive(channel.pipeline(), "route", server, decided, Duration.ofMillis(1));
        TimeUnit.MILLISECONDS.sleep(20);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen());
        assertNull(decided.opaqueTls);
    }
}
