package dev.sidecarinjector.proxy.init;

import dev.sidecarinjector.api.net.Cidr;
import dev.sidecarinjector.api.net.CidrList;
import dev.sidecarinjector.api.net.MeshPorts;
import dev.sidecarinjector.api.net.PortList;
import dev.sidecarinjector.proxy.cli.Flags;
import dev.sidecarinjector.proxy.cli.NetValues;
import dev.sidecarinjector.proxy.cli.UsageException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What to intercept in a pod, read once from the {@code init} flags and validated there. */
public record InterceptionSpec(
        Selection<Integer> includeInboundPorts,
        List<Integer> excludeInboundPorts,
        List<Integer> excludeOutboundPorts,
        Selection<Cidr> includeOutboundCidrs,
        List<Cidr> excludeOutboundCidrs,
        int proxyUid,
        int proxyGid,
        int inboundPort,
        int outboundPort,
        List<Integer> ownPorts) {

    public static final Set<String> FLAGS = Set.of(
            "--include-inbound-ports", "--exclude-inbound-ports", "--exclude-outbound-ports",
            "--include-outbound-cidrs", "--exclude-outbound-cidrs", "--proxy-uid", "--proxy-gid",
            "--inbound-port", "--outbound-port", "--status-port", "--metrics-port", "--health-port");

    public InterceptionSpec {
        ownPorts = List.copyOf(ownPorts);
    }

    public static InterceptionSpec from(Flags flags) throws UsageException {
        return new InterceptionSpec(
                selection(NetValues.ports("--include-inbound-ports", flags.get("--include-inbound-ports", "*"), true)),
                NetValues.ports("--exclude-inbound-ports", flags.get("--exclude-inbound-ports", ""), false).ports(),
                NetValues.ports("--exclude-outbound-ports", flags.get("--exclude-outbound-ports", ""), false).ports(),
                selection(NetValues.cidrs("--include-outbound-cidrs", flags.get("--include-outbound-cidrs", "*"), true)),
                NetValues.cidrs("--exclude-outbound-cidrs", flags.get("--exclude-outbound-cidrs", ""), false).cidrs(),
                flags.number("--proxy-uid", MeshPorts.PROXY_UID, 0, Integer.MAX_VALUE, "a uid"),
                flags.number("--proxy-gid", MeshPorts.PROXY_GID, 0, Integer.MAX_VALUE, "a gid"),
                flags.port("--inbound-port", MeshPorts.INBOUND),
                flags.port("--outbound-port", MeshPorts.OUTBOUND),
                ownPorts(flags));
    }

    /**
     * The proxy's status, Prometheus and health ports, as {@code run} is given them (the same flag names, Istio's
     * numbers by default): never captured, or kubelet's probes and Prometheus would reach the inbound listener.
     * A port named twice is returned once.
     */
    private static List<Integer> ownPorts(Flags flags) throws UsageException {
        var ports = new LinkedHashSet<Integer>();
        ports.add(flags.port("--status-port", MeshPorts.STATUS));
        ports.add(flags.port("--metrics-port", MeshPorts.METRICS));
        ports.add(flags.port("--health-port", MeshPorts.HEALTH));
        return List.copyOf(ports);
    }

    private static Selection<Integer> selection(PortList ports) {
        return ports.all() ? Selection.everything() : Selection.only(ports.ports());
    }

    private static Selection<Cidr> selection(CidrList cidrs) {
        return cidrs.all() ? Selection.everything() : Selection.only(cidrs.cidrs());
    }
}
