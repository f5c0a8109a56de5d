package dev.sidecarinjector.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The frames' bytes (RFC 6455's examples) and the UTF-8 check of text messages. */
class WebSocketFramesTest {

    private static byte[] bytes(int... values) {
        var out = new byte[values.length];
        for (var i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void readsRfc6455sUnmaskedAndFragmentedHellos() throws Exception {
        var reader = new WebSocketFrames.Reader(1024);
        // 5.7: a single-frame unmasked text message, then "Hel" and "lo" as two fragments, then an unmasked ping
        var in = Unpooled.wrappedBuffer(bytes(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f,
                0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f));
        assertEquals("Hello", reader.next(in, ByteBufAllocator.DEFAULT).text());
        assertEquals("Hello", reader.next(in, ByteBufAllocator.DEFAULT).text());
        var ping = reader.next(in, ByteBufAllocator.DEFAULT);
        assertEquals(WebSocketFrames.PING, ping.opcode());
        assertEquals("Hello", new String(ping.payload(), StandardCharsets.UTF_8));
        assertNull(reader.next(in, ByteBufAllocator.DEFAULT));
    }

    @Test
    void writesMaskedFramesWithTheLengthInItsThreeSizes() {
        for (var length : List.of(0, 125, 126, 65_535, 65_536)) {
            var payload = new byte[length];
            for (var i = 0; i < length; i++) {
                payload[i] = (byte) i;
            }
            var frame = WebSocketFrames.frame(ByteBufAllocator.DEFAULT, WebSocketFrames.TEXT, payload);
            try {
                assertEquals(0x81, frame.readUnsignedByte());
                var b1 = frame.readUnsignedByte();
                assertEquals(0x80, b1 & 0x80, "masked");
                long declared = b1 & 0x7F;
                declared = declared == 126 ? frame.readUnsignedShort() : declared == 127 ? frame.readLong() : declared;
                assertEquals((long) length, declared);
                assertEquals(length < 126 ? length : length < 65_536 ? 126 : 127, b1 & 0x7F);
                var mask = new byte[4];
                frame.readBytes(mask);
                for (var i = 0; i < length; i++) {
                    assertEquals(payload[i], (byte) (frame.readByte() ^ mask[i & 3]), "byte " + i + " of " + length);
                }
                assertEquals(0, frame.readableBytes());
            } finally {
                frame.release();
            }
        }
    }

    @Test
    void textMustBeUtf8() throws Exception {
        for (var good : List.of("", "plain ASCII longer than eight bytes", "é…€𝄞 mixed with ASCII", "\u0000\u007f\u0080\u07ff\u0800\uffff")) {
            assertEquals(good, WebSocketFrames.utf8(Unpooled.wrappedBuffer(good.getBytes(StandardCharsets.UTF_8))));
        }
        for (var bad : List.of(bytes(0xC3, 0x28), bytes(0xC0, 0xAF), bytes(0xE0, 0x80, 0xAF), bytes(0xED, 0xA0, 0x80),
                bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xF5, 0x80, 0x80, 0x80), bytes(0x80), bytes(0x41, 0x42, 0xE2, 0x82),
                bytes(0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0xFF))) {
            var e = assertThrows(WebSocketFrames.ProtocolError.class, () -> WebSocketFrames.utf8(Unpooled.wrappedBuffer(bad)));
            assertEquals(WebSocketFrames.INVALID_DATA, e.code());
        }
    }
}
