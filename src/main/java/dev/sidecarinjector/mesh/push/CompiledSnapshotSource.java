package dev.sidecarinjector.mesh.push;

import dev.sidecarinjector.api.snapshot.Snapshot;
import dev.sidecarinjector.api.stream.ProxyNode;
import dev.sidecarinjector.mesh.compile.MeshCompiler;
import dev.sidecarinjector.mesh.compile.UnknownPodException;
import dev.sidecarinjector.mesh.source.MeshSource;
import jakarta.inject.Singleton;

/**
 * The push layer's view of the control plane: the mesh source's latest index compiled for one proxy. Ready once
 * the source has its first complete view; every new index is a change, and so is every change of the keys fetched
 * for RequestAuthentication {@code jwksUri}s. The compiler's problems are logged (and
 * sent as Events) by the source's own listener, once per resource, so they are not repeated here per proxy.
 */
@Singleton
public class CompiledSnapshotSource implements SnapshotSource {

    /** Stamped by the compiler; the pusher replaces it with the version it sends. */
    private static final String UNVERSIONED = "";

    private final MeshSource source;
    private final MeshCompiler compiler;

    public CompiledSnapshotSource(MeshSource source, MeshCompiler compiler) {
        this.source = source;
        this.compiler = compiler;
    }

    @Override
    public boolean ready() {
        return source.ready();
    }

    @Override
    public Snapshot snapshotFor(ProxyNode node) throws UnknownProxy {
        try {
            return compiler.compile(source.current(), node.namespace(), node.pod(), UNVERSIONED).snapshot();
        } catch (UnknownPodException e) {
            throw new UnknownProxy(e.getMessage());
        }
    }

    @Override
    public void onChange(Runnable listener) {
        source.addListener(index -> listener.run());
        compiler.jwks().onChange(listener);
    }
}
