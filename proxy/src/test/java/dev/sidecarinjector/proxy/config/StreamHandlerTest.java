package dev.sidecarinjector.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket client on an EmbeddedChannel, byte for byte: the upgrade request and the answer's checks, whole
 * messages handed over, pings answered and sent, silence, protocol errors, and why the connection ended.
 */
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
    }, "istiod.istio-system.svc:15012"));

    /** The request the handler wrote when the connection opened, as text. */
    private String upgradeRequest() {
        ByteBuf out = channel.readOutbound();
        try {
            return out.toString(StandardCharsets.ISO_8859_1);
        } finally {
            out.release();
        }
    }

    private String key(String request) {
        var m = Pattern.compile("Sec-WebSocket-Key: (\\S+)\r\n").matcher(request);
        assertTrue(m.find(), request);
        return m.group(1);
    }

    private void answer(String head) {
        channel.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
    }

    private void open() {
        var accept = StreamHandler.accept(key(upgradeRequest()));
        answer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n");
        assertEquals(List.of("opened"), events);
        events.clear();
    }

    /** A server frame (unmasked). */
    private static ByteBuf frame(int first, byte[] payload) {
        var out = Unpooled.buffer();
        out.writeByte(first);
        if (payload.length < 126) {
            out.writeByte(payload.length);
        } else if (payload.length < 65_536) {
            out.writeByte(126).writeShort(payload.length);
        } else {
            out.writeByte(127).writeLong(payload.length);
        }
        return out.writeBytes(payload);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A client frame written by the handler, unmasked: opcode and payload. */
    private String sent() {
        ByteBuf out = channel.readOutbound();
        try {
            var opcode = out.readUnsignedByte() & 0x0F;
            var b1 = out.readUnsignedByte();
            assertTrue((b1 & 0x80) != 0, "a client frame is masked");
            long length = b1 & 0x7F;
            length = length == 126 ? out.readUnsignedShort() : length == 127 ? out.readLong() : length;
            var mask = new byte[4];
            out.readBytes(mask);
            var payload = new byte[(int) length];
            for (var i = 0; i < payload.length; i++) {
                payload[i] = (byte) (out.readByte() ^ mask[i & 3]);
            }
            return opcode + " " + (opcode == WebSocketFrames.CLOSE && payload.length >= 2
                    ? ((payload[0] & 0xFF) << 8 | payload[1] & 0xFF) + " " + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)
                    : new String(payload, StandardCharsets.UTF_8));
        } finally {
            out.release();
        }
    }

    @Test
    void sendsTheUpgradeRequestWhenTheConnectionOpens() {
        var request = upgradeRequest();
        assertTrue(request.startsWith("GET /v1/stream HTTP/1.1\r\nHost: istiod.istio-system.svc:15012\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: "), request);
        assertTrue(request.endsWith("\r\nSec-WebSocket-Version: 13\r\n\r\n"), request);
        assertEquals(24, key(request).length(), "16 bytes in base64");
    }

    @Test
    void theAcceptIsRfc6455s() {
        // RFC 6455, section 1.3's example
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", StreamHandler.accept("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void handsOverTheHandshakeAndWholeMessagesEvenWhenTheyArriveInPieces() {
        var accept = StreamHandler.accept(key(upgradeRequest()));
        var answer = "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nconnection: keep-alive, Upgrade\r\nsec-websocket-accept: "
                + accept + "\r\n\r\n";
        // The head and a first message in one read, split at an awkward place.
        var bytes = Unpooled.buffer().writeBytes(answer.getBytes(StandardCharsets.ISO_8859_1)).writeBytes(frame(0x81, utf8("{\"type\":\"snapshot\"}")));
        channel.writeInbound(bytes.readRetainedSlice(answer.length() - 3));
        assertEquals(List.of(), events);
        channel.writeInbound(bytes.readRetainedSlice(5));
        assertEquals(List.of("opened"), events);
        channel.writeInbound(bytes);
        // A message in three frames (text, continuation, continuation), one byte per read.
        var parts = Unpooled.buffer().writeBytes(frame(0x01, utf8("{\"a\":"))).writeBytes(frame(0x00, utf8("\"é…"))).writeBytes(frame(0x80, utf8("\"}")));
        while (parts.isReadable()) {
            channel.writeInbound(parts.readRetainedSlice(1));
        }
        parts.release();
        assertEquals(List.of("opened", "received {\"type\":\"snapshot\"}", "received {\"a\":\"é…\"}"), events);
        assertTrue(channel.isActive());
    }

    @Test
    void aLargeMessageIsReadAsItComes() {
        open();
        var big = "x".repeat(300_000);
        var wire = frame(0x81, utf8(big));
        while (wire.isReadable()) {
            channel.writeInbound(wire.readRetainedSlice(Math.min(16_384, wire.readableBytes())));
        }
        wire.release();
        assertEquals(1, events.size());
        assertTrue(events.get(0).equals("received " + big), "one message of 300,000 bytes");
    }

    @Test
    void answersPingsAndPingsWhenQuiet() {
        open();
        channel.writeInbound(frame(0x89, utf8("are you there")));
        assertEquals("10 are you there", sent());
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_WRITER_IDLE_STATE_EVENT);
        assertEquals("9 ", sent());
        channel.writeInbound(frame(0x8A, new byte[0]));
        assertTrue(channel.isActive());
        assertEquals(List.of(), events);
    }

    @Test
    void givesUpOnASilentControlPlane() {
        open();
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        assertFalse(channel.isActive());
        assertEquals(List.of("failed nothing from the control plane for 90s (not even a pong)"), events);
    }

    @Test
    void aHandshakeThatTimesOutClosesTheConnection() {
        upgradeRequest();
        channel.advanceTimeBy(StreamHandler.HANDSHAKE_MILLIS, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isActive());
        assertEquals(List.of("failed WebSocket handshake timed out"), events);
    }

    @Test
    void anOpenStreamDoesNotTimeOut() {
        open();
        channel.advanceTimeBy(StreamHandler.HANDSHAKE_MILLIS * 2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isActive());
    }

    @Test
    void aRefusedUpgradeSaysWhatCameBack() {
        upgradeRequest();
        answer("HTTP/1.1 400 Bad Request\r\nContent-Length: 5\r\n\r\nnope\n");
        assertFalse(channel.isActive());
        assertEquals(List.of("failed the control plane answered the WebSocket upgrade with HTTP 400"), events);
    }

    @Test
    void aWrongAcceptIsRefused() {
        upgradeRequest();
        answer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
        assertFalse(channel.isActive());
        assertEquals(List.of("failed the control plane's Sec-WebSocket-Accept does not match the key sent"), events);
    }

    @Test
    void anAnswerThatIsNotHttpIsRefused() {
        upgradeRequest();
        answer("SSH-2.0-OpenSSH_9.2\r\n\r\n");
        assertFalse(channel.isActive());
        assertEquals(1, events.size());
        assertTrue(events.get(0).startsWith("failed the control plane's answer to the WebSocket upgrade is not HTTP/1.1: "), events.get(0));
    }

    @Test
    void aCloseFromTheControlPlaneIsTheReasonGiven() {
        open();
        var payload = Unpooled.buffer().writeShort(1013).writeBytes(utf8("unknown proxy app-1.default: no pod"));
        channel.writeInbound(frame(0x88, io.netty.buffer.ByteBufUtil.getBytes(payload)));
        assertFalse(channel.isActive());
        assertEquals(List.of("failed closed by the control plane: 1013 unknown proxy app-1.default: no pod"), events);
    }

    @Test
    void aFrameThatBreaksTheProtocolClosesWithItsCode() {
        for (var bad : List.of(
                new Object[] {frame(0xC1, utf8("x")), 1002, "a frame with a reserved bit set (no extension was agreed)"},
                new Object[] {Unpooled.buffer().writeByte(0x81).writeByte(0x81).writeInt(0).writeByte('x'), 1002, "a masked frame from the server"},
                new Object[] {frame(0x83, utf8("x")), 1002, "a frame with the unknown opcode 3"},
                new Object[] {frame(0x09, utf8("x")), 1002, "a control frame that is fragmented or over 125 bytes"},
                new Object[] {frame(0x80, utf8("x")), 1002, "a continuation frame outside a message"},
                new Object[] {frame(0x81, new byte[] {(byte) 0xC3, 0x28}), 1007, "a text message that is not UTF-8"},
                new Object[] {Unpooled.buffer().writeByte(0x81).writeByte(127).writeLong(64L << 20), 1009, "a message over 33554432 bytes"})) {
            var handler = new StreamHandlerTest();
            handler.open();
            handler.channel.writeInbound(bad[0]);
            assertEquals("8 " + bad[1] + " " + bad[2], handler.sent());
            assertFalse(handler.channel.isActive());
            assertEquals(List.of("failed the control plane broke the WebSocket protocol: " + bad[2]), handler.events);
        }
    }

    @Test
    void aBinaryMessageIsUnexpected() {
        open();
        channel.writeInbound(frame(0x82, utf8("x")));
        assertFalse(channel.isActive());
        assertEquals(List.of("failed unexpected binary message from the control plane"), events);
    }

    @Test
    void closeFramesCarryTheCodeAndAReasonCutToFit() {
        var reason = "é".repeat(100); // 200 bytes of UTF-8: cut to 122, a whole number of characters
        StreamHandler.close(channel, 1008, reason);
        upgradeRequest();
        assertEquals("8 1008 " + "é".repeat(61), sent());
        assertNull(channel.readOutbound());
    }
}
