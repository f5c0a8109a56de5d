package dev.sidecarinjector.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The connection's last handler on an EmbeddedChannel: hand-offs, keepalive pings, silence, and why it closed. */
class StreamHandlerTest {

    private final List<String> events = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new StreamHandler(new StreamHandler.Events() {
        @Override
        public void opened(Channel ch) {
            events.add("opened");
        }

        @Override
        public void received(Channel ch, String text) {
            events.add("received " + text);
        }

        @Override
        public void failed(String reason) {
            events.add("failed " + reason);
        }
    }));

    @Test
    void handsOverTheHandshakeAndWholeMessages() {
        channel.pipeline().fireUserEventTriggered(WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"snapshot\"}"));
        assertEquals(List.of("opened", "received {\"type\":\"snapshot\"}"), events);
    }

    @Test
    void pingsWhenQuietAndGivesUpOnASilentControlPlane() {
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_WRITER_IDLE_STATE_EVENT);
        assertInstanceOf(PingWebSocketFrame.class, channel.readOutbound());
        assertTrue(channel.isActive());
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        assertFalse(channel.isActive());
        assertEquals(List.of("failed nothing from the control plane for 90s (not even a pong)"), events);
    }

    @Test
    void aHandshakeThatTimesOutClosesTheConnection() {
        channel.pipeline().fireUserEventTriggered(WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT);
        assertFalse(channel.isActive());
        assertEquals(List.of("failed WebSocket handshake timed out"), events);
    }

    @Test
    void aCloseFromTheControlPlaneIsTheReasonGiven() {
        channel.writeInbound(new CloseWebSocketFrame(1013, "unknown proxy app-1.default: no pod"));
        assertFalse(channel.isActive());
        assertEquals(List.of("failed closed by the control plane: 1013 unknown proxy app-1.default: no pod"), events);
    }
}
