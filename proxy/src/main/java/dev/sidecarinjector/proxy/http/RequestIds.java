package dev.sidecarinjector.proxy.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code x-request-id} values as Envoy makes them: random (version 4) UUIDs. Drawn from the event loop's own
 * generator: {@link java.util.UUID#randomUUID()} takes SecureRandom's lock on every request.
 */
final class RequestIds {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private RequestIds() {
    }

    static String next() {
        var random = ThreadLocalRandom.current();
        var high = random.nextLong() & 0xFFFFFFFFFFFF0FFFL | 0x0000000000004000L;
        var low = random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;
        var out = new byte[36];
        var at = hex(high >>> 32, 8, out, 0);
        out[at++] = '-';
        at = hex(high >>> 16, 4, out, at);
        out[at++] = '-';
        at = hex(high, 4, out, at);
        out[at++] = '-';
        at = hex(low >>> 48, 4, out, at);
        out[at++] = '-';
        hex(low, 12, out, at);
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    private static int hex(long value, int digits, byte[] out, int at) {
        for (var i = digits - 1; i >= 0; i--) {
            out[at + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
        return at + digits;
    }
}
