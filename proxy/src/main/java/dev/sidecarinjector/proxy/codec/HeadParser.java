package dev.sidecarinjector.proxy.codec;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Reads one HTTP/1.1 message head off a buffer into a {@link MessageHead}: the bytes are copied into an array and
 * every line checked (RFC 9112), the header values left as bytes. Refused ({@link BadMessage}): a line not ended by
 * CR LF (a bare LF, or a CR inside it), a header name that is not a token or has whitespace before its colon, a value
 * with a control character (but tab) or NUL, a request line that is not {@code METHOD SP target SP HTTP/1.x}, a
 * status line that is not {@code HTTP/1.x SP 3DIGIT [SP reason]}; a start line or header section over the limit is
 * {@code tooLarge}. Empty lines before a head are skipped, and an obs-fold continuation line is joined to its header
 * with spaces.
 */
public final class HeadParser {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (var c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (var c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 'a' + 'A'] = true;
        }
        for (var c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private HeadParser() {
    }

    /** The request head at the buffer's reader index, read off it; null while it is incomplete (nothing read). */
    public static MessageHead request(ByteBuf in, int limit) throws BadMessage {
        return parse(in, limit, true);
    }

    /** The response head at the buffer's reader index, read off it; null while it is incomplete (nothing read). */
    public static MessageHead response(ByteBuf in, int limit) throws BadMessage {
        return parse(in, limit, false);
    }

    /** How much of the buffer is copied first to look for the head's end in: most heads are shorter. */
    private static final int FIRST_COPY = 1024;

    private static MessageHead parse(ByteBuf in, int limit, boolean request) throws BadMessage {
        skipEmptyLines(in);
        var start = in.readerIndex();
        var available = in.writerIndex() - start;
        // The lines are looked for in a copy of the buffer's first bytes, which is usually the head itself or holds
        // it: scanning an array is cheaper than asking the buffer for each line's end. The copy doubles while it
        // holds no end of the head and the buffer has more. Offsets below are from the head's start.
        var b = copy(in, start, Math.min(available, FIRST_COPY));
        var lineStart = 0;
        var headersStart = -1;
        var lines = 0;
        while (true) {
            var lf = indexOf(b, lineStart, b.length, LF);
            if (lf < 0) {
                if (b.length < available) {
                    b = copy(in, start, (int) Math.min(available, 2L * b.length));
                    continue;
                }
                if (headersStart < 0 ? available > limit : available - headersStart > limit) {
                    throw BadMessage.tooLarge(headersStart < 0 ? "start line" : "header section", limit);
                }
                return null;
            }
            if (lf == lineStart || b[lf - 1] != CR) {
                throw new BadMessage("line feed without carriage return");
            }
            if (headersStart < 0) {
                if (lf > limit) {
                    throw BadMessage.tooLarge("start line", limit);
                }
                headersStart = lf + 1;
            } else if (lf + 1 - headersStart > limit) {
                throw BadMessage.tooLarge("header section", limit);
            } else if (lf - 1 == lineStart) {
                in.skipBytes(lf + 1);
                return parse(lf + 1 == b.length ? b : Arrays.copyOf(b, lf + 1), headersStart, request, lines);
            }
            lineStart = lf + 1;
            lines++;
        }
    }

    private static byte[] copy(ByteBuf in, int from, int length) {
        var bytes = new byte[length];
        in.getBytes(from, bytes);
        return bytes;
    }

    /** Where {@code value} is in b [from, to); -1 if it is not. */
    private static int indexOf(byte[] b, int from, int to, byte value) {
        for (var i = from; i < to; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** Netty's and Envoy's leniency: CR LF (and other control bytes) between pipelined messages are not a message. */
    private static void skipEmptyLines(ByteBuf in) {
        var at = in.readerIndex();
        var end = in.writerIndex();
        while (at < end) {
            var b = in.getByte(at);
            if (b != CR && b != LF && b != ' ' && b != '\t' && b != 0) {
                break;
            }
            at++;
        }
        in.readerIndex(at);
    }

    /** {@code lines}: how many lines the head has, the start line's included (more than it has header fields). */
    private static MessageHead parse(byte[] b, int headersStart, boolean request, int lines) throws BadMessage {
        var startLineEnd = headersStart - 2;
        var fields = new int[4 * lines];
        var count = 0;
        var line = headersStart;
        while (true) {
            var cr = indexOf(b, line, CR);
            if (b[cr + 1] != LF) {
                throw new BadMessage("carriage return without line feed");
            }
            if (cr == line) {
                break;
            }
            if (MessageHead.isSpace(b[line])) {
                if (count == 0) {
                    throw new BadMessage("continuation line without a header before it");
                }
                // obs-fold: the line break becomes two spaces, so the header stays one line of the bytes.
                checkValue(b, line, cr);
                b[line - 2] = ' ';
                b[line - 1] = ' ';
                var valueEnd = trimEnd(b, line, cr);
                if (valueEnd > line) {
                    fields[4 * (count - 1) + 3] = valueEnd;
                }
                line = cr + 2;
                continue;
            }
            var colon = line;
            while (colon < cr && isToken(b[colon])) {
                colon++;
            }
            if (colon == line || colon == cr || b[colon] != ':') {
                throw new BadMessage(colon == cr ? "header line without a colon" : colon == line ? "header without a name"
                        : "invalid character in a header name");
            }
            checkValue(b, colon + 1, cr);
            var valueStart = colon + 1;
            while (valueStart < cr && MessageHead.isSpace(b[valueStart])) {
                valueStart++;
            }
            if (4 * count + 4 > fields.length) {
                fields = Arrays.copyOf(fields, fields.length * 2);
            }
            fields[4 * count] = line;
            fields[4 * count + 1] = colon;
            fields[4 * count + 2] = valueStart;
            fields[4 * count + 3] = Math.max(valueStart, trimEnd(b, valueStart, cr));
            count++;
            line = cr + 2;
        }
        return request ? requestLine(b, startLineEnd, fields, count) : statusLine(b, startLineEnd, fields, count);
    }

    private static MessageHead requestLine(byte[] b, int end, int[] fields, int count) throws BadMessage {
        var methodEnd = 0;
        while (methodEnd < end && isToken(b[methodEnd])) {
            methodEnd++;
        }
        var targetStart = skipSpaces(b, methodEnd, end);
        if (methodEnd == 0 || targetStart == methodEnd) {
            throw new BadMessage("invalid request method");
        }
        var targetEnd = targetStart;
        while (targetEnd < end && isTargetChar(b[targetEnd])) {
            targetEnd++;
        }
        var versionStart = skipSpaces(b, targetEnd, end);
        if (targetEnd == targetStart || versionStart == targetEnd) {
            throw new BadMessage("invalid request target");
        }
        var minor = version(b, versionStart, end);
        var canonical = targetStart == methodEnd + 1 && versionStart == targetEnd + 1 && exactVersion(b, versionStart, minor);
        return new MessageHead(b, true, methodEnd, targetStart, targetEnd, versionStart, Math.min(minor, 1), end, canonical, fields, count);
    }

    private static MessageHead statusLine(byte[] b, int end, int[] fields, int count) throws BadMessage {
        var minor = version(b, 0, Math.min(end, 8));
        if (end < 12 || b[8] != ' ' || !isDigit(b[9]) || !isDigit(b[10]) || !isDigit(b[11]) || end > 12 && b[12] != ' ') {
            throw new BadMessage("invalid status line");
        }
        checkValue(b, 12, end);
        return new MessageHead(b, false, 0, 0, 0, 0, Math.min(minor, 1), end, exactVersion(b, 0, minor), fields, count);
    }

    /** The minor digit of {@code HTTP/1.x} (any case) filling [at, end); other versions are refused. */
    private static int version(byte[] b, int at, int end) throws BadMessage {
        if (end - at != 8 || (b[at] | 0x20) != 'h' || (b[at + 1] | 0x20) != 't' || (b[at + 2] | 0x20) != 't' || (b[at + 3] | 0x20) != 'p'
                || b[at + 4] != '/' || b[at + 5] != '1' || b[at + 6] != '.' || !isDigit(b[at + 7])) {
            throw new BadMessage("not HTTP/1.x");
        }
        return b[at + 7] - '0';
    }

    private static boolean exactVersion(byte[] b, int at, int minor) {
        return minor <= 1 && b[at] == 'H' && b[at + 1] == 'T' && b[at + 2] == 'T' && b[at + 3] == 'P';
    }

    private static void checkValue(byte[] b, int from, int to) throws BadMessage {
        for (var i = from; i < to; i++) {
            var c = b[i] & 0xFF;
            if (c < 0x20 && c != '\t' || c == 0x7F) {
                throw new BadMessage(c == 0 ? "NUL in a header" : "control character in a header");
            }
        }
    }

    private static int trimEnd(byte[] b, int from, int to) {
        while (to > from && MessageHead.isSpace(b[to - 1])) {
            to--;
        }
        return to;
    }

    private static int skipSpaces(byte[] b, int at, int end) {
        while (at < end && b[at] == ' ') {
            at++;
        }
        return at;
    }

    private static int indexOf(byte[] b, int from, byte value) {
        while (b[from] != value) {
            from++;
        }
        return from;
    }

    static boolean isToken(byte b) {
        return b >= 0 && TOKEN[b];
    }

    private static boolean isTargetChar(byte b) {
        return (b & 0xFF) > 0x20 && b != 0x7F;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
