package dev.sidecarinjector.api.net;

/**
 * An IPv4 network: its address, masked to the prefix (10.1.2.3/8 is 10.0.0.0/8, as Go's {@code net.ParseCIDR}
 * gives istio-iptables and as iptables-save prints the rule), and the prefix length.
 */
public record Cidr(long address, int prefix) {

    public Cidr {
        if (prefix < 0 || prefix > 32 || address < 0 || address > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("not an IPv4 network: " + address + "/" + prefix);
        }
        address = address & mask(prefix);
    }

    private static long mask(int prefix) {
        return prefix == 0 ? 0 : 0xFFFFFFFFL << (32 - prefix) & 0xFFFFFFFFL;
    }

    @Override
    public String toString() {
        return Ipv4.format(address) + "/" + prefix;
    }
}
