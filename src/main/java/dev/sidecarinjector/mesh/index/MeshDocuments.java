package dev.sidecarinjector.mesh.index;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sidecarinjector.cli.InvalidManifestException;
import dev.sidecarinjector.cli.ManifestText;
import dev.sidecarinjector.cli.YamlDocuments;
import dev.sidecarinjector.inject.ClosestName;
import dev.sidecarinjector.inject.KubernetesNames;
import dev.sidecarinjector.mesh.compile.Problem;
import dev.sidecarinjector.mesh.model.HttpLocalRateLimitPolicy;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.security.v1.AuthorizationPolicy;
import io.fabric8.istio.api.security.v1.PeerAuthentication;
import io.fabric8.istio.api.security.v1.RequestAuthentication;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the mesh's kinds from Kubernetes YAML or JSON text: several documents, {@code kind: List} too. YAML is read as
 * kubectl reads it (aliases and merge keys resolved, a key twice in one mapping refused: {@link YamlDocuments}, the
 * reader kube-inject uses), a {@code .json} file with a JSON parser. Istio's {@code v1}, {@code v1beta1} and
 * {@code v1alpha3} are read with the same classes (their schemas are one). Other kinds are skipped; one of these
 * kinds under an apiVersion not read here, an object with no apiVersion or kind, or a List whose items are not a
 * list is named. A document that cannot be bound as written ({@link StrictBinding}: a wrong type, an unknown field
 * or enum value) is left out with a {@link Problem} naming the field; text that is not YAML at all is a
 * {@link MeshDocumentException} (nothing of it is used).
 */
public final class MeshDocuments {

    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();
    private static final Set<String> SECURITY_VERSIONS = Set.of("security.istio.io/v1", "security.istio.io/v1beta1");
    private static final Set<String> ISTIO_VERSIONS = Set.of("networking.istio.io/v1", "networking.istio.io/v1beta1",
            "networking.istio.io/v1alpha3");
    /** The kinds read, and the apiVersions each is read under. */
    private static final Map<String, Set<String>> VERSIONS = Map.of("Service", Set.of("v1"), "Pod", Set.of("v1"),
            "EndpointSlice", Set.of("discovery.k8s.io/v1"), "VirtualService", ISTIO_VERSIONS, "DestinationRule", ISTIO_VERSIONS,
            "PeerAuthentication", SECURITY_VERSIONS, "AuthorizationPolicy", SECURITY_VERSIONS, "RequestAuthentication", SECURITY_VERSIONS,
            "HTTPLocalRateLimitPolicy", Set.of(HttpLocalRateLimitPolicy.API_VERSION));

    /** The resources read and the documents left out. */
    public record Parsed(List<HasMetadata> resources, List<Problem> problems) {
    }

    private MeshDocuments() {
    }

    /**
     * {@code bytes} as text, read as kubectl (and kube-inject) read a manifest: UTF-8, or UTF-16 with a byte order mark;
     * anything else is refused naming the file and where its text stops being valid.
     */
    public static String text(byte[] bytes, String origin) throws MeshDocumentException {
        try {
            return ManifestText.decode(bytes, origin);
        } catch (InvalidManifestException e) {
            throw new MeshDocumentException(e.getMessage() + ": not YAML or JSON");
        }
    }

    /** Reads {@code text}; {@code origin} (a file name) goes into the messages, and says JSON when it ends in .json. */
    public static Parsed read(String text, String origin) throws MeshDocumentException {
        var documents = origin.endsWith(".json") ? json(text, origin) : yaml(text, origin);
        var resources = new ArrayList<HasMetadata>();
        var problems = new ArrayList<Problem>();
        for (var i = 0; i < documents.size(); i++) {
            var where = documents.size() == 1 ? origin : origin + " document " + (i + 1);
            collect(documents.get(i), where, resources, problems);
        }
        return new Parsed(List.copyOf(resources), List.copyOf(problems));
    }

    /**
     * One object as the API server holds it, read as a document of a file is; {@code where} names it in the messages.
     * The object is changed as it is read (a missing namespace filled in, a DestinationRule's ring hash field moved).
     */
    public static Parsed readObject(ObjectNode object, String where) {
        var resources = new ArrayList<HasMetadata>();
        var problems = new ArrayList<Problem>();
        collect(object, where, resources, problems);
        return new Parsed(List.copyOf(resources), List.copyOf(problems));
    }

    /** The apiVersions {@code kind} is read under ({@code networking.istio.io/v1}, ...); none for a kind not read here. */
    public static Set<String> apiVersions(String kind) {
        return VERSIONS.getOrDefault(kind, Set.of());
    }

    private static List<JsonNode> yaml(String text, String origin) throws MeshDocumentException {
        var documents = new ArrayList<JsonNode>();
        try (var reader = new YamlDocuments(text)) {
            for (var document = reader.next(); document != null; document = reader.next()) {
                documents.add(document);
            }
        } catch (InvalidManifestException e) {
            throw new MeshDocumentException(origin + ": not YAML or JSON: " + e.getMessage());
        } catch (IOException e) {
            throw new MeshDocumentException(origin + ": " + e.getMessage());
        }
        return documents;
    }

    /** A stream of JSON values, as kubectl takes a .json file: tabs and all. */
    private static List<JsonNode> json(String text, String origin) throws MeshDocumentException {
        var documents = new ArrayList<JsonNode>();
        try (var values = JSON.readerFor(JsonNode.class).readValues(text)) {
            while (values.hasNextValue()) {
                documents.add((JsonNode) values.nextValue());
            }
        } catch (JsonProcessingException e) {
            var where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            var message = e.getOriginalMessage().lines().findFirst().orElse("");
            if (message.startsWith("Duplicate field '")) {
                message = "key \"" + message.substring("Duplicate field '".length(), message.indexOf('\'', "Duplicate field '".length()))
                        + "\" already defined in this object";
            }
            throw new MeshDocumentException(origin + where + ": not JSON: " + message);
        } catch (IOException e) {
            throw new MeshDocumentException(origin + ": " + e.getMessage());
        }
        return documents;
    }

    private static void collect(JsonNode document, String where, List<HasMetadata> resources, List<Problem> problems) {
        if (document == null || document.isNull() || document.isMissingNode() || document.isTextual() && document.textValue().isEmpty()) {
            return; // an empty document, as a trailing "---" makes: kubectl skips it too
        }
        if (!document.isObject()) {
            problems.add(Problem.invalid(Problem.NOT_AN_OBJECT, "-", where, "(document)", abbreviate(document.isValueNode() ? document.asText() : document.toString()),
                    "is not a Kubernetes object (a mapping with apiVersion and kind)"));
            return;
        }
        var kind = document.path("kind").asText("");
        var apiVersion = document.path("apiVersion").asText("");
        var metadata = document.path("metadata");
        var name = metadata.path("name").asText("");
        var namespace = metadata.path("namespace").asText("");
        if (namespace.isEmpty()) {
            namespace = "default";
            if (metadata.isObject()) {
                ((ObjectNode) metadata).put("namespace", namespace);
            }
        }
        var label = name.isEmpty() ? "(no name)" : name;
        if (kind.isEmpty() || apiVersion.isEmpty()) {
            problems.add(Problem.invalid(kind.isEmpty() ? "(no kind)" : kind, namespace, label, kind.isEmpty() ? "kind" : "apiVersion", null,
                    "is missing (in " + where + "; kubectl refuses an object without it)"));
            return;
        }
        if (kind.equals("List") || kind.endsWith("List") && document.has("items")) {
            var items = document.path("items");
            if (!items.isArray() && !items.isMissingNode() && !items.isNull()) {
                problems.add(Problem.invalid(kind, namespace, label, "items", abbreviate(items.toString()),
                        "is not a list (a List holds its objects in items: [...]; in " + where + ")"));
                return;
            }
            for (var i = 0; i < items.size(); i++) {
                collect(items.get(i), where + " item " + (i + 1), resources, problems);
            }
            return;
        }
        var versions = VERSIONS.get(kind);
        if (versions == null) {
            unread(kind, apiVersion, namespace, label, where, problems);
            return;
        }
        if (!versions.contains(apiVersion)) {
            problems.add(Problem.invalid(kind, namespace, label, "apiVersion", apiVersion, "is not one of " + String.join(", ",
                    versions.stream().sorted().toList()) + " (in " + where + ")"));
            return;
        }
        if (name.isEmpty()) {
            problems.add(Problem.invalid(kind, namespace, "(no name)", "metadata.name", null, "is missing (in " + where + ")"));
            return;
        }
        // As the API server checks them: a Service's name is a DNS-1035 label (it is a DNS name), any other a DNS subdomain.
        if (kind.equals("Service") ? !KubernetesNames.isLabel(name, false) || !Character.isLetter(name.charAt(0)) : !KubernetesNames.isSubdomain(name)) {
            problems.add(Problem.invalid(kind, namespace, name, "metadata.name", name, (kind.equals("Service")
                    ? "is not a Service name (lowercase letters, digits and '-' inside, starting with a letter, at most 63 characters)"
                    : "is not a Kubernetes object name (lowercase letters, digits, '-' and '.', at most 253 characters)")
                    + "; the API server refuses it (in " + where + ")"));
            return;
        }
        if (!KubernetesNames.isLabel(namespace, false)) {
            problems.add(Problem.invalid(kind, namespace, name, "metadata.namespace", namespace,
                    "is not a namespace name (lowercase letters, digits and '-' inside, at most 63 characters; in " + where + ")"));
            return;
        }
        if (kind.equals("DestinationRule")) {
            RingHashField.moveUp(document);
        }
        try {
            resources.add(StrictBinding.bind(document, type(kind)));
        } catch (StrictBinding.FailureException e) {
            var failure = e.failure;
            problems.add(Problem.invalid(kind, namespace, name, failure.field(), failure.value(), failure.message() + " (in " + where + ")"));
        }
    }

    /**
     * A kind this control plane does not read: one of Istio's is said to be ignored (its user expects it to apply), and
     * a slip in a kind it reads ({@code Virtualservice}) is refused with that kind's name; other kinds (the apps'
     * Deployments and ConfigMaps beside them) pass without a word.
     */
    private static void unread(String kind, String apiVersion, String namespace, String name, String where, List<Problem> problems) {
        var closest = ClosestName.among(kind, VERSIONS.keySet()).orElseThrow();
        if (ClosestName.isLikelyIntent(kind, closest) && ClosestName.distance(kind.toLowerCase(Locale.ROOT), closest.toLowerCase(Locale.ROOT)) <= 2) {
            problems.add(Problem.invalid(kind, namespace, name, "kind", kind, "is not a kind this control plane reads; did you mean " + closest
                    + "? (in " + where + ")"));
        } else if (apiVersion.contains(".istio.io/")) {
            problems.add(Problem.ignored(kind, namespace, name, "kind", kind, "is Istio's, but this control plane does not read it (it reads "
                    + String.join(", ", VERSIONS.keySet().stream().sorted().toList()) + "): ignored (in " + where + ")"));
        }
    }

    private static Class<? extends HasMetadata> type(String kind) {
        return switch (kind) {
            case "Service" -> Service.class;
            case "Pod" -> Pod.class;
            case "EndpointSlice" -> EndpointSlice.class;
            case "VirtualService" -> VirtualService.class;
            case "DestinationRule" -> DestinationRule.class;
            case "PeerAuthentication" -> PeerAuthentication.class;
            case "AuthorizationPolicy" -> AuthorizationPolicy.class;
            case "RequestAuthentication" -> RequestAuthentication.class;
            default -> HttpLocalRateLimitPolicy.class;
        };
    }

    static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }

    /**
     * Jackson's reference chain as a field path: {@code spec.http[0].route[0].weight}. fabric8's one-of fields add a
     * reference of their own, named after the Java type ({@code LbPolicy}), that is no field of the document: Kubernetes
     * and Istio field names start in lower case, so a capitalised name that is not a map's key is left out.
     */
    static String path(JsonMappingException e) {
        var path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (!(reference.getFrom() instanceof Map<?, ?>) && reference.getFieldName() != null && !reference.getFieldName().isEmpty()
                    && Character.isUpperCase(reference.getFieldName().charAt(0))) {
                continue;
            }
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
