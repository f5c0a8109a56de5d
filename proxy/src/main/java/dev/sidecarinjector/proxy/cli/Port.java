package dev.sidecarinjector.proxy.cli;

import java.util.LinkedHashSet;
import java.util.List;

/** Parses TCP ports and comma lists of them, naming the flag in every error. */
public final class Port {
    private Port() {
    }

    public static int parse(String flag, String value) throws UsageException {
        String v = value.trim();
        if (!v.isEmpty() && v.length() <= 5 && allDigits(v)) {
            int port = Integer.parseInt(v);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        }
        throw UsageException.badValue(flag, value.trim(), "a port");
    }

    /** A loop, not {@code chars().allMatch(...)}: the proxy's start path stays free of streams and lambdas. */
    static boolean allDigits(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (!Character.isDigit(v.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Blank items are skipped, as Istio does, so "80, 443," is two ports. */
    public static List<Integer> parseList(String flag, String value) throws UsageException {
        // A set keeps the first occurrence and the order in linear time; contains() on a list was quadratic.
        var ports = new LinkedHashSet<Integer>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                ports.add(parse(flag, item));
            }
        }
        return List.copyOf(ports);
    }
}
