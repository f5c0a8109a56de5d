package dev.sidecarinjector.proxy.init;

import dev.sidecarinjector.api.net.Cidr;

import java.util.ArrayList;
import java.util.List;

/**
 * Istio's nat layout for one pod, as iptables-restore lines. Pure: the same spec always gives the
 * same text, which the golden files pin down.
 */
public record InterceptionRules(List<String> jumps, List<String> rules) {

    public static final List<String> CHAINS = List.of("ISTIO_INBOUND", "ISTIO_IN_REDIRECT", "ISTIO_OUTPUT", "ISTIO_REDIRECT");

    /** The built-in chain hooks; the only lines outside our own chains. */
    public static final List<String> ALL_JUMPS = List.of(
            "-A PREROUTING -p tcp -j ISTIO_INBOUND",
            "-A OUTPUT -p tcp -j ISTIO_OUTPUT");

    private static final String LOCALHOST = "127.0.0.1/32";
    /** The inbound passthrough source: the proxy's upstream connections to the app come from here. */
    private static final String INBOUND_PASSTHROUGH_SOURCE = "127.0.0.6/32";

    public static InterceptionRules of(InterceptionSpec spec) {
        var rules = new ArrayList<String>();
        boolean inbound = !spec.includeInboundPorts().none();
        if (inbound) {
            inbound(spec, rules);
        }
        rules.add("-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports " + spec.inboundPort());
        outbound(spec, inbound, rules);
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

    private static void outbound(InterceptionSpec spec, boolean inbound, List<String> rules) {
        rules.add("-A ISTIO_OUTPUT -s %s -o lo -j RETURN".formatted(INBOUND_PASSTHROUGH_SOURCE));
        ownerRules(rules, spec, "--uid-owner " + spec.proxyUid(), inbound);
        ownerRules(rules, spec, "--gid-owner " + spec.proxyGid(), inbound);
        rules.add("-A ISTIO_OUTPUT -d %s -j RETURN".formatted(LOCALHOST));
        for (int port : spec.excludeOutboundPorts()) {
            rules.add("-A ISTIO_OUTPUT -p tcp --dport %d -j RETURN".formatted(port));
        }
        for (Cidr cidr : spec.excludeOutboundCidrs()) {
            rules.add("-A ISTIO_OUTPUT -d %s -j RETURN".formatted(cidr));
        }
        if (spec.includeOutboundCidrs().all()) {
            rules.add("-A ISTIO_OUTPUT -j ISTIO_REDIRECT");
        } else if (!spec.includeOutboundCidrs().none()) {
            for (Cidr cidr : spec.includeOutboundCidrs().items()) {
                rules.add("-A ISTIO_OUTPUT -d %s -j ISTIO_REDIRECT".formatted(cidr));
            }
            rules.add("-A ISTIO_OUTPUT -j RETURN");
        }
    }

    /**
     * The proxy's own traffic is returned (never looped), except the proxy calling a pod address
     * over loopback (a pod calling its own service: hairpin), which goes back through inbound capture.
     */
    private static void ownerRules(List<String> rules, InterceptionSpec spec, String owner, boolean inbound) {
        if (inbound && spec.includeInboundPorts().all()) {
            rules.add("-A ISTIO_OUTPUT ! -d %s -o lo -p tcp -m owner %s -j ISTIO_IN_REDIRECT".formatted(LOCALHOST, owner));
        } else if (inbound) {
            for (int port : spec.includeInboundPorts().items()) {
                rules.add("-A ISTIO_OUTPUT ! -d %s -o lo -p tcp --dport %d -m owner %s -j ISTIO_IN_REDIRECT"
                        .formatted(LOCALHOST, port, owner));
            }
        }
        rules.add("-A ISTIO_OUTPUT -o lo -m owner ! %s -j RETURN".formatted(owner));
        rules.add("-A ISTIO_OUTPUT -m owner %s -j RETURN".formatted(owner));
    }
}
