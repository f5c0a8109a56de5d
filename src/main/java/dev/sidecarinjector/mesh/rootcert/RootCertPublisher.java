package dev.sidecarinjector.mesh.rootcert;

import dev.sidecarinjector.inject.MeshSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Keeps the ConfigMap {@code istio-ca-root-cert} (key {@code root-cert.pem}, label {@code istio.io/config: "true"})
 * in every namespace but the ignored ones, as istiod's NamespaceController does: an informer on Namespaces and
 * one on ConfigMaps of that name; a namespace is queued when it appears or changes, when its ConfigMap is
 * created, edited or deleted, and every namespace when the root certificate file changes. Working a namespace
 * compares the cached ConfigMap with the certificate first and writes only when they differ (create, or update of
 * {@code root-cert.pem} alone: other keys and labels are left as they are), so two replicas and the echo of their
 * own writes cause no update storm. Terminating namespaces are skipped. A failure is logged once per namespace
 * and retried with backoff; nothing here touches admission or readiness.
 */
public final class RootCertPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RootCertPublisher.class);
    static final String NAME = MeshSettings.ROOT_CERT_CONFIG_MAP;
    static final String KEY = MeshSettings.ROOT_CERT_KEY;
    static final Map<String, String> LABELS = Map.of("istio.io/config", "true");

    private final KubernetesClient client;
    private final SharedIndexInformer<Namespace> namespaces;
    private final boolean ownsNamespaces;
    private final SharedIndexInformer<ConfigMap> configMaps;
    private final RootCertificate root;
    private final Set<String> ignored;
    private final Duration filePeriod;
    private final NamespaceQueue queue;
    /** Every namespace is due: at start, and after the certificate changed. Touched by the queue's worker only. */
    private boolean allDue = true;

    /**
     * @param sharedNamespaces the namespace informer of the label cache, when there is one (it is not closed
     *     here); null to run one of its own
     */
    public RootCertPublisher(KubernetesClient client, SharedIndexInformer<Namespace> sharedNamespaces, RootCertificate root,
            Set<String> ignored, Duration filePeriod, Duration firstRetry, Duration maxRetry) {
        this.client = client;
        this.ownsNamespaces = sharedNamespaces == null;
        this.namespaces = ownsNamespaces ? client.namespaces().runnableInformer(0) : sharedNamespaces;
        this.configMaps = client.configMaps().inAnyNamespace().withField("metadata.name", NAME).runnableInformer(0);
        this.root = root;
        this.ignored = Set.copyOf(ignored);
        this.filePeriod = filePeriod;
        this.queue = new NamespaceQueue(this::publish, firstRetry, maxRetry);
    }

    /** Starts the informers and the file check; returns at once. */
    public RootCertPublisher start() {
        configMaps.exceptionHandler((started, error) -> true);
        configMaps.addEventHandler(new Queueing<>(cm -> cm.getMetadata().getNamespace()));
        namespaces.addEventHandler(new Queueing<>(ns -> ns.getMetadata().getName()));
        if (ownsNamespaces) {
            namespaces.exceptionHandler((started, error) -> true);
            namespaces.start();
        }
        configMaps.start();
        queue.every(filePeriod, this::checkFile);
        return this;
    }

    private void checkFile() {
        allDue |= root.reload();
        if (allDue && synced()) {
            allDue = false;
            namespaces.getStore().listKeys().forEach(this::enqueue);
        }
    }

    private void enqueue(String namespace) {
        if (namespace != null && !ignored.contains(namespace)) {
            queue.add(namespace);
        }
    }

    private boolean synced() {
        return namespaces.hasSynced() && configMaps.hasSynced();
    }

    /** Makes the namespace's ConfigMap hold the certificate; false to retry. */
    private boolean publish(String namespace) {
        var pem = root.pem();
        var ns = namespaces.getStore().getByKey(namespace);
        // Before the caches sync or the file holds a certificate, checkFile queues every namespace once they do.
        if (pem.isEmpty() || !synced() || ns == null || ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase())) {
            return true;
        }
        var existing = configMaps.getStore().getByKey(namespace + "/" + NAME);
        try {
            if (existing == null) {
                create(namespace, pem.get());
            } else if (!pem.get().equals(existing.getData() == null ? null : existing.getData().get(KEY))) {
                update(existing, pem.get());
            }
        } catch (KubernetesClientException e) {
            if (!settled(e, existing == null)) {
                return failed(namespace, e.getMessage());
            }
        }
        if (queue.failures(namespace) > 0) {
            LOG.infof("%s in namespace %s is published after %d failed attempts", NAME, namespace, queue.failures(namespace));
        }
        return true;
    }

    private void create(String namespace, String pem) {
        client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withNewMetadata().withName(NAME).withNamespace(namespace).withLabels(LABELS).endMetadata()
                .addToData(KEY, pem)
                .build()).create();
        LOG.debugf("%s created in namespace %s", NAME, namespace);
    }

    private void update(ConfigMap existing, String pem) {
        var namespace = existing.getMetadata().getNamespace();
        // The cached resourceVersion makes this a compare-and-swap: a ConfigMap changed meanwhile answers 409.
        client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder(existing).addToData(KEY, pem).build()).update();
        LOG.infof("%s in namespace %s updated to the root certificate of %s", NAME, namespace, root.origin());
    }

    /**
     * Errors that need no retry because an informer event follows (409: it exists, or changed since it was
     * cached; 404 on update: deleted) or the namespace is going away (404 on create, NamespaceTerminating).
     */
    private static boolean settled(KubernetesClientException e, boolean creating) {
        if (e.getCode() == 409 || e.getCode() == 404) {
            return true;
        }
        var details = e.getStatus() == null ? null : e.getStatus().getDetails();
        return creating && e.getCode() == 403 && details != null && details.getCauses() != null
                && details.getCauses().stream().anyMatch(cause -> "NamespaceTerminating".equals(cause.getReason()));
    }

    private boolean failed(String namespace, String error) {
        if (queue.failures(namespace) == 0) {
            LOG.warnf("%s in namespace %s could not be written: %s; retrying with backoff (logged again when it succeeds)",
                    NAME, namespace, error);
        } else {
            LOG.debugf("%s in namespace %s: attempt %d failed: %s", NAME, namespace, queue.failures(namespace) + 1, error);
        }
        return false;
    }

    public String describe() {
        return "ConfigMap " + NAME + " in every namespace but " + ignored.stream().sorted().toList() + ", from " + root.origin()
                + " (checked every " + filePeriod.toMillis() + " ms; namespaces from "
                + (ownsNamespaces ? "an informer of its own" : "the label cache's informer") + ")";
    }

    @Override
    public void close() {
        queue.close();
        configMaps.close();
        if (ownsNamespaces) {
            namespaces.close();
        }
    }

    /** Queues the namespace of whatever changed; a deleted namespace needs nothing. */
    private final class Queueing<T extends HasMetadata> implements ResourceEventHandler<T> {
        private final java.util.function.Function<T, String> namespaceOf;

        Queueing(java.util.function.Function<T, String> namespaceOf) {
            this.namespaceOf = namespaceOf;
        }

        @Override
        public void onAdd(T resource) {
            enqueue(namespaceOf.apply(resource));
        }

        @Override
        public void onUpdate(T before, T after) {
            enqueue(namespaceOf.apply(after));
        }

        @Override
        public void onDelete(T resource, boolean finalStateUnknown) {
            if (resource instanceof ConfigMap) {
                enqueue(namespaceOf.apply(resource));
            }
        }
    }
}
