package dev.sidecarinjector.inject;

/** The sidecar one pod gets: global settings with that pod's validated overrides applied. */
public record SidecarSpec(
        String image,
        ProxyResources resources,
        Placement placement,
        boolean holdApplicationUntilProxyStarts,
        TrafficRules traffic) {
}
