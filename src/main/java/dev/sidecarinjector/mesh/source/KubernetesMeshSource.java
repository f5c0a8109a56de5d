package dev.sidecarinjector.mesh.source;

import dev.sidecarinjector.mesh.compile.Problem;
import dev.sidecarinjector.mesh.index.MeshIndex;
import dev.sidecarinjector.mesh.model.HttpLocalRateLimitPolicy;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.security.v1.AuthorizationPolicy;
import io.fabric8.istio.api.security.v1.PeerAuthentication;
import io.fabric8.istio.api.security.v1.RequestAuthentication;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The mesh from the cluster: informers (a list, then a watch, in all namespaces) on Services, EndpointSlices,
 * Pods, VirtualServices, DestinationRules, PeerAuthentications, AuthorizationPolicies and RequestAuthentications
 * (security.istio.io v1, which the API server also serves for every v1beta1 object) and this project's
 * HTTPLocalRateLimitPolicies. The index is rebuilt from the informers' caches, never from single
 * events, so it is always one consistent view; a burst of events gives one rebuild (at most one every 50 ms).
 * Not ready, and no index published, until every informer has synced.
 */
public final class KubernetesMeshSource implements MeshSource {

    private static final Logger LOG = Logger.getLogger(KubernetesMeshSource.class);
    private static final long COALESCE_MS = 50;

    private final KubernetesClient client;
    private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
    private final IndexPublication publication = new IndexPublication();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ScheduledExecutorService rebuilder = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mesh-index").factory());
    private volatile boolean ready;

    public KubernetesMeshSource(KubernetesClient client) {
        this.client = client;
    }

    /** Starts the informers; the first index is published once all have synced. */
    public KubernetesMeshSource start() {
        informers.add(inform(client.services().inAnyNamespace().runnableInformer(0)));
        informers.add(inform(client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0)));
        informers.add(inform(client.pods().inAnyNamespace().runnableInformer(0)));
        informers.add(inform(client.resources(VirtualService.class).inAnyNamespace().runnableInformer(0)));
        informers.add(inform(client.resources(DestinationRule.class).inAnyNamespace().runnableInformer(0)));
        informers.add(inform(client.resources(PeerAuthentication.class).inAnyNamespace().runnableInformer(0)));
        informers.add(inform(client.resources(AuthorizationPolicy.class).inAnyNamespace().runnableInformer(0)));
        informers.add(inform(client.resources(HttpLocalRateLimitPolicy.class).inAnyNamespace().runnableInformer(0)));
        informers.add(inform(client.resources(RequestAuthentication.class).inAnyNamespace().runnableInformer(0)));
        for (var informer : informers) {
            informer.start().whenComplete((ok, error) -> {
                if (error != null) {
                    LOG.warnf("mesh informer for %s stopped: %s", informer.getApiTypeClass().getSimpleName(), error.getMessage());
                }
                schedule();
            });
        }
        return this;
    }

    private <T extends HasMetadata> SharedIndexInformer<T> inform(SharedIndexInformer<T> informer) {
        // Retry (with fabric8's backoff) even when the first list fails: the control plane waits for the API, it does not give up.
        informer.exceptionHandler((started, error) -> {
            LOG.debugf("mesh informer for %s: %s; retrying", informer.getApiTypeClass().getSimpleName(), error.getMessage());
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T resource) {
                schedule();
            }

            @Override
            public void onUpdate(T before, T after) {
                schedule();
            }

            @Override
            public void onDelete(T resource, boolean finalStateUnknown) {
                schedule();
            }
        });
        return informer;
    }

    private void schedule() {
        if (pending.compareAndSet(false, true)) {
            rebuilder.schedule(this::rebuild, COALESCE_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void rebuild() {
        pending.set(false);
        for (var informer : informers) {
            if (!informer.hasSynced()) {
                return;
            }
        }
        var resources = new ArrayList<HasMetadata>();
        for (var informer : informers) {
            resources.addAll(informer.getStore().list());
        }
        var wasReady = ready;
        // Ready before the listeners hear of the first index: they may ask the source.
        ready = true;
        var index = publication.publish(resources);
        if (!wasReady) {
            LOG.infof("mesh source: all informers synced (%d objects)", index.size());
        }
    }

    @Override
    public MeshIndex current() {
        return publication.current();
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public List<Problem> readProblems() {
        return List.of();
    }

    @Override
    public void addListener(MeshIndexListener listener) {
        publication.addListener(listener);
    }

    @Override
    public String describe() {
        var waiting = unsynced();
        return "kubernetes (informers on Services, EndpointSlices, Pods, VirtualServices, DestinationRules, PeerAuthentications, AuthorizationPolicies, "
                + "HTTPLocalRateLimitPolicies, RequestAuthentications in all namespaces; "
                + (waiting.isEmpty() ? "synced)" : "not synced: " + String.join(", ", waiting) + ")");
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        rebuilder.shutdownNow();
    }

    /** The kinds whose informers have not synced yet. */
    List<String> unsynced() {
        var names = new ArrayList<String>();
        for (var informer : informers) {
            if (!informer.hasSynced()) {
                names.add(informer.getApiTypeClass().getSimpleName());
            }
        }
        return names;
    }
}
