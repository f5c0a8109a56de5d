package dev.sidecarinjector.mesh.push;

import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.api.stream.ProxyNode;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Stands in until the mesh compiler provides a {@link SnapshotSource}: never ready, so connecting proxies wait
 * (bounded by {@code injector.mesh.stream.sync-timeout}) and keep relaying at L4.
 */
@DefaultBean
@ApplicationScoped
public class UnwiredSnapshotSource implements SnapshotSource {

    @Override
    public boolean ready() {
        return false;
    }

    @Override
    public Snapshot snapshotFor(ProxyNode node) throws UnknownProxy {
        throw new UnknownProxy("no mesh configuration source in this build");
    }

    @Override
    public void onChange(Runnable listener) {
    }
}
