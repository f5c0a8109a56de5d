package dev.sidecarinjector.proxy.http;

import dev.sidecarinjector.proxy.route.HeaderMutator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;

/**
 * An answer the proxy makes itself (404, 503, 504, 401, 429, a redirect, a route's direct response...): a status,
 * a few headers, a body. A route's response edits reach its headers through {@link #edits()} (names compared without
 * case).
 */
final class LocalResponse {

    private final HttpResponseStatus status;
    private final byte[] body;
    /** name, value, name, value... in the order they are written. */
    private final ArrayList<String> headers = new ArrayList<>(10);

    private LocalResponse(HttpResponseStatus status, byte[] body) {
        this.status = status;
        this.body = body;
    }

    /** {@code body} as text/plain with its length; an empty body has a {@code content-length: 0} only. */
    static LocalResponse text(HttpResponseStatus status, String body) {
        return bytes(status, body.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code body} as text/plain (as Envoy sends a direct response) with its length; empty: {@code content-length: 0}. */
    static LocalResponse bytes(HttpResponseStatus status, byte[] body) {
        var response = new LocalResponse(status, body);
        if (body.length > 0) {
            response.set("content-type", "text/plain");
        }
        return response.set("content-length", Integer.toString(body.length));
    }

    int status() {
        return status.code();
    }

    int bodyBytes() {
        return body.length;
    }

    /** Replaces the header's value (every value of it), or appends it. */
    LocalResponse set(String name, String value) {
        if (frames(name) && headers.contains(CONTENT_LENGTH)) {
            return this;
        }
        var kept = false;
        for (var i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                if (kept) {
                    headers.remove(i);
                    headers.remove(i);
                    i -= 2;
                } else {
                    headers.set(i + 1, value);
                    kept = true;
                }
            }
        }
        if (!kept) {
            headers.add(name);
            headers.add(value);
        }
        return this;
    }

    void add(String name, String value) {
        if (frames(name)) {
            return;
        }
        headers.add(name);
        headers.add(value);
    }

    void remove(String name) {
        if (frames(name)) {
            return;
        }
        for (var i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                headers.remove(i);
                headers.remove(i);
                i -= 2;
            }
        }
    }

    /** The headers as a route's {@code headers.response} edits see them. */
    HeaderMutator edits() {
        return new HeaderMutator() {
            @Override
            public void set(String name, String value) {
                LocalResponse.this.set(name, value);
            }

            @Override
            public void add(String name, String value) {
                LocalResponse.this.add(name, value);
            }

            @Override
            public void remove(String name) {
                LocalResponse.this.remove(name);
            }
        };
    }

    /** The body's length, once set, is the proxy's: a route's header edits do not change or remove it. */
    private static boolean frames(String name) {
        return name.equalsIgnoreCase(CONTENT_LENGTH);
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
    private static final String CONTENT_LENGTH = "content-length";
}
