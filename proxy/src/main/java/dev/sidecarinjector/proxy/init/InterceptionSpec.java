package dev.sidecarinjector.proxy.init;

import dev.sidecarinjector.proxy.cli.Flags;
import dev.sidecarinjector.proxy.cli.Port;
import dev.sidecarinjector.proxy.cli.UsageException;
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
        int outboundPort) {

    /** The proxy's health and Prometheus ports: never captured, or probes would hit the inbound listener. */
    public static final List<Integer> PROXY_OWN_PORTS = List.of(15090, 15021);

    public static final Set<String> FLAGS = Set.of(
            "--include-inbound-ports", "--exclude-inbound-ports", "--exclude-outbound-ports",
            "--include-outbound-cidrs", "--exclude-outbound-cidrs", "--proxy-uid", "--proxy-gid",
            "--inbound-port", "--outbound-port");

    public static InterceptionSpec from(Flags flags) throws UsageException {
        String includeInbound = flags.get("--include-inbound-ports", "*").trim();
        String includeCidrs = flags.get("--include-outbound-cidrs", "*").trim();
        return new InterceptionSpec(
                includeInbound.equals("*")
                        ? Selection.everything()
                        : Selection.only(Port.parseList("--include-inbound-ports", includeInbound)),
                Port.parseList("--exclude-inbound-ports", flags.get("--exclude-inbound-ports", "")),
                Port.parseList("--exclude-outbound-ports", flags.get("--exclude-outbound-ports", "")),
                includeCidrs.equals("*")
                        ? Selection.everything()
                        : Selection.only(Cidr.parseList("--include-outbound-cidrs", includeCidrs)),
                Cidr.parseList("--exclude-outbound-cidrs", flags.get("--exclude-outbound-cidrs", "")),
                flags.number("--proxy-uid", 1337, 0, Integer.MAX_VALUE, "a uid"),
                flags.number("--proxy-gid", 1337, 0, Integer.MAX_VALUE, "a gid"),
                flags.port("--inbound-port", 15006),
                flags.port("--outbound-port", 15001));
    }
}
