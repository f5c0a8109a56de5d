package dev.sidecarinjector.api.net;

/**
 * The proxy's well-known ports and identity, Istio's numbers, so the injector's defaults, the rendered pod, the
 * proxy's flag defaults and its iptables rules name the same ones.
 */
public final class MeshPorts {

    /** Outbound capture: iptables REDIRECTs the pod's outgoing TCP here. */
    public static final int OUTBOUND = 15001;
    /** Inbound capture: iptables REDIRECTs the pod's incoming TCP here. */
    public static final int INBOUND = 15006;
    /** Health ({@code /healthz/ready}); never captured. */
    public static final int HEALTH = 15021;
    /** Prometheus ({@code /stats/prometheus}); never captured. */
    public static final int METRICS = 15090;
    /** The proxy's admin pages, on loopback only ({@code /config_dump}). */
    public static final int ADMIN = 15000;
    /** The status port, Istio's pilot-agent one: the application's rewritten probes ({@code /app-health/...}), {@code /quitquitquit}. */
    public static final int STATUS = 15020;
    /** The control plane's configuration stream (istiod's XDS port). */
    public static final int CONTROL_PLANE = 15012;
    /** The uid the proxy runs as; iptables returns its own traffic by this owner. */
    public static final int PROXY_UID = 1337;
    /** The gid the proxy runs as. */
    public static final int PROXY_GID = 1337;

    private MeshPorts() {
    }
}
