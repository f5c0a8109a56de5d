package dev.sidecarinjector.proxy.config;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The WebSocket framing (RFC 6455, section 5) of the control-plane stream, client side: frames written masked, as a
 * client must, and the server's frames read into whole messages. No extension is offered, so a frame with a reserved
 * bit set is refused, as are a masked frame, an unknown opcode, a fragmented or over-long control frame, a
 * continuation outside a message, a new message inside one, a message over the size limit (close code 1009) and text
 * that is not UTF-8 (1007).
 */
final class WebSocketFrames {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** Close codes sent with a refusal. */
    static final int PROTOCOL_ERROR = 1002;
    static final int INVALID_DATA = 1007;
    static final int TOO_BIG = 1009;

    private static final int MAX_CONTROL_PAYLOAD = 125;

    private WebSocketFrames() {
    }

    /** A frame the server broke the protocol with: the close code to answer with and why, for the log. */
    static final class ProtocolError extends Exception {
        private final int code;

        ProtocolError(int code, String reason) {
            super(reason, null, false, false);
            this.code = code;
        }

        int code() {
            return code;
        }
    }

    /**
     * A whole message, or a control frame: its opcode ({@link #TEXT}, {@link #BINARY}, {@link #CLOSE}, ...); a text
     * message's text, checked to be UTF-8; a control frame's payload (a binary message's is not kept).
     */
    record Message(int opcode, String text, byte[] payload) {

        /** A close frame's status code (1005, none given, when it has no payload) and reason. */
        String closeStatus() throws ProtocolError {
            if (payload.length == 0) {
                return "1005";
            }
            if (payload.length == 1) {
                throw new ProtocolError(PROTOCOL_ERROR, "a close frame with a one-byte payload");
            }
            var code = (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
            var reason = utf8(io.netty.buffer.Unpooled.wrappedBuffer(payload, 2, payload.length - 2));
            return code + (reason.isEmpty() ? "" : " " + reason);
        }
    }

    /**
     * The buffer's readable bytes as text, refused unless they are UTF-8 (RFC 3629: no overlong form, no surrogate,
     * nothing over U+10FFFF), checked in place so that a large message is decoded once, into its String.
     */
    static String utf8(ByteBuf buf) throws ProtocolError {
        var end = buf.writerIndex();
        for (var i = buf.readerIndex(); i < end; ) {
            if (i + 8 <= end && (buf.getLong(i) & 0x8080808080808080L) == 0) {
                i += 8; // eight ASCII bytes, the bulk of a snapshot's JSON
                continue;
            }
            var b = buf.getByte(i) & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int more;
            int min;
            if (b >= 0xC2 && b <= 0xDF) {
                more = 1;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                more = 2;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                more = 3;
                min = 0x10000;
            } else {
                throw notUtf8();
            }
            if (i + more >= end) {
                throw notUtf8();
            }
            var code = b & (0x3F >> more);
            for (var k = 1; k <= more; k++) {
                var c = buf.getByte(i + k) & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    throw notUtf8();
                }
                code = code << 6 | c & 0x3F;
            }
            if (code < min || code > 0x10FFFF || code >= 0xD800 && code <= 0xDFFF) {
                throw notUtf8();
            }
            i += more + 1;
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static ProtocolError notUtf8() {
        return new ProtocolError(INVALID_DATA, "a text message that is not UTF-8");
    }

    /** One frame from the client: FIN set, {@code opcode}, the payload masked with a fresh key. */
    static ByteBuf frame(ByteBufAllocator alloc, int opcode, byte[] payload) {
        var length = payload.length;
        var out = alloc.buffer(2 + (length < 126 ? 0 : length < 65_536 ? 2 : 8) + 4 + length);
        out.writeByte(0x80 | opcode);
        if (length < 126) {
            out.writeByte(0x80 | length);
        } else if (length < 65_536) {
            out.writeByte(0x80 | 126).writeShort(length);
        } else {
            out.writeByte(0x80 | 127).writeLong(length);
        }
        var mask = ThreadLocalRandom.current().nextInt();
        out.writeInt(mask);
        var i = 0;
        for (; i + 4 <= length; i += 4) {
            out.writeInt(((payload[i] & 0xFF) << 24 | (payload[i + 1] & 0xFF) << 16 | (payload[i + 2] & 0xFF) << 8 | payload[i + 3] & 0xFF) ^ mask);
        }
        for (; i < length; i++) {
            out.writeByte(payload[i] ^ mask >>> 8 * (3 - (i & 3)));
        }
        return out;
    }

    static ByteBuf text(ByteBufAllocator alloc, String text) {
        return frame(alloc, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A close frame with {@code code} and as much of {@code reason} as a control frame holds (123 bytes of UTF-8). */
    static ByteBuf close(ByteBufAllocator alloc, int code, String reason) {
        var text = reason.getBytes(StandardCharsets.UTF_8);
        var kept = Math.min(text.length, MAX_CONTROL_PAYLOAD - 2);
        while (kept > 0 && kept < text.length && (text[kept] & 0xC0) == 0x80) {
            kept--; // not inside a character
        }
        var payload = new byte[2 + kept];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, kept);
        return frame(alloc, CLOSE, payload);
    }

    /**
     * Reads the server's frames off a buffer. A data frame's payload is taken as it arrives (so a large message is
     * not held twice); a control frame, at most 125 bytes, once it is whole.
     */
    static final class Reader {
        private final int maxMessageBytes;
        /** The message being read: its opcode and the payload so far; null between messages. */
        private int messageOpcode;
        private ByteBuf message;
        /** Payload bytes of the current data frame still to come, and whether it ends its message. */
        private long remaining = -1;
        private boolean finalFrame;

        Reader(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
        }

        /** The next whole message or control frame at {@code in}'s reader index, read off it; null while there is none yet. */
        Message next(ByteBuf in, ByteBufAllocator alloc) throws ProtocolError {
            while (true) {
                if (remaining >= 0) {
                    var n = (int) Math.min(remaining, in.readableBytes());
                    message.writeBytes(in, n);
                    remaining -= n;
                    if (remaining > 0) {
                        return null;
                    }
                    remaining = -1;
                    if (finalFrame) {
                        try {
                            return new Message(messageOpcode, messageOpcode == TEXT ? utf8(message) : null, null);
                        } finally {
                            message.release();
                            message = null;
                        }
                    }
                }
                if (in.readableBytes() < 2) {
                    return null;
                }
                var at = in.readerIndex();
                var b0 = in.getUnsignedByte(at);
                var b1 = in.getUnsignedByte(at + 1);
                var fin = (b0 & 0x80) != 0;
                var opcode = b0 & 0x0F;
                long length = b1 & 0x7F;
                var header = 2;
                if ((b0 & 0x70) != 0) {
                    throw new ProtocolError(PROTOCOL_ERROR, "a frame with a reserved bit set (no extension was agreed)");
                }
                if ((b1 & 0x80) != 0) {
                    throw new ProtocolError(PROTOCOL_ERROR, "a masked frame from the server");
                }
                var control = opcode >= CLOSE;
                if (control ? opcode > PONG : opcode > BINARY) {
                    throw new ProtocolError(PROTOCOL_ERROR, "a frame with the unknown opcode " + opcode);
                }
                if (length == 126) {
                    if (in.readableBytes() < 4) {
                        return null;
                    }
                    length = in.getUnsignedShort(at + 2);
                    header = 4;
                } else if (length == 127) {
                    if (in.readableBytes() < 10) {
                        return null;
                    }
                    length = in.getLong(at + 2);
                    header = 10;
                    if (length < 0) {
                        throw new ProtocolError(PROTOCOL_ERROR, "a frame length with its most significant bit set");
                    }
                }
                if (control) {
                    if (!fin || length > MAX_CONTROL_PAYLOAD) {
                        throw new ProtocolError(PROTOCOL_ERROR, "a control frame that is fragmented or over " + MAX_CONTROL_PAYLOAD + " bytes");
                    }
                    if (in.readableBytes() < header + length) {
                        return null;
                    }
                    in.skipBytes(header);
                    var payload = new byte[(int) length];
                    in.readBytes(payload);
                    return new Message(opcode, null, payload);
                }
                if (opcode == CONTINUATION && message == null) {
                    throw new ProtocolError(PROTOCOL_ERROR, "a continuation frame outside a message");
                }
                if (opcode != CONTINUATION && message != null) {
                    throw new ProtocolError(PROTOCOL_ERROR, "a new message before the last one ended");
                }
                var sofar = message == null ? 0 : message.readableBytes();
                if (sofar + length > maxMessageBytes) {
                    throw new ProtocolError(TOO_BIG, "a message over " + maxMessageBytes + " bytes");
                }
                in.skipBytes(header);
                if (message == null) {
                    // Off the heap (Netty's pool), sized for the whole message when it comes in one frame, as the
                    // control plane sends all but the largest: its bytes are held once, and decoded once.
                    messageOpcode = opcode;
                    message = alloc.buffer((int) Math.max(length, 256));
                }
                remaining = length;
                finalFrame = fin;
            }
        }

        /** Frees the part of a message read so far (the connection ended inside it). */
        void release() {
            if (message != null) {
                message.release();
                message = null;
            }
        }
    }
}
