package dev.sidecarinjector.proxy.codec;

import dev.sidecarinjector.proxy.route.HeaderMutator;
import dev.sidecarinjector.proxy.route.RequestHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The head of one HTTP/1.1 request or response as it was read (checked by {@link HeadParser}), with the proxy's edits
 * on top: header lines are kept as the bytes that came in, a {@code String} is made only for a header someone reads,
 * and {@link #encode} writes the head back as those bytes with the edits (removed lines skipped, new ones appended, the
 * start line rebuilt only when it changed). Names compare case-insensitively; asked for in lower case.
 */
public final class MessageHead implements RequestHeaders, HeaderMutator {

    private final byte[] bytes;
    private final boolean request;
    /** Request: method [0, methodEnd), target [targetStart, targetEnd). Response: the status code at 9. */
    private final int methodEnd;
    private final int targetStart;
    private final int targetEnd;
    /** Where the start line's version ({@code HTTP/1.x}) starts, and its minor digit. */
    private final int versionStart;
    private int minor;
    private final int startLineEnd;
    /** Whether the start line is written as the proxy would write it (single spaces, {@code HTTP/1.x} in capitals). */
    private final boolean canonical;
    /** Per header line: its start (the name's), the name's end, the value's start and end (trimmed); line ends at CR. */
    private final int[] fields;
    private final int count;

    private boolean[] removed;
    private int removedCount;
    /** Appended headers: name, value, name, value... */
    private ArrayList<String> added;
    private String method;
    private String target;
    private boolean startLineChanged;

    MessageHead(byte[] bytes, boolean request, int methodEnd, int targetStart, int targetEnd, int versionStart, int minor,
                int startLineEnd, boolean canonical, int[] fields, int count) {
        this.bytes = bytes;
        this.request = request;
        this.methodEnd = methodEnd;
        this.targetStart = targetStart;
        this.targetEnd = targetEnd;
        this.versionStart = versionStart;
        this.minor = minor;
        this.startLineEnd = startLineEnd;
        this.canonical = canonical;
        this.fields = fields;
        this.count = count;
    }

    // ---- The start line.

    /** The request's method, as sent (the common ones without a new String). */
    public String method() {
        if (method == null) {
            method = Methods.of(bytes, methodEnd);
        }
        return method;
    }

    /** The request target, as sent or as set. */
    public String target() {
        if (target == null) {
            target = new String(bytes, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
        }
        return target;
    }

    public void setTarget(String target) {
        this.target = target;
        startLineChanged = true;
    }

    /** The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1. */
    public int minorVersion() {
        return minor;
    }

    public void setMinorVersion(int minor) {
        if (this.minor != minor) {
            this.minor = minor;
            startLineChanged = true;
        }
    }

    /** The response's status code. */
    public int status() {
        return (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 + bytes[11] - '0';
    }

    // ---- Headers.

    @Override
    public String get(String name) {
        for (var i = 0; i < count; i++) {
            if (live(i) && nameIs(i, name)) {
                return value(i);
            }
        }
        if (added != null) {
            for (var i = 0; i < added.size(); i += 2) {
                if (added.get(i).equalsIgnoreCase(name)) {
                    return added.get(i + 1);
                }
            }
        }
        return null;
    }

    public String get(String name, String otherwise) {
        var value = get(name);
        return value == null ? otherwise : value;
    }

    /** Whether the head has the header (with the edits), without making a String of its value. */
    public boolean contains(String name) {
        for (var i = 0; i < count; i++) {
            if (live(i) && nameIs(i, name)) {
                return true;
            }
        }
        if (added != null) {
            for (var i = 0; i < added.size(); i += 2) {
                if (added.get(i).equalsIgnoreCase(name)) {
                    return true;
                }
            }
        }
        return false;
    }


    /** Every value of the header, in order (more than one when the header is repeated). */
    public List<String> getAll(String name) {
        var all = new ArrayList<String>(1);
        for (var i = 0; i < count; i++) {
            if (live(i) && nameIs(i, name)) {
                all.add(value(i));
            }
        }
        if (added != null) {
            for (var i = 0; i < added.size(); i += 2) {
                if (added.get(i).equalsIgnoreCase(name)) {
                    all.add(added.get(i + 1));
                }
            }
        }
        return all;
    }

    /** Whether a value of the header, read as a comma-separated list, has {@code token} (in lower case) as an element. */
    public boolean hasToken(String name, String token) {
        for (var i = 0; i < count; i++) {
            if (live(i) && nameIs(i, name) && listHas(fields[4 * i + 2], fields[4 * i + 3], token)) {
                return true;
            }
        }
        if (added != null) {
            for (var i = 0; i < added.size(); i += 2) {
                if (added.get(i).equalsIgnoreCase(name)) {
                    for (var element : added.get(i + 1).split(",")) {
                        if (element.trim().equalsIgnoreCase(token)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** How many header lines the head has, with the edits. */
    public int size() {
        return count - removedCount + (added == null ? 0 : added.size() / 2);
    }

    @Override
    public void set(String name, String value) {
        remove(name);
        add(name, value);
    }

    @Override
    public void add(String name, String value) {
        if (added == null) {
            added = new ArrayList<>(8);
        }
        added.add(name);
        added.add(value);
    }

    @Override
    public void remove(String name) {
        removeAll(new String[] {name}, 1);
    }

    /** Removes every header named one of {@code names[0, n)}, read or added, in one pass over the lines. */
    public void removeAll(String[] names, int n) {
        for (var i = 0; i < count; i++) {
            if (live(i)) {
                for (var k = 0; k < n; k++) {
                    if (nameIs(i, names[k])) {
                        if (removed == null) {
                            removed = new boolean[count];
                        }
                        removed[i] = true;
                        removedCount++;
                        break;
                    }
                }
            }
        }
        if (added != null) {
            for (var i = added.size() - 2; i >= 0; i -= 2) {
                for (var k = 0; k < n; k++) {
                    if (added.get(i).equalsIgnoreCase(names[k])) {
                        added.remove(i + 1);
                        added.remove(i);
                        break;
                    }
                }
            }
        }
    }

    /** Whether the head would be written other than as it was read. */
    public boolean edited() {
        return removedCount > 0 || added != null && !added.isEmpty() || startLineChanged || !canonical;
    }

    // ---- Writing.

    /** The head with its edits, ready to send: the bytes as read when nothing changed. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        if (!edited()) {
            var out = alloc.buffer(bytes.length);
            return out.writeBytes(bytes);
        }
        var out = alloc.buffer(bytes.length + 256);
        // Lines kept as they came are copied in runs: [from, to) of the bytes read is pending.
        var from = 0;
        var to = 0;
        if (!startLineChanged && canonical) {
            to = startLineEnd + 2;
        } else {
            writeStartLine(out);
        }
        for (var i = 0; i < count; i++) {
            if (live(i)) {
                var start = fields[4 * i];
                var end = fields[4 * i + 3];
                if (start != to) {
                    out.writeBytes(bytes, from, to - from);
                    from = start;
                }
                if (bytes[end] == '\r') {
                    to = end + 2;
                } else {
                    // The line up to its value's end (trailing whitespace is no part of the value).
                    out.writeBytes(bytes, from, end - from).writeShort(CRLF);
                    from = end;
                    to = end;
                }
            }
        }
        if (added == null && to == bytes.length - 2) {
            return out.writeBytes(bytes, from, bytes.length - from);
        }
        out.writeBytes(bytes, from, to - from);
        if (added != null) {
            for (var i = 0; i < added.size(); i += 2) {
                writeLatin1(out, added.get(i));
                out.writeShort(COLON_SPACE);
                writeLatin1(out, added.get(i + 1));
                out.writeShort(CRLF);
            }
        }
        return out.writeShort(CRLF);
    }

    /**
     * The string as ISO-8859-1 ({@code ?} for a character outside it, as {@code writeCharSequence}): one array copy
     * and one write, where Netty's {@code writeCharSequence} writes a byte at a time.
     */
    private static void writeLatin1(ByteBuf out, String s) {
        var latin1 = s.getBytes(StandardCharsets.ISO_8859_1);
        if (latin1.length == s.length()) {
            out.writeBytes(latin1);
        } else {
            // A surrogate pair became one '?' here; Netty writes one per char.
            out.writeCharSequence(s, StandardCharsets.ISO_8859_1);
        }
    }

    private static final byte[] REQUEST_HTTP_10 = " HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REQUEST_HTTP_11 = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP_10 = "HTTP/1.0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP_11 = "HTTP/1.1".getBytes(StandardCharsets.US_ASCII);

    private static final int CRLF = ('\r' << 8) | '\n';
    private static final int COLON_SPACE = (':' << 8) | ' ';

    /** The start line as the proxy writes it (when it changed or was not canonical). */
    private void writeStartLine(ByteBuf out) {
        if (request) {
            out.writeBytes(bytes, 0, methodEnd).writeByte(' ');
            if (target != null && startLineChanged) {
                writeLatin1(out, target);
            } else {
                out.writeBytes(bytes, targetStart, targetEnd - targetStart);
            }
            out.writeBytes(minor == 0 ? REQUEST_HTTP_10 : REQUEST_HTTP_11);
        } else {
            // HTTP/1.x SP status [SP reason]: the version is the proxy's, what follows it as it came.
            out.writeBytes(minor == 0 ? HTTP_10 : HTTP_11);
            out.writeBytes(bytes, versionStart + 8, startLineEnd - versionStart - 8).writeShort(CRLF);
        }
    }

    // ---- Comparing bytes.

    private boolean live(int i) {
        return removed == null || !removed[i];
    }

    private boolean nameIs(int i, String name) {
        var start = fields[4 * i];
        var length = fields[4 * i + 1] - start;
        if (length != name.length()) {
            return false;
        }
        for (var k = 0; k < length; k++) {
            // Names are tokens (ASCII): both sides fold A-Z only.
            var b = bytes[start + k];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            var c = name.charAt(k);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (b != c) {
                return false;
            }
        }
        return true;
    }

    private String value(int i) {
        var start = fields[4 * i + 2];
        return new String(bytes, start, fields[4 * i + 3] - start, StandardCharsets.ISO_8859_1);
    }

    /** Whether the comma-separated list in bytes [from, to) has {@code token} (lower case) as an element. */
    private boolean listHas(int from, int to, String token) {
        var at = from;
        while (at <= to) {
            var comma = at;
            while (comma < to && bytes[comma] != ',') {
                comma++;
            }
            var start = at;
            var end = comma;
            while (start < end && isSpace(bytes[start])) {
                start++;
            }
            while (end > start && isSpace(bytes[end - 1])) {
                end--;
            }
            if (equalsIgnoreCase(start, end, token)) {
                return true;
            }
            at = comma + 1;
        }
        return false;
    }

    private boolean equalsIgnoreCase(int start, int end, String lower) {
        if (end - start != lower.length()) {
            return false;
        }
        for (var k = 0; k < lower.length(); k++) {
            var b = bytes[start + k];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lower.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    @Override
    public String toString() {
        var out = encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
        try {
            return out.toString(StandardCharsets.ISO_8859_1);
        } finally {
            out.release();
        }
    }
}
