package dev.sidecarinjector.proxy.init;

import dev.sidecarinjector.api.net.Cidr;

/**
 * The two address families {@code init} writes Istio's layout for: the tools that read and write each one's nat
 * table, and the two addresses the layout names (localhost, and the inbound passthrough source the proxy connects
 * to the app from: Istio's {@code 127.0.0.6} and {@code ::6}).
 */
public enum IpFamily {
    IPV4("IPv4", "iptables", "127.0.0.1/32", "127.0.0.6/32"),
    IPV6("IPv6", "ip6tables", "::1/128", "::6/128");

    private final String label;
    private final String tool;
    private final String localhost;
    private final String passthroughSource;

    IpFamily(String label, String tool, String localhost, String passthroughSource) {
        this.label = label;
        this.tool = tool;
        this.localhost = localhost;
        this.passthroughSource = passthroughSource;
    }

    /** {@code IPv4} or {@code IPv6}, as the log lines name it. */
    public String label() {
        return label;
    }

    public String save() {
        return tool + "-save";
    }

    public String restore() {
        return tool + "-restore";
    }

    String localhost() {
        return localhost;
    }

    String passthroughSource() {
        return passthroughSource;
    }

    boolean holds(Cidr cidr) {
        return cidr.ipv6() == (this == IPV6);
    }
}
