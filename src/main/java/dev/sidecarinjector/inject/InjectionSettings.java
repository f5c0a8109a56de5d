package dev.sidecarinjector.inject;

import java.util.List;
import java.util.Set;

/**
 * Everything the injection core needs from configuration, as plain values. The webhook builds it from
 * {@code @ConfigMapping}, kube-inject from a properties file: the core never reads configuration itself.
 */
public record InjectionSettings(
        NamespaceLabel namespaceLabel,
        Set<String> ignoredNamespaces,
        List<PodSelector> neverInjectSelectors,
        String proxyImage,
        String imagePullPolicy,
        Placement placement,
        boolean holdApplicationUntilProxyStarts,
        boolean rewriteAppProbes,
        ProxyResources resources,
        long proxyUid,
        long proxyGid,
        ProxyPorts ports,
        Interception interception,
        TrafficRules traffic,
        int drainSeconds,
        MeshSettings mesh,
        TemplateSettings templates,
        PodSecurityMode podSecurity) {

    /** Namespaces that are never injected, whatever the configuration says. */
    public static final Set<String> SYSTEM_NAMESPACES = Set.of("kube-system", "kube-public", "kube-node-lease");

    public InjectionSettings {
        ignoredNamespaces = Set.copyOf(ignoredNamespaces);
        neverInjectSelectors = List.copyOf(neverInjectSelectors);
    }

    /** True when pods of this namespace are never injected. */
    public boolean ignores(String namespace) {
        return SYSTEM_NAMESPACES.contains(namespace) || ignoredNamespaces.contains(namespace);
    }
}
