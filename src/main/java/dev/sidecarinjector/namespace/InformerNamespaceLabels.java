package dev.sidecarinjector.namespace;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Namespace labels from a fabric8 informer: one list and one watch for the whole process, kept current by the
 * watch. Until the first list succeeds nothing is served and readiness is down. If the API becomes unreachable
 * later, the last known labels keep serving while the informer reconnects on its own.
 */
public final class InformerNamespaceLabels implements NamespaceLabels, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(InformerNamespaceLabels.class);

    private final SharedIndexInformer<Namespace> informer;
    private final String server;

    public InformerNamespaceLabels(KubernetesClient client) {
        this.server = client.getMasterUrl().toString();
        this.informer = client.namespaces().runnableInformer(0);
        informer.start().whenComplete((ignored, error) -> {
            if (error != null) {
                LOG.errorf("namespace informer could not start against %s: %s", server, error.getMessage());
            } else {
                LOG.infof("namespace informer synced with %s: %d namespaces", server, informer.getStore().list().size());
            }
        });
    }

    @Override
    public Map<String, String> labelsOf(String namespace) {
        if (!informer.hasSynced()) {
            throw new NamespaceLabelsUnavailable("namespace labels are not loaded yet: the Kubernetes API at " + server + " has not answered");
        }
        var found = informer.getStore().getByKey(namespace);
        if (found == null || found.getMetadata().getLabels() == null) {
            return Map.of();
        }
        return found.getMetadata().getLabels();
    }

    /** The namespace informer, for others that follow namespaces (the root certificate publisher): one watch, not two. */
    public SharedIndexInformer<Namespace> informer() {
        return informer;
    }

    @Override
    public boolean ready() {
        return informer.hasSynced();
    }

    @Override
    public String describe() {
        return "informer cache over the Kubernetes API at " + server + (informer.hasSynced() ? " (synced)" : " (not synced)");
    }

    @Override
    public void close() {
        informer.close();
    }
}
