package dev.sidecarinjector.api.net;

/**
 * IPv6 addresses as two {@code long}s (the high and low 64 bits), parsed and printed without {@code InetAddress}
 * (no DNS, no objects), as {@link Ipv4} does for IPv4. {@link #format} prints what glibc's {@code inet_ntop} prints,
 * so a range is written as {@code ip6tables-save} shows it.
 */
public final class Ipv6 {

    private Ipv6() {
    }

    /**
     * The address as {@code {high, low}}, or null when {@code text} is not an IPv6 address: eight groups of one to
     * four hex digits, one {@code ::} for a run of zero groups, an optional dotted quad for the last 32 bits.
     * No brackets and no zone ({@code %eth0}): those belong to a socket address, not to a network.
     */
    public static long[] parse(String text) {
        var groups = new int[8];
        var count = 0;
        var gap = -1;
        var n = text.length();
        var i = 0;
        if (text.startsWith("::")) {
            gap = 0;
            i = 2;
        }
        while (i < n) {
            var start = i;
            var value = 0;
            while (i < n && i - start <= 4 && hex(text.charAt(i)) >= 0) {
                value = value << 4 | hex(text.charAt(i++));
            }
            if (i < n && text.charAt(i) == '.') {
                var v4 = count <= 6 ? Ipv4.parse(text.substring(start)) : -1;
                if (v4 < 0) {
                    return null;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xFFFF);
                break;
            }
            if (i == start || i - start > 4 || count == 8) {
                return null;
            }
            groups[count++] = value;
            if (i == n) {
                break;
            }
            if (text.charAt(i++) != ':' || i == n) {
                return null;
            }
            if (text.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        var words = new int[8];
        var tail = gap < 0 ? 0 : count - gap;
        System.arraycopy(groups, 0, words, 0, count - tail);
        System.arraycopy(groups, count - tail, words, 8 - tail, tail);
        long high = 0;
        long low = 0;
        for (var w = 0; w < 4; w++) {
            high = high << 16 | words[w];
            low = low << 16 | words[w + 4];
        }
        return new long[] {high, low};
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /**
     * glibc's {@code inet_ntop}: lower-case groups without leading zeros, the first longest run of two or more
     * zero groups as {@code ::}, and a dotted quad for IPv4-mapped ({@code ::ffff:10.0.0.1}) and IPv4-compatible
     * ({@code ::10.0.0.1}) addresses.
     */
    public static String format(long high, long low) {
        var words = new int[8];
        for (var w = 0; w < 4; w++) {
            words[w] = (int) (high >>> (48 - 16 * w) & 0xFFFF);
            words[w + 4] = (int) (low >>> (48 - 16 * w) & 0xFFFF);
        }
        var bestStart = -1;
        var bestLength = 0;
        for (var w = 0; w < 8; ) {
            var end = w;
            while (end < 8 && words[end] == 0) {
                end++;
            }
            if (end - w > bestLength) {
                bestStart = w;
                bestLength = end - w;
            }
            w = end == w ? w + 1 : end;
        }
        if (bestLength < 2) {
            bestStart = -1;
        }
        var out = new StringBuilder(39);
        for (var w = 0; w < 8; w++) {
            if (w == bestStart) {
                out.append(w == 0 ? "::" : ":");
                w += bestLength - 1;
                continue;
            }
            if (w == 6 && bestStart == 0 && (bestLength == 6 || bestLength == 5 && words[5] == 0xFFFF)) {
                out.append(Ipv4.format(low & 0xFFFFFFFFL));
                break;
            }
            out.append(Integer.toHexString(words[w]));
            if (w < 7) {
                out.append(':');
            }
        }
        return out.toString();
    }
}
