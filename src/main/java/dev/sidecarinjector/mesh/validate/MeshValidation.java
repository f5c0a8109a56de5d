package dev.sidecarinjector.mesh.validate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sidecarinjector.mesh.compile.MeshCompiler;
import dev.sidecarinjector.mesh.compile.Problem;
import dev.sidecarinjector.mesh.index.MeshDocuments;
import dev.sidecarinjector.mesh.index.MeshIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks one mesh configuration object as istiod's validation webhook does: alone, before the API server stores it.
 * It is read and checked exactly as the control plane reads and checks it (strict binding: a wrong type, an unknown
 * field or enum value; then each kind's own rules), and the errors are what would leave it out of every proxy's
 * configuration. What depends on other objects (a host with no Service, a subset no DestinationRule defines) is not
 * known here; the control plane reports it when it compiles (GET /debug/problemz, mesh status). Pure.
 */
public final class MeshValidation {

    /** The kinds checked: the mesh's configuration, under the groups and versions the control plane reads it ({@link MeshDocuments#apiVersions}). */
    public static final Set<String> KINDS = Set.of("VirtualService", "DestinationRule", "PeerAuthentication", "AuthorizationPolicy",
            "RequestAuthentication", "HTTPLocalRateLimitPolicy");

    private MeshValidation() {
    }

    /** True for an object of a kind checked here. */
    public static boolean checks(String group, String kind) {
        return KINDS.contains(kind) && MeshDocuments.apiVersions(kind).stream().anyMatch(version -> version.startsWith(group + "/"));
    }

    /**
     * The errors of {@code object} (as the API server sent it; not changed), one statement each, in order; none when the
     * control plane would apply it. {@code namespace} is the request's, for an object that does not name its own.
     */
    public static List<String> errors(ObjectNode object, String namespace, String domain, String rootNamespace) {
        var copy = object.deepCopy();
        if (!namespace.isEmpty() && copy.path("metadata").isObject() && copy.path("metadata").path("namespace").asText("").isEmpty()) {
            ((ObjectNode) copy.get("metadata")).put("namespace", namespace);
        }
        var parsed = MeshDocuments.readObject(copy, "request.object");
        var problems = new TreeSet<>(parsed.problems());
        if (!parsed.resources().isEmpty()) {
            problems.addAll(new MeshCompiler(domain, rootNamespace).problems(MeshIndex.of(0, parsed.resources())));
        }
        var errors = new ArrayList<String>();
        for (var problem : problems) {
            if (problem.leftOut()) {
                errors.add(problem.statement());
            }
        }
        return errors;
    }
}
