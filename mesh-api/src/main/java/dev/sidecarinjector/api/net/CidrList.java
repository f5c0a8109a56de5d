package dev.sidecarinjector.api.net;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * A comma-separated list of IPv4 CIDR ranges, or {@code *} for every destination where the field allows it: the
 * {@code traffic.sidecar.istio.io/*IPRanges} annotations, the injector's properties and the proxy's {@code init}
 * flags, parsed by this one class on both sides. Istio's rules, as {@link PortList}'s; a bare address is a /32
 * (as both sides always took it), a range is kept as its network ({@link Cidr}), and octets are decimal without
 * leading zeros ({@link Ipv4}, as Go's parser that Istio uses).
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
            throw new InvalidListException(field, value, "holds an empty item, which is not an IPv4 address or CIDR");
        }
        var slash = cidr.indexOf('/');
        var host = slash < 0 ? cidr : cidr.substring(0, slash);
        var address = Ipv4.parse(host);
        if (address < 0) {
            throw new InvalidListException(field, value, whyNot(host) + where);
        }
        var bits = slash < 0 ? "32" : cidr.substring(slash + 1);
        var digits = !bits.isEmpty() && bits.length() <= 2;
        for (var i = 0; digits && i < bits.length(); i++) {
            digits = bits.charAt(i) >= '0' && bits.charAt(i) <= '9';
        }
        if (!digits) {
            throw new InvalidListException(field, value, "is not an IPv4 address or CIDR" + where);
        }
        var prefix = Integer.parseInt(bits);
        if (prefix > 32) {
            throw new InvalidListException(field, value, "has a prefix length over 32" + where);
        }
        return new Cidr(address, prefix);
    }

    /** The problem with a host that is not a dotted quad, as precisely as a person needs it to fix it. */
    private static String whyNot(String host) {
        var octets = host.split("\\.", -1);
        if (octets.length != 4) {
            return "is not an IPv4 address or CIDR";
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
