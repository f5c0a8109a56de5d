package dev.sidecarinjector.inject;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A comma-separated list of IPv4 CIDR ranges, or {@code *} for every destination where the field allows it.
 * A bare address is taken as a /32, as Istio does.
 */
public record CidrList(boolean all, List<String> cidrs) {

    public static final CidrList NONE = new CidrList(false, List.of());
    public static final CidrList ALL = new CidrList(true, List.of());
    private static final Pattern IPV4_CIDR = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})(?:/([0-9]{1,2}))?");

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
                throw new InvalidValueException(field, value, "must list CIDR ranges; \"*\" is not allowed here");
            }
            return ALL;
        }
        // A set keeps the first occurrence and the order in linear time (see PortList).
        var cidrs = new LinkedHashSet<String>();
        for (var item : text.split(",", -1)) {
            cidrs.add(normalise(field, value, item.strip()));
        }
        return new CidrList(false, List.copyOf(cidrs));
    }

    private static String normalise(String field, String value, String cidr) {
        var match = IPV4_CIDR.matcher(cidr);
        if (!match.matches()) {
            throw new InvalidValueException(field, value, "is not an IPv4 address or CIDR" + where(cidr, value));
        }
        for (var group = 1; group <= 4; group++) {
            if (Integer.parseInt(match.group(group)) > 255) {
                throw new InvalidValueException(field, value, "has an octet over 255" + where(cidr, value));
            }
        }
        var prefix = match.group(5) == null ? 32 : Integer.parseInt(match.group(5));
        if (prefix > 32) {
            throw new InvalidValueException(field, value, "has a prefix length over 32" + where(cidr, value));
        }
        return match.group(1) + "." + match.group(2) + "." + match.group(3) + "." + match.group(4) + "/" + prefix;
    }

    private static String where(String cidr, String value) {
        return cidr.equals(value.strip()) ? "" : " (in \"" + cidr + "\")";
    }

    /** The canonical text: {@code *}, empty, or ranges joined by commas. */
    public String text() {
        return all ? "*" : String.join(",", cidrs);
    }
}
