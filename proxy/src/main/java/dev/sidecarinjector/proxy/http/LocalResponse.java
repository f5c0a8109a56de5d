package dev.sidecarinjector.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;

/** An answer the proxy makes itself (404, 503, 504, 401, 429, a redirect...): a status, a few headers, a short body. */
final class LocalResponse {

    private final HttpResponseStatus status;
    private final byte[] body;
    /** name, value, name, value... in the order they are written. */
    private final ArrayList<String> headers = new ArrayList<>(10);

    private LocalResponse(HttpResponseStatus status, String body) {
        this.status = status;
        this.body = body.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code body} as text/plain with its length; an empty body has a {@code content-length: 0} only. */
    static LocalResponse text(HttpResponseStatus status, String body) {
        var response = new LocalResponse(status, body);
        if (!body.isEmpty()) {
            response.set("content-type", "text/plain");
        }
        return response.set("content-length", Integer.toString(response.body.length));
    }

    int status() {
        return status.code();
    }

    int bodyBytes() {
        return body.length;
    }

    /** Replaces the header's value, or appends it. */
    LocalResponse set(String name, String value) {
        for (var i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                headers.set(i + 1, value);
                return this;
            }
        }
        headers.add(name);
        headers.add(value);
        return this;
    }

    ByteBuf encode(ByteBufAllocator alloc) {
        var out = alloc.buffer(128 + body.length);
        out.writeCharSequence("HTTP/1.1 ", StandardCharsets.US_ASCII);
        out.writeCharSequence(status.codeAsText(), StandardCharsets.US_ASCII);
        out.writeByte(' ');
        out.writeCharSequence(status.reasonPhrase(), StandardCharsets.ISO_8859_1);
        out.writeShort(CRLF);
        for (var i = 0; i < headers.size(); i += 2) {
            out.writeCharSequence(headers.get(i), StandardCharsets.ISO_8859_1);
            out.writeByte(':').writeByte(' ');
            out.writeCharSequence(headers.get(i + 1), StandardCharsets.ISO_8859_1);
            out.writeShort(CRLF);
        }
        return out.writeShort(CRLF).writeBytes(body);
    }

    private static final int CRLF = ('\r' << 8) | '\n';
}
