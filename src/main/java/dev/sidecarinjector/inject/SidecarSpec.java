package dev.sidecarinjector.inject;

/**
 * The sidecar one pod gets: global settings with that pod's validated overrides applied. {@code proxyUid} and
 * {@code proxyGid} are the configured ones unless the pod's own {@code sidecar-proxy} container sets them
 * (override by name): the init container's rules must exempt the uid the proxy really runs as.
 * {@code rewriteAppProbes}: the app's probes go to the proxy's status port ({@link AppProbeRewrite}).
 * {@code readiness}: the timing of the proxy's own readiness probe. {@code statusPort}: the proxy's status port, or 0
 * for none ({@link StatusPort}). {@code interception}: the pod's, Istio's {@code sidecar.istio.io/interceptionMode}
 * over the setting.
 */
public record SidecarSpec(
        String image,
        ProxyResources resources,
        Placement placement,
        boolean holdApplicationUntilProxyStarts,
        TrafficRules traffic,
        long proxyUid,
        long proxyGid,
        boolean rewriteAppProbes,
        ProxyReadiness readiness,
        int statusPort,
        Interception interception) {

    /** This spec with the proxy running as {@code uid} and {@code gid}. */
    public SidecarSpec withIdentity(long uid, long gid) {
        return new SidecarSpec(image, resources, placement, holdApplicationUntilProxyStarts, traffic, uid, gid, rewriteAppProbes, readiness, statusPort, interception);
    }
}
