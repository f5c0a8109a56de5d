package dev.sidecarinjector.proxy.init;

import dev.sidecarinjector.proxy.cli.UsageException;
import java.util.LinkedHashSet;
import java.util.List;

/** An IPv4 network in CIDR form, normalised to its network address so the rules read as iptables-save prints them. */
public record Cidr(int address, int prefix) {

    public static Cidr parse(String flag, String value) throws UsageException {
        String v = value.trim();
        int slash = v.indexOf('/');
        String host = slash < 0 ? v : v.substring(0, slash);
        String bits = slash < 0 ? "32" : v.substring(slash + 1);
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4 || !isNumber(bits, 2) || Integer.parseInt(bits) > 32) {
            throw UsageException.badValue(flag, v, "an IPv4 CIDR");
        }
        int address = 0;
        for (String octet : octets) {
            if (!isNumber(octet, 3) || Integer.parseInt(octet) > 255) {
                throw UsageException.badValue(flag, v, "an IPv4 CIDR");
            }
            address = address << 8 | Integer.parseInt(octet);
        }
        int prefix = Integer.parseInt(bits);
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return new Cidr(address & mask, prefix);
    }

    public static List<Cidr> parseList(String flag, String value) throws UsageException {
        // A set keeps the first occurrence and the order in linear time; contains() on a list was quadratic.
        var cidrs = new LinkedHashSet<Cidr>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                cidrs.add(parse(flag, item));
            }
        }
        return List.copyOf(cidrs);
    }

    private static boolean isNumber(String s, int maxDigits) {
        return !s.isEmpty() && s.length() <= maxDigits && s.chars().allMatch(Character::isDigit);
    }

    @Override
    public String toString() {
        return "%d.%d.%d.%d/%d".formatted(address >>> 24, address >>> 16 & 255, address >>> 8 & 255, address & 255, prefix);
    }
}
