package dev.sidecarinjector.mesh.index;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sidecarinjector.mesh.compile.Problem;
import dev.sidecarinjector.mesh.model.HttpLocalRateLimitPolicy;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.security.v1.AuthorizationPolicy;
import io.fabric8.istio.api.security.v1.PeerAuthentication;
import io.fabric8.istio.api.security.v1.RequestAuthentication;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the mesh's kinds from Kubernetes YAML or JSON text: several documents, {@code kind: List} too. Istio's
 * {@code v1}, {@code v1beta1} and {@code v1alpha3} are read with the same classes (their schemas are one). Other
 * kinds are skipped. A document whose fields have the wrong type is left out with a {@link Problem} naming the
 * field; text that is not YAML at all is a {@link MeshDocumentException} (nothing of it is used).
 */
public final class MeshDocuments {

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final Set<String> SECURITY_VERSIONS = Set.of("security.istio.io/v1", "security.istio.io/v1beta1");
    private static final Set<String> ISTIO_VERSIONS = Set.of("networking.istio.io/v1", "networking.istio.io/v1beta1",
            "networking.istio.io/v1alpha3");

    /** The resources read and the documents left out. */
    public record Parsed(List<HasMetadata> resources, List<Problem> problems) {
    }

    private MeshDocuments() {
    }

    /** Reads {@code text}; {@code origin} (a file name) goes into the messages. */
    public static Parsed read(String text, String origin) throws MeshDocumentException {
        List<JsonNode> documents;
        try (var parser = YAML.createParser(text)) {
            documents = YAML.readValues(parser, JsonNode.class).readAll();
        } catch (JacksonException e) {
            throw new MeshDocumentException(origin + ": not YAML or JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (java.io.IOException e) {
            throw new MeshDocumentException(origin + ": " + e.getMessage());
        }
        var resources = new ArrayList<HasMetadata>();
        var problems = new ArrayList<Problem>();
        for (var document : documents) {
            collect(document, origin, resources, problems);
        }
        return new Parsed(List.copyOf(resources), List.copyOf(problems));
    }

    private static void collect(JsonNode document, String origin, List<HasMetadata> resources, List<Problem> problems) {
        if (document == null || !document.isObject()) {
            return;
        }
        var kind = document.path("kind").asText("");
        var apiVersion = document.path("apiVersion").asText("");
        if (kind.equals("List") || kind.endsWith("List") && document.path("items").isArray()) {
            for (var item : document.path("items")) {
                collect(item, origin, resources, problems);
            }
            return;
        }
        Class<? extends HasMetadata> type = switch (kind) {
            case "Service" -> apiVersion.equals("v1") ? Service.class : null;
            case "Pod" -> apiVersion.equals("v1") ? Pod.class : null;
            case "EndpointSlice" -> apiVersion.equals("discovery.k8s.io/v1") ? EndpointSlice.class : null;
            case "VirtualService" -> ISTIO_VERSIONS.contains(apiVersion) ? VirtualService.class : null;
            case "DestinationRule" -> ISTIO_VERSIONS.contains(apiVersion) ? DestinationRule.class : null;
            case "PeerAuthentication" -> SECURITY_VERSIONS.contains(apiVersion) ? PeerAuthentication.class : null;
            case "AuthorizationPolicy" -> SECURITY_VERSIONS.contains(apiVersion) ? AuthorizationPolicy.class : null;
            case "HTTPLocalRateLimitPolicy" -> HttpLocalRateLimitPolicy.API_VERSION.equals(apiVersion) ? HttpLocalRateLimitPolicy.class : null;
            case "RequestAuthentication" -> SECURITY_VERSIONS.contains(apiVersion) ? RequestAuthentication.class : null;
            default -> null;
        };
        if (type == null) {
            return;
        }
        var metadata = document.path("metadata");
        var name = metadata.path("name").asText("");
        var namespace = metadata.path("namespace").asText("");
        if (namespace.isEmpty()) {
            namespace = "default";
            if (metadata.isObject()) {
                ((ObjectNode) metadata).put("namespace", namespace);
            }
        }
        if (name.isEmpty()) {
            problems.add(Problem.invalid(kind, namespace, "(no name)", "metadata.name", null, "is missing (in " + origin + ")"));
            return;
        }
        try {
            resources.add(YAML.treeToValue(document, type));
        } catch (JsonMappingException e) {
            problems.add(Problem.invalid(kind, namespace, name, path(e), null,
                    "has the wrong type: " + e.getOriginalMessage() + " (in " + origin + ")"));
        } catch (JacksonException e) {
            problems.add(Problem.invalid(kind, namespace, name, "(document)", null, e.getOriginalMessage() + " (in " + origin + ")"));
        }
    }

    /** Jackson's reference chain as a field path: {@code spec.http[0].route[0].weight}. */
    static String path(JsonMappingException e) {
        var path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(document)" : path.toString();
    }
}
