package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.net.Ipv4;
import dev.sidecarinjector.inject.KubernetesNames;

/**
 * Host names as VirtualServices and DestinationRules write them: a short name is relative to the resource's
 * namespace ({@code reviews}), {@code reviews.NS} and {@code reviews.NS.svc} name a Service of another namespace,
 * anything longer is taken as written; {@code *} and {@code *.suffix} are wildcards.
 */
final class Hosts {

    private Hosts() {
    }

    /** The FQDN a host of a resource in {@code namespace} stands for; wildcards are returned as written. */
    static String fqdn(String host, String namespace, String domain) {
        if (host.equals("*") || host.startsWith("*.")) {
            return host;
        }
        var dots = 0;
        for (var i = 0; i < host.length(); i++) {
            if (host.charAt(i) == '.') {
                dots++;
            }
        }
        if (dots == 0) {
            return host + "." + namespace + ".svc." + domain;
        }
        if (dots == 1) {
            return host + ".svc." + domain;
        }
        if (dots == 2 && host.endsWith(".svc")) {
            return host + "." + domain;
        }
        return host;
    }

    /**
     * Why {@code host} is not one Istio's validation accepts, or null: a DNS name of labels (letters, digits and
     * {@code -}, at most 63 each, 255 in all, the last not all digits unless it is an IPv4 address), {@code *} alone, or
     * {@code *.} before such a name.
     */
    static String problem(String host) {
        if (host == null || host.isEmpty()) {
            return "is missing";
        }
        if (host.length() > 255) {
            return "is longer than 255 characters";
        }
        if (host.equals("*")) {
            return null;
        }
        var name = host.startsWith("*.") ? host.substring(2) : host;
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        var labels = name.split("\\.", -1);
        for (var label : labels) {
            if (!KubernetesNames.isLabel(label, true)) {
                return host.indexOf('*') >= 0 && !host.startsWith("*.")
                        ? "is not a host name (a wildcard is * alone or *. before a name)"
                        : "is not a host name (\"" + label + "\" is not a DNS label: letters, digits and -, at most 63)";
            }
        }
        var last = labels[labels.length - 1];
        if (last.chars().allMatch(Character::isDigit) && Ipv4.parse(name) < 0) {
            return "is not a host name (its last label, \"" + last + "\", is all digits)";
        }
        return null;
    }

    static boolean isWildcard(String host) {
        return host.equals("*") || host.startsWith("*.");
    }

    /** Whether the wildcard {@code pattern} covers {@code host}: {@code *} covers all, {@code *.x} every name ending in {@code .x}. */
    static boolean covers(String pattern, String host) {
        return pattern.equals("*") || host.endsWith(pattern.substring(1));
    }

    /** How specific a wildcard is: the longer the suffix, the more specific. */
    static int specificity(String pattern) {
        return pattern.length();
    }
}
