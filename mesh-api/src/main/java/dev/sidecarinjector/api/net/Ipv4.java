package dev.sidecarinjector.api.net;

/** Dotted-quad IPv4 addresses as plain {@code long}s, so neither side needs {@code InetAddress} (no DNS, no objects). */
public final class Ipv4 {

    private Ipv4() {
    }

    /** The address as an unsigned 32-bit value, or -1 when {@code text} is not a dotted quad of 0-255 octets. */
    public static long parse(String text) {
        long address = 0;
        var octets = 0;
        var value = -1;
        for (var i = 0; i <= text.length(); i++) {
            var c = i < text.length() ? text.charAt(i) : '.';
            if (c == '.') {
                if (value < 0 || ++octets > 4) {
                    return -1;
                }
                address = address << 8 | value;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                // Leading zeros are refused: "010" reads as octal in some tools.
                if (value == 0 || (value = (value < 0 ? 0 : value * 10) + (c - '0')) > 255) {
                    return -1;
                }
            } else {
                return -1;
            }
        }
        return octets == 4 ? address : -1;
    }

    /** The dotted-quad text of an unsigned 32-bit address. */
    public static String format(long address) {
        return (address >>> 24 & 255) + "." + (address >>> 16 & 255) + "." + (address >>> 8 & 255) + "." + (address & 255);
    }
}
