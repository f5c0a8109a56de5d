package dev.sidecarinjector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.List;
import java.util.Optional;

/** Which namespaces are injected: the opt-in label, the never-injected list, the pods never injected and where labels come from. */
@ConfigMapping(prefix = "injector.namespaces")
public interface NamespaceConfig {

    /** Key of the namespace label that opts a namespace in or out. Keep it in step with the webhook's namespaceSelector. */
    @WithDefault("istio-injection")
    String labelKey();

    /** Label value that opts a namespace in. */
    @WithDefault("enabled")
    String enabledValue();

    /** Label value that opts a namespace out; it wins over any pod label. */
    @WithDefault("disabled")
    String disabledValue();

    /** Namespaces never injected, besides kube-system, kube-public and kube-node-lease which always are. */
    Optional<List<String>> ignored();

    /**
     * Istio's neverInjectSelector: a JSON or YAML list of label selectors; a pod whose labels one of them matches is
     * not injected unless its own sidecar.istio.io/inject says "true".
     */
    Optional<String> neverInjectSelector();

    /**
     * Where namespace labels come from: {@code kubernetes} (an informer cache over the API), {@code static}
     * (the lists below, for running without a cluster), or {@code auto}: kubernetes inside a pod, static elsewhere.
     */
    @WithDefault("auto")
    Source source();

    /** The built-in namespace policy used when the source is static. */
    @WithName("static")
    StaticPolicy staticPolicy();

    /** Where namespace labels come from. */
    enum Source {
        AUTO,
        KUBERNETES,
        STATIC
    }

    /** Namespaces treated as labelled when there is no cluster to ask. */
    interface StaticPolicy {
        /** Namespaces treated as labelled with the enabled value. */
        @WithDefault("default")
        List<String> enabled();

        /** Namespaces treated as labelled with the disabled value. */
        Optional<List<String>> disabled();
    }
}
