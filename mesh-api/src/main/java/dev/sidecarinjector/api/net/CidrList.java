package dev.sidecarinjector.api.net;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * A comma-separated list of IPv4 and IPv6 CIDR ranges, or {@code *} for every destination where the field allows it:
 * the {@code traffic.sidecar.istio.io/*IPRanges} annotations, the injector's properties and the proxy's {@code init}
 * flags, parsed by this one class on both sides. Istio's rules, as {@link PortList}'s; a bare address is a /32 or a
 * /128 (as both sides always took it), a range is kept as its network ({@link Cidr}) and printed as ip6tables-save
 * prints it ({@link Ipv6}), IPv4 octets are decimal without leading zeros ({@link Ipv4}, as Go's parser that Istio
 * uses), and an IPv6 zone ({@code fe80::1%eth0}) is refused: no rule can match one.
 */
public record CidrList(boolean all, List<Cidr> cidrs) {

    public static final CidrList NONE = new CidrList(false, List.of());
    public static final CidrList ALL = new CidrList(true, List.of());

    public CidrList {
        cidrs = List.copyOf(cidrs);
    }

    /** Parses the field's value; {@code wildcardAllowed} says whether {@code *} means every destination here. */
    public static CidrList parse(String field, String value, boolean wildcardAllowed) {
        var text = value.strip();
        if (text.isEmpty()) {
            return NONE;
        }
        if (text.equals("*")) {
            if (!wildcardAllowed) {
                throw new InvalidListException(field, value, "must list CIDR ranges; \"*\" is not allowed here");
            }
            return ALL;
        }
        // A set keeps the first occurrence and the order in linear time (see PortList).
        var cidrs = new LinkedHashSet<Cidr>();
        for (var item : text.split(",", -1)) {
            var cidr = item.strip();
            cidrs.add(item(field, value, cidr, cidr.equals(text) ? "" : " (in \"" + cidr + "\")"));
        }
        return new CidrList(false, List.copyOf(cidrs));
    }

    private static Cidr item(String field, String value, String cidr, String where) {
        if (cidr.isEmpty()) {
            throw new InvalidListException(field, value, "holds an empty item, which is not an IP address or CIDR");
        }
        var slash = cidr.indexOf('/');
        var host = slash < 0 ? cidr : cidr.substring(0, slash);
        var ipv6 = host.indexOf(':') >= 0;
        var zone = host.indexOf('%');
        if (ipv6 && zone >= 0) {
            throw new InvalidListException(field, value, "has a zone (\"" + host.substring(zone) + "\"), which a rule cannot match" + where);
        }
        var address = ipv6 ? Ipv6.parse(host) : null;
        var v4 = ipv6 ? 0 : Ipv4.parse(host);
        if (ipv6 ? address == null : v4 < 0) {
            throw new InvalidListException(field, value, (ipv6 ? "is not an IPv6 address or CIDR" : whyNot(host)) + where);
        }
        var maxPrefix = ipv6 ? 128 : 32;
        var bits = slash < 0 ? Integer.toString(maxPrefix) : cidr.substring(slash + 1);
        var digits = !bits.isEmpty() && bits.length() <= 3;
        for (var i = 0; digits && i < bits.length(); i++) {
            digits = bits.charAt(i) >= '0' && bits.charAt(i) <= '9';
        }
        if (!digits) {
            throw new InvalidListException(field, value, "is not an " + (ipv6 ? "IPv6" : "IPv4") + " address or CIDR" + where);
        }
        var prefix = Integer.parseInt(bits);
        if (prefix > maxPrefix) {
            throw new InvalidListException(field, value, "has a prefix length over " + maxPrefix + where);
        }
        if (!ipv6) {
            return Cidr.ipv4(v4, prefix);
        }
        // An IPv4-mapped range (::ffff:10.0.0.0/104) is IPv4 on the wire: a socket connecting to ::ffff:10.1.2.3
        // sends IPv4 packets, which only an iptables (not ip6tables) rule sees. It is kept as the IPv4 range it maps.
        if (address[0] == 0 && address[1] >>> 32 == 0xFFFF && prefix >= 96) {
            return Cidr.ipv4(address[1] & 0xFFFFFFFFL, prefix - 96);
        }
        return Cidr.ipv6(address[0], address[1], prefix);
    }

    /** The problem with a host that is not a dotted quad, as precisely as a person needs it to fix it. */
    private static String whyNot(String host) {
        var octets = host.split("\\.", -1);
        if (octets.length != 4) {
            return octets.length > 1 ? "is not an IPv4 address or CIDR" : "is not an IP address or CIDR";
        }
        var leadingZero = false;
        var over255 = false;
        for (var octet : octets) {
            if (octet.isEmpty() || octet.length() > 3) {
                return "is not an IPv4 address or CIDR";
            }
            for (var i = 0; i < octet.length(); i++) {
                if (octet.charAt(i) < '0' || octet.charAt(i) > '9') {
                    return "is not an IPv4 address or CIDR";
                }
            }
            leadingZero |= octet.length() > 1 && octet.charAt(0) == '0';
            over255 |= Integer.parseInt(octet) > 255;
        }
        return over255 ? "has an octet over 255" : leadingZero ? "has an octet with a leading zero (some tools read it as octal)" : "is not an IPv4 address or CIDR";
    }

    /** The canonical text: {@code *}, empty, or networks joined by commas. */
    public String text() {
        if (all) {
            return "*";
        }
        var joined = new StringBuilder();
        for (var cidr : cidrs) {
            if (!joined.isEmpty()) {
                joined.append(',');
            }
            joined.append(cidr);
        }
        return joined.toString();
    }
}
