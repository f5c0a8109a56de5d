package dev.sidecarinjector.proxy.codec;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/** Request heads for tests, parsed as the proxy parses what a client sends. */
public final class Heads {

    private Heads() {
    }

    /** {@code METHOD target HTTP/1.1} with the headers given as name, value, name, value... */
    public static MessageHead request(String method, String target, String... namesAndValues) {
        var text = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (var i = 0; i < namesAndValues.length; i += 2) {
            text.append(namesAndValues[i]).append(": ").append(namesAndValues[i + 1]).append("\r\n");
        }
        try {
            return HeadParser.request(Unpooled.copiedBuffer(text.append("\r\n"), StandardCharsets.ISO_8859_1), 64 * 1024);
        } catch (BadMessage e) {
            throw new IllegalArgumentException(text.toString(), e);
        }
    }
}
