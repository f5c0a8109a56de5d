package dev.sidecarinjector.mesh.compile;

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
