package dev.sidecarinjector.proxy.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of a request the proxy itself makes to the control plane (the WebSocket upgrade, the certificate request):
 * {@code METHOD target HTTP/1.1}, the headers given, {@code Content-Length} when there is a body, then the body.
 */
public final class ClientRequest {

    private ClientRequest() {
    }

    /**
     * {@code headers}: names and values in turn. A name that is not a token, or a value with a character a header line
     * cannot carry (CR, LF, NUL, or outside Latin-1), is refused with an {@link IllegalArgumentException} naming the
     * header: it would end its line early or be sent as something else.
     */
    public static byte[] encode(String method, String target, byte[] body, String... headers) {
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers come in name and value pairs");
        }
        var out = new ByteArrayOutputStream(256 + (body == null ? 0 : body.length));
        write(out, method + " " + target + " HTTP/1.1\r\n");
        for (var i = 0; i < headers.length; i += 2) {
            line(out, headers[i], headers[i + 1]);
        }
        if (body != null) {
            line(out, "Content-Length", Integer.toString(body.length));
        }
        write(out, "\r\n");
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    private static void line(ByteArrayOutputStream out, String name, String value) {
        var token = !name.isEmpty();
        for (var i = 0; i < name.length() && token; i++) {
            token = name.charAt(i) < 128 && HeadParser.isToken((byte) name.charAt(i));
        }
        if (!token) {
            throw new IllegalArgumentException("header name \"" + name + "\" is not a token");
        }
        for (var i = 0; i < value.length(); i++) {
            var c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c > 255) {
                throw new IllegalArgumentException("the value of header " + name + " has a character a header cannot carry (U+"
                        + String.format("%04X", (int) c) + ") at index " + i);
            }
        }
        write(out, name + ": " + value + "\r\n");
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
