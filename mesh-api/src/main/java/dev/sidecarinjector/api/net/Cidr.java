package dev.sidecarinjector.api.net;

/**
 * An IPv4 or IPv6 network: its address, masked to the prefix (10.1.2.3/8 is 10.0.0.0/8, as Go's {@code net.ParseCIDR}
 * gives istio-iptables and as iptables-save prints the rule), and the prefix length. An IPv4 address is the low 32 bits
 * of {@code low}; an IPv6 address is {@code high} and {@code low}, 64 bits each.
 */
public record Cidr(boolean ipv6, long high, long low, int prefix) {

    public Cidr {
        if (ipv6 ? prefix < 0 || prefix > 128 : prefix < 0 || prefix > 32 || high != 0 || low < 0 || low > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("not an " + (ipv6 ? "IPv6" : "IPv4") + " network: " + high + "," + low + "/" + prefix);
        }
        if (ipv6) {
            high &= mask64(prefix);
            low &= mask64(prefix - 64);
        } else {
            low &= mask64(prefix + 32) & 0xFFFFFFFFL;
        }
    }

    public static Cidr ipv4(long address, int prefix) {
        return new Cidr(false, 0, address, prefix);
    }

    public static Cidr ipv6(long high, long low, int prefix) {
        return new Cidr(true, high, low, prefix);
    }

    /** An IPv4 network's mask as the low 32 bits (0 for /0): {@code address & mask == low()} when it holds the address. */
    public long ipv4Mask() {
        return prefix == 0 ? 0 : 0xFFFFFFFFL << (32 - prefix) & 0xFFFFFFFFL;
    }

    /** Whether this is an IPv4 network that holds {@code address} (IPv4, as a number). */
    public boolean holdsIpv4(long address) {
        return !ipv6 && (address & ipv4Mask()) == low;
    }

    /** The top {@code bits} bits of a 64-bit word set (none for 0 or less, all for 64 or more). */
    private static long mask64(int bits) {
        return bits <= 0 ? 0 : bits >= 64 ? -1L : -1L << (64 - bits);
    }

    @Override
    public String toString() {
        return (ipv6 ? Ipv6.format(high, low) : Ipv4.format(low)) + "/" + prefix;
    }
}
