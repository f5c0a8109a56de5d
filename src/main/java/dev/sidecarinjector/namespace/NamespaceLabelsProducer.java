package dev.sidecarinjector.namespace;

import dev.sidecarinjector.config.NamespaceConfig;
import dev.sidecarinjector.inject.NamespaceLabel;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import io.quarkus.runtime.Startup;
import java.util.List;
import org.jboss.logging.Logger;

/** Chooses where namespace labels come from, once, and says so in the startup log. */
@ApplicationScoped
public class NamespaceLabelsProducer {

    private static final Logger LOG = Logger.getLogger(NamespaceLabelsProducer.class);

    @Produces
    @DefaultBean
    @Singleton
    @Startup
    NamespaceLabels namespaceLabels(NamespaceConfig config, Instance<KubernetesClient> client) {
        var source = effectiveSource(config.source());
        NamespaceLabels labels = switch (source) {
            case KUBERNETES -> new InformerNamespaceLabels(client.get());
            case STATIC, AUTO -> new StaticNamespaceLabels(
                    new NamespaceLabel(config.labelKey(), config.enabledValue(), config.disabledValue()),
                    config.staticPolicy().enabled(),
                    config.staticPolicy().disabled().orElse(List.of()));
        };
        LOG.infof("namespace labels: %s", labels.describe());
        return labels;
    }

    void close(@Disposes NamespaceLabels labels) throws Exception {
        if (labels instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /** {@code auto} means the API when running in a pod (the kubelet sets KUBERNETES_SERVICE_HOST), else the static policy. */
    public static NamespaceConfig.Source effectiveSource(NamespaceConfig.Source configured) {
        if (configured != NamespaceConfig.Source.AUTO) {
            return configured;
        }
        return System.getenv("KUBERNETES_SERVICE_HOST") != null ? NamespaceConfig.Source.KUBERNETES : NamespaceConfig.Source.STATIC;
    }
}
