package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.mesh.index.MeshIndex;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The last version of each mesh object that passed its own checks, kept from one index's compile to the next. An
 * object that was good and is now refused for a value it holds (a port 0 in a STRICT PeerAuthentication's
 * {@code portLevelMtls}, a timeout {@code 10x}) keeps its last good version, as Istio's validating webhook refuses
 * such an edit and the stored object stays: a STRICT or DENY policy edited into a mistake must not vanish and let
 * through what it refused. The refusal is then a warning saying so. An object that was never good, or that has left
 * the index since, is left out. Versions live as long as the process: a restart starts without them.
 * Not thread-safe: {@link MeshCompiler} compiles one index at a time.
 */
final class LastGood {

    static final String STAYS = "its last good version stays, as Istio's validation would have refused the change";

    /** What passed in the last compile, by kind and namespace/name. */
    private Map<String, HasMetadata> previous = Map.of();
    /** What passes in this one. */
    private Map<String, HasMetadata> current = new HashMap<>();

    /** Starts the compile of another index: what passed in the last one is what a refused object may fall back to. */
    void begin() {
        previous = current;
        current = new HashMap<>();
    }

    /**
     * {@code checker}'s result for {@code resource}, or, when it refuses it and its last good version passed, the
     * result for that version, with the refusal turned into a warning that says the last good version stays.
     */
    <R extends HasMetadata, C> C check(R resource, List<Problem> problems, BiFunction<R, List<Problem>, C> checker) {
        var key = resource.getClass().getName() + " " + MeshIndex.key(resource);
        var found = new ArrayList<Problem>();
        var checked = checker.apply(resource, found);
        if (checked != null) {
            current.put(key, resource);
            problems.addAll(found);
            return checked;
        }
        @SuppressWarnings("unchecked")
        var good = (R) previous.get(key);
        var fallback = good == null || good == resource ? null : checker.apply(good, new ArrayList<>());
        if (fallback == null) {
            problems.addAll(found);
            return null;
        }
        current.put(key, good);
        // The refused version's own warnings are about what is not applied: only its refusals are told.
        found.stream().filter(Problem::leftOut).map(problem -> problem.kept(STAYS)).forEach(problems::add);
        return fallback;
    }
}
