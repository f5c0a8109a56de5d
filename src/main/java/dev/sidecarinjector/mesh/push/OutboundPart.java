package dev.sidecarinjector.mesh.push;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The outbound part of a snapshot message ({@code ,"listeners":[…],"routeTables":[…],"clusters":[…]}) or of a delta
 * message ({@code ,"listeners":{"set":[…],"remove":[…]},…}) as UTF-8, encoded once and shared by every proxy of a
 * namespace: the same bytes are written to each connection, never copied. Cut into frames of at most
 * {@link #FRAME_BYTES}, as Vert.x cuts a text message, at character boundaries.
 */
final class OutboundPart {

    /** Vert.x's default WebSocket frame size, which clients (and Vert.x's own) accept by default. */
    static final int FRAME_BYTES = 65_536;

    static final OutboundPart EMPTY = new OutboundPart(new byte[0]);

    private final byte[] utf8;
    private final int[] cuts;

    OutboundPart(byte[] utf8) {
        this.utf8 = utf8;
        this.cuts = cuts(utf8);
    }

    static OutboundPart of(String json) {
        return json.isEmpty() ? EMPTY : new OutboundPart(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes; callers must not change them. */
    byte[] utf8() {
        return utf8;
    }

    int length() {
        return utf8.length;
    }

    /** How many frames it is written in. */
    int frames() {
        return cuts.length - 1;
    }

    /** Frame {@code i} is bytes {@code [start(i), start(i + 1))}. */
    int start(int frame) {
        return cuts[frame];
    }

    String text() {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static int[] cuts(byte[] utf8) {
        var out = new int[utf8.length / FRAME_BYTES + 2];
        var n = 0;
        out[n++] = 0;
        var at = 0;
        while (at < utf8.length) {
            var end = Math.min(at + FRAME_BYTES, utf8.length);
            // A frame boundary inside a multi-byte character would make a frame that is not UTF-8 on its own.
            while (end < utf8.length && end > at + 1 && (utf8[end] & 0xC0) == 0x80) {
                end--;
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = end;
            at = end;
        }
        return Arrays.copyOf(out, n);
    }
}
