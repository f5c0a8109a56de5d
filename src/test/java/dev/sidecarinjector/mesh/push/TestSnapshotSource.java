package dev.sidecarinjector.mesh.push;

import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.ConnectionPool;
import dev.sidecarinjector.api.snapshot.Endpoint;
import dev.sidecarinjector.api.snapshot.Listener;
import dev.sidecarinjector.api.snapshot.LoadBalancer;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.api.stream.ProxyNode;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The tests' stand-in for the mesh compiler: ready, knows every pod except {@code ghost}, and gives each a snapshot
 * with one TCP cluster whose endpoint port the test sets ({@link #endpointPort}); {@link #broken} makes the
 * listener refer to a cluster that does not exist, which the proxy must reject. An alternative: it stands in for
 * the real {@link CompiledSnapshotSource} in every {@code @QuarkusTest}.
 */
@Alternative
@Priority(1)
@Singleton
public class TestSnapshotSource implements SnapshotSource {

    public volatile boolean ready = true;
    public volatile int endpointPort = 8080;
    public volatile boolean broken;
    /** Endpoints of the cluster: many make a snapshot of megabytes, sent in many WebSocket frames. */
    public volatile int endpoints = 1;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public Snapshot snapshotFor(ProxyNode node) throws UnknownProxy {
        if (node.pod().equals("ghost")) {
            throw new UnknownProxy("no pod " + node.namespace() + "/" + node.pod());
        }
        var service = new ServiceRef("db." + node.namespace() + ".svc.cluster.local", "db", node.namespace());
        var cluster = Cluster.outboundName(5432, null, service.host());
        return new Snapshot("", new Workload(node.namespace(), node.pod(), node.pod(), node.serviceAccount(), node.pod(), "latest",
                node.ip(), Map.of()),
                List.of(new Listener("10.96.0.60", 5432, Protocol.TCP, service, null, broken ? "outbound|5432||nowhere" : cluster)),
                List.of(), List.of(new Cluster(cluster, service, 5432, null, Protocol.TCP, LoadBalancer.ROUND_ROBIN, ConnectionPool.DEFAULT,
                        null, endpoints(endpointPort))), List.of());
    }

    private List<Endpoint> endpoints(int port) {
        var out = new java.util.ArrayList<Endpoint>();
        out.add(new Endpoint("10.0.0.7", port, null));
        for (var i = 1; i < endpoints; i++) {
            out.add(new Endpoint("10." + (1 + i / 65536) + "." + (i / 256 % 256) + "." + (i % 256), port,
                    new Workload("default", "db-" + i, "db", "db", "db", "v1", "", Map.of("app", "db", "version", "v1"))));
        }
        return out;
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Changes what every proxy gets and says so, as an informer event would. */
    public void change(int port, boolean broken) {
        this.endpointPort = port;
        this.broken = broken;
        listeners.forEach(Runnable::run);
    }
}
