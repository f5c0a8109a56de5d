package dev.sidecarinjector.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The mesh: where injected proxies find the control plane, where the control plane reads its resources, and the
 * names Istio's rules need.
 */
@ConfigMapping(prefix = "injector.mesh")
public interface MeshConfig {

    /**
     * {@code HOST:PORT} of the control plane the injected proxy connects to ({@code run --control-plane}), with
     * the root certificate and ServiceAccount token volumes it needs. Empty (the default outside the chart): no
     * control plane, the proxy is the plain L4 relay. The chart sets its own Service, {@code <fullname>.<ns>.svc:15012}.
     */
    @WithDefault("")
    Optional<String> controlPlaneAddress();

    /**
     * Where Services, EndpointSlices, Pods, VirtualServices and DestinationRules come from: {@code kubernetes}
     * (informers over the API, all namespaces), {@code directory} (the YAML and JSON files of {@link #directory()}),
     * or {@code auto}: kubernetes inside a pod, directory elsewhere (the same rule as injector.namespaces.source).
     */
    @WithDefault("auto")
    Source source();

    /** With the directory source: the directory whose *.yaml, *.yml and *.json files are read, and re-read on change. */
    @WithDefault("/etc/sidecar-injector/mesh")
    String directory();

    /**
     * With the directory source: how often it looks for changed files (size or modification time). The default keeps
     * a change well inside the 2 s it may take; the control-plane benchmark polls faster to measure the push itself.
     */
    @WithDefault("500ms")
    Duration directoryPollInterval();

    /**
     * With the directory source: the largest file it reads. A larger one is refused unread, named with its size in the
     * log (it keeps its last good content; the other files apply). A Kubernetes object is at most about 1.5 MiB; a file
     * may hold many.
     */
    @WithDefault("4M")
    MemorySize directoryMaxFileSize();

    /**
     * With the directory source: the most its files may hold together. Past it the directory is not read (the last good
     * view stays) and the log says so: what the files hold is kept in memory several times over (trees, models, the
     * index, the compiled mesh), about 25 times their size, so more than this could exhaust the heap.
     */
    @WithDefault("8M")
    MemorySize directoryMaxTotalSize();

    /** The cluster's DNS domain: Service hosts are NAME.NAMESPACE.svc.DOMAIN. */
    @WithDefault("cluster.local")
    String domain();

    /** Istio's root namespace: its DestinationRules apply to every namespace that has none of its own for a host. */
    @WithDefault("istio-system")
    String rootNamespace();

    /**
     * With the mesh CA off (injector.ca.enabled=false): the PEM root certificate injected proxies verify the control
     * plane with (the CA of the serving certificate). With the kubernetes source it is published as the ConfigMap
     * {@code istio-ca-root-cert} in every namespace, as istiod does, and re-published when the file changes. With the
     * mesh CA on, the CA's root is published instead.
     */
    @WithDefault("/etc/sidecar-injector/tls/ca.crt")
    String rootCertFile();

    /** RequestAuthentication {@code jwksUri}s, which the control plane fetches for its proxies. */
    Jwks jwks();

    /** How the key sets of {@code jwksUri}s are fetched and kept fresh. */
    interface Jwks {

        /** How often the keys of each {@code jwksUri} in use are fetched again (Istio's default, 20 minutes). */
        @WithDefault("20m")
        Duration refreshInterval();

        /** How soon a {@code jwksUri} whose keys were never fetched is tried again (until then its issuer's tokens are refused). */
        @WithDefault("30s")
        Duration retryInterval();

        /** How long one fetch may take, connection included (Istio's default, 5 s). */
        @WithDefault("5s")
        Duration timeout();

        /** The largest key set accepted, in bytes. */
        @WithDefault("524288")
        int maxBytes();
    }

    /** Where the mesh's resources come from. */
    enum Source {
        AUTO,
        KUBERNETES,
        DIRECTORY
    }
}
