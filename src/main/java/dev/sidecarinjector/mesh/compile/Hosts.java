package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.net.Ipv4;
import dev.sidecarinjector.inject.KubernetesNames;

/**
 * Host names as VirtualServices and DestinationRules write them: a short name is relative to the resource's
 * namespace ({@code reviews}), {@code reviews.NS} and {@code reviews.NS.svc} name a Service of another namespace,
 * anything longer is taken as written. A host starting with {@code *} is a wildcard, as in Istio: {@code *} alone,
 * {@code *.example.com}, or {@code *} before the first label ({@code *-canary.example.com}, {@code *reviews}).
 */
final class Hosts {

    private Hosts() {
    }

    /**
     * The FQDN a host of a resource in {@code namespace} stands for; {@code *} and {@code *.suffix} are returned as
     * written, a wildcard first label is completed as a short name is ({@code *reviews} in {@code default}:
     * {@code *reviews.default.svc.cluster.local}, as Istio's short-name rule makes it).
     */
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
     * {@code -}, at most 63 each, 255 in all, the last not all digits unless it is an IPv4 address), whose first label
     * may be {@code *} or start with {@code *} ({@code *foo}, {@code *-foo}).
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
        var name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        var labels = name.split("\\.", -1);
        for (var i = 0; i < labels.length; i++) {
            var label = labels[i];
            if (i == 0 && (label.equals("*") && labels.length > 1 || isWildcardLabel(label))) {
                continue;
            }
            if (!KubernetesNames.isLabel(label, true)) {
                return label.indexOf('*') >= 0
                        ? "is not a host name (a wildcard is * alone or * at the start of the first label: *.example.com, *-canary.example.com)"
                        : "is not a host name (\"" + label + "\" is not a DNS label: letters, digits and -, at most 63)";
            }
        }
        var last = labels[labels.length - 1];
        if (last.chars().allMatch(Character::isDigit) && Ipv4.parse(name) < 0) {
            return "is not a host name (its last label, \"" + last + "\", is all digits)";
        }
        return null;
    }

    /** {@code *foo}, {@code *-foo}: a label after its {@code *} (Istio's wildcard first label), at most 63 in all. */
    private static boolean isWildcardLabel(String label) {
        if (label.length() < 2 || label.length() > 63 || label.charAt(0) != '*') {
            return false;
        }
        var rest = label.startsWith("*-") ? label.substring(2) : label.substring(1);
        return KubernetesNames.isLabel(rest, true);
    }

    static boolean isWildcard(String host) {
        return host.startsWith("*");
    }

    /**
     * Whether the wildcard {@code pattern} covers {@code host}: {@code *} covers all, any other every name that ends
     * in what follows its {@code *} ({@code *.x} every name ending in {@code .x}, {@code *foo.x} {@code foo.x} and
     * {@code barfoo.x}), as Istio matches a wildcard host to a Service.
     */
    static boolean covers(String pattern, String host) {
        return pattern.equals("*") || host.endsWith(pattern.substring(1));
    }

    /** How specific a wildcard is: the longer the suffix, the more specific. */
    static int specificity(String pattern) {
        return pattern.length();
    }
}
