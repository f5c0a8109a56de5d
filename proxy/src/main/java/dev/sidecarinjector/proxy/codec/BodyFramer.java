package dev.sidecarinjector.proxy.codec;

import io.netty.buffer.ByteBuf;

/**
 * Finds where one message's body ends (RFC 9112 6.3), passing the body on as slices of the buffers it came in:
 * {@code Content-Length} bytes, a chunked body with its framing and trailers as they were sent (the chunk sizes are
 * read, and checked, only to find the end), or a response's bytes up to the connection's close. Refused
 * ({@link BadMessage}): {@code Transfer-Encoding} with {@code Content-Length}, in an HTTP/1.0 request or not ending in
 * a single {@code chunked} (requests), more than one or a non-decimal {@code Content-Length}, a chunk size that is not
 * hexadecimal, a chunk not ended by CR LF, a bad trailer line.
 */
public final class BodyFramer {

    /** The longest chunk-size line (with extensions) and trailer section taken. */
    static final int MAX_LINE = 4096;

    private enum State { SIZE, DATA, DATA_END, TRAILERS, DONE }

    private final boolean chunked;
    private final boolean untilClose;
    /** The declared Content-Length, -1 without one. */
    private final long length;
    private long remaining;
    private State state;
    private boolean dechunk;
    private long dataBytes;
    private int trailerBytes;

    private BodyFramer(boolean chunked, boolean untilClose, long length) {
        this.chunked = chunked;
        this.untilClose = untilClose;
        this.length = chunked || untilClose ? -1 : length;
        this.remaining = length;
        this.state = chunked ? State.SIZE : length == 0 && !untilClose ? State.DONE : State.DATA;
    }

    /** The framing of a request's body: none, {@code Content-Length} or chunked. */
    public static BodyFramer forRequest(MessageHead head) throws BadMessage {
        if (head.contains("transfer-encoding")) {
            if (head.minorVersion() == 0) {
                throw new BadMessage("transfer-encoding in an HTTP/1.0 request");
            }
            if (head.contains("content-length")) {
                throw new BadMessage("both transfer-encoding and content-length");
            }
            if (!endsInChunked(head)) {
                throw new BadMessage("transfer-encoding not ending in a single chunked");
            }
            return new BodyFramer(true, false, 0);
        }
        return new BodyFramer(false, false, contentLength(head));
    }

    /**
     * The framing of a response's body to a request of {@code method}: none for HEAD, 1xx, 204, 304 and a CONNECT's
     * 2xx; else chunked, {@code Content-Length}, or up to the close.
     */
    public static BodyFramer forResponse(MessageHead head, String method) throws BadMessage {
        var status = head.status();
        if (method.equals("HEAD") || status < 200 || status == 204 || status == 304 || method.equals("CONNECT") && status < 300) {
            return new BodyFramer(false, false, 0);
        }
        if (head.contains("transfer-encoding")) {
            if (head.contains("content-length")) {
                throw new BadMessage("both transfer-encoding and content-length");
            }
            var chunked = endsInChunked(head);
            return new BodyFramer(chunked, !chunked, 0);
        }
        if (head.contains("content-length")) {
            return new BodyFramer(false, false, contentLength(head));
        }
        return new BodyFramer(false, true, 0);
    }

    private static boolean endsInChunked(MessageHead head) {
        var codings = String.join(",", head.getAll("transfer-encoding")).split(",");
        var chunked = 0;
        var last = "";
        for (var coding : codings) {
            var name = coding.trim();
            if (!name.isEmpty()) {
                last = name;
                chunked += name.equalsIgnoreCase("chunked") ? 1 : 0;
            }
        }
        return chunked == 1 && last.equalsIgnoreCase("chunked");
    }

    private static long contentLength(MessageHead head) throws BadMessage {
        if (!head.contains("content-length")) {
            return 0;
        }
        var values = head.getAll("content-length");
        var value = values.getFirst();
        if (values.size() > 1 || value.isEmpty() || value.length() > 18) {
            throw new BadMessage("content-length must be one decimal number");
        }
        var length = 0L;
        for (var i = 0; i < value.length(); i++) {
            var c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new BadMessage("content-length must be one decimal number");
            }
            length = length * 10 + c - '0';
        }
        return length;
    }

    public boolean hasBody() {
        return state != State.DONE;
    }

    /** The declared {@code Content-Length}, -1 for a body framed otherwise; 0 for none. */
    public long contentLength() {
        return length;
    }

    public boolean chunked() {
        return chunked;
    }

    /** Whether the body is the rest of the connection: it ends when the connection does. */
    public boolean untilClose() {
        return untilClose;
    }

    public boolean ended() {
        return state == State.DONE;
    }

    /** The body's bytes so far, without the chunked framing. */
    public long dataBytes() {
        return dataBytes;
    }

    /** Passes on only the data of a chunked body (for an HTTP/1.0 client): the framing and trailers are dropped. */
    public void dechunk() {
        dechunk = chunked;
    }

    /**
     * The next part of the body at {@code in}'s reader index, read off it as a retained slice; null when {@code in}
     * has no more of it yet (or the body {@link #ended()}).
     */
    public ByteBuf next(ByteBuf in) throws BadMessage {
        if (state == State.DONE || !in.isReadable()) {
            return null;
        }
        if (!chunked) {
            var n = untilClose ? in.readableBytes() : (int) Math.min(remaining, in.readableBytes());
            remaining -= n;
            dataBytes += n;
            if (!untilClose && remaining == 0) {
                state = State.DONE;
            }
            return in.readRetainedSlice(n);
        }
        var from = in.readerIndex();
        var at = from;
        var end = in.writerIndex();
        scan:
        while (at < end && state != State.DONE) {
            switch (state) {
                case SIZE -> {
                    var lf = lineEnd(in, at, end);
                    if (lf < 0) {
                        break scan;
                    }
                    remaining = chunkSize(in, at, lf - 1);
                    at = lf + 1;
                    state = remaining == 0 ? State.TRAILERS : State.DATA;
                }
                case DATA -> {
                    var n = (int) Math.min(remaining, end - at);
                    remaining -= n;
                    dataBytes += n;
                    if (remaining == 0) {
                        state = State.DATA_END;
                    }
                    if (dechunk) {
                        in.readerIndex(at);
                        return in.readRetainedSlice(n);
                    }
                    at += n;
                }
                case DATA_END -> {
                    if (end - at < 2) {
                        break scan;
                    }
                    if (in.getByte(at) != '\r' || in.getByte(at + 1) != '\n') {
                        throw new BadMessage("chunk data not ended by CR LF");
                    }
                    at += 2;
                    state = State.SIZE;
                }
                case TRAILERS -> {
                    var lf = lineEnd(in, at, end);
                    if (lf < 0) {
                        break scan;
                    }
                    trailerBytes += lf + 1 - at;
                    if (trailerBytes > MAX_LINE * 16) {
                        throw BadMessage.tooLarge("trailer section", MAX_LINE * 16);
                    }
                    if (lf - 1 == at) {
                        state = State.DONE;
                    } else {
                        trailer(in, at, lf - 1);
                    }
                    at = lf + 1;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        if (dechunk || at == from) {
            in.readerIndex(at);
            return null;
        }
        return in.readRetainedSlice(at - from);
    }

    /** The LF ending the line at {@code at}, checked to follow a CR; -1 while the line is not complete. */
    private static int lineEnd(ByteBuf in, int at, int end) throws BadMessage {
        var lf = in.indexOf(at, end, (byte) '\n');
        if (lf < 0) {
            if (end - at > MAX_LINE) {
                throw new BadMessage("chunk line over " + MAX_LINE + " bytes");
            }
            return -1;
        }
        if (lf == at || in.getByte(lf - 1) != '\r') {
            throw new BadMessage("line feed without carriage return in a chunked body");
        }
        return lf;
    }

    /** {@code 1*HEXDIG [ ";" extensions ]} in [at, cr). */
    private static long chunkSize(ByteBuf in, int at, int cr) throws BadMessage {
        var size = 0L;
        var i = at;
        for (; i < cr; i++) {
            var digit = Character.digit(in.getByte(i), 16);
            if (digit < 0) {
                break;
            }
            if (size > (Long.MAX_VALUE >> 4)) {
                throw new BadMessage("chunk size too large");
            }
            size = size << 4 | digit;
        }
        if (i == at || i < cr && in.getByte(i) != ';') {
            throw new BadMessage("invalid chunk size");
        }
        for (; i < cr; i++) {
            var c = in.getByte(i) & 0xFF;
            if (c < 0x20 && c != '\t' || c == 0x7F) {
                throw new BadMessage("control character in a chunk extension");
            }
        }
        return size;
    }

    private static void trailer(ByteBuf in, int at, int cr) throws BadMessage {
        var colon = at;
        while (colon < cr && HeadParser.isToken(in.getByte(colon))) {
            colon++;
        }
        if (colon == at || colon == cr || in.getByte(colon) != ':') {
            throw new BadMessage("invalid trailer line");
        }
        for (var i = colon + 1; i < cr; i++) {
            var c = in.getByte(i) & 0xFF;
            if (c < 0x20 && c != '\t' || c == 0x7F) {
                throw new BadMessage("control character in a trailer");
            }
        }
    }
}
