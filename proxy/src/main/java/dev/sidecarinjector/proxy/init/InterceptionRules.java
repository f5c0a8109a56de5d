package dev.sidecarinjector.proxy.init;

import dev.sidecarinjector.api.net.Cidr;

import java.util.ArrayList;
import java.util.List;

/**
 * Istio's nat layout for one pod and one address family, as iptables-restore (or ip6tables-restore) lines: the
 * same chains and hooks in both, each family with its own localhost and passthrough source, and the CIDR
 * lists' ranges of that family only. Pure: the same spec always gives the same text, which the golden files pin down.
 */
public record InterceptionRules(List<String> jumps, List<String> rules) {

    public static final List<String> CHAINS = List.of("ISTIO_INBOUND", "ISTIO_IN_REDIRECT", "ISTIO_OUTPUT", "ISTIO_REDIRECT");

    /** The built-in chain hooks; the only lines outside our own chains. */
    public static final List<String> ALL_JUMPS = List.of(
            "-A PREROUTING -p tcp -j ISTIO_INBOUND",
            "-A OUTPUT -p tcp -j ISTIO_OUTPUT");

    public static InterceptionRules of(InterceptionSpec spec, IpFamily family) {
        var rules = new ArrayList<String>();
        boolean inbound = !spec.includeInboundPorts().none();
        if (inbound) {
            inbound(spec, rules);
        }
        rules.add("-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports " + spec.inboundPort());
        outbound(spec, family, inbound, rules);
        rules.add("-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports " + spec.outboundPort());
        // Without inbound capture PREROUTING is left alone entirely, as Istio does for an empty include list.
        return new InterceptionRules(inbound ? ALL_JUMPS : ALL_JUMPS.subList(1, 2), List.copyOf(rules));
    }

    private static void inbound(InterceptionSpec spec, List<String> rules) {
        for (int port : spec.ownPorts()) {
            rules.add("-A ISTIO_INBOUND -p tcp --dport %d -j RETURN".formatted(port));
        }
        for (int port : spec.excludeInboundPorts()) {
            rules.add("-A ISTIO_INBOUND -p tcp --dport %d -j RETURN".formatted(port));
        }
        if (spec.includeInboundPorts().all()) {
            rules.add("-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT");
        } else {
            for (int port : spec.includeInboundPorts().items()) {
                rules.add("-A ISTIO_INBOUND -p tcp --dport %d -j ISTIO_IN_REDIRECT".formatted(port));
            }
        }
    }

    /**
     * An include list with no range of this family captures none of its destinations (as Istio splits the list into
     * its IPv4 and IPv6 ranges): {@code 10.96.0.0/12} alone leaves IPv6 traffic uncaptured.
     */
    private static void outbound(InterceptionSpec spec, IpFamily family, boolean inbound, List<String> rules) {
        rules.add("-A ISTIO_OUTPUT -s %s -o lo -j RETURN".formatted(family.passthroughSource()));
        ownerRules(rules, spec, family, "--uid-owner " + spec.proxyUid(), inbound);
        ownerRules(rules, spec, family, "--gid-owner " + spec.proxyGid(), inbound);
        rules.add("-A ISTIO_OUTPUT -d %s -j RETURN".formatted(family.localhost()));
        for (int port : spec.excludeOutboundPorts()) {
            rules.add("-A ISTIO_OUTPUT -p tcp --dport %d -j RETURN".formatted(port));
        }
        for (Cidr cidr : spec.excludeOutboundCidrs()) {
            if (family.holds(cidr)) {
                rules.add("-A ISTIO_OUTPUT -d %s -j RETURN".formatted(cidr));
            }
        }
        var include = spec.includeOutboundCidrs();
        if (include.all()) {
            rules.add("-A ISTIO_OUTPUT -j ISTIO_REDIRECT");
        } else if (include.items().stream().anyMatch(family::holds)) {
            for (Cidr cidr : include.items()) {
                if (family.holds(cidr)) {
                    rules.add("-A ISTIO_OUTPUT -d %s -j ISTIO_REDIRECT".formatted(cidr));
                }
            }
            rules.add("-A ISTIO_OUTPUT -j RETURN");
        }
    }

    /**
     * The proxy's own traffic is returned (never looped), except the proxy calling a pod address
     * over loopback (a pod calling its own service: hairpin), which goes back through inbound capture.
     */
    private static void ownerRules(List<String> rules, InterceptionSpec spec, IpFamily family, String owner, boolean inbound) {
        if (inbound && spec.includeInboundPorts().all()) {
            rules.add("-A ISTIO_OUTPUT ! -d %s -o lo -p tcp -m owner %s -j ISTIO_IN_REDIRECT".formatted(family.localhost(), owner));
        } else if (inbound) {
            for (int port : spec.includeInboundPorts().items()) {
                rules.add("-A ISTIO_OUTPUT ! -d %s -o lo -p tcp --dport %d -m owner %s -j ISTIO_IN_REDIRECT"
                        .formatted(family.localhost(), port, owner));
            }
        }
        rules.add("-A ISTIO_OUTPUT -o lo -m owner ! %s -j RETURN".formatted(owner));
        rules.add("-A ISTIO_OUTPUT -m owner %s -j RETURN".formatted(owner));
    }
}
