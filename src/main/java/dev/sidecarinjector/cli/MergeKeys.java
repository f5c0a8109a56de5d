package dev.sidecarinjector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;

/**
 * Merges YAML merge keys ({@code <<: *defaults}, marked by {@link AliasResolvingParser#MERGE_KEY}) into their mapping,
 * as go-yaml and SnakeYAML do: the mapping's own keys win, then the first mapping merged. The merged keys take the
 * place of the {@code <<} key, so the order is the one written.
 */
final class MergeKeys {

    private MergeKeys() {
    }

    /** Merges every merge key in {@code node}, innermost first; {@code path} names the node in errors. */
    static JsonNode apply(JsonNode node, String path) {
        if (node.isArray()) {
            for (var i = 0; i < node.size(); i++) {
                apply(node.get(i), path + "[" + i + "]");
            }
        } else if (node instanceof ObjectNode object) {
            for (var field : object.properties()) {
                var key = field.getKey().equals(AliasResolvingParser.MERGE_KEY) ? "<<" : field.getKey();
                apply(field.getValue(), path.isEmpty() ? key : path + "." + key);
            }
            if (object.has(AliasResolvingParser.MERGE_KEY)) {
                merge(object, path);
            }
        }
        return node;
    }

    private static void merge(ObjectNode object, String path) {
        var value = object.get(AliasResolvingParser.MERGE_KEY);
        var sources = new ArrayList<JsonNode>();
        if (value.isArray()) {
            value.forEach(sources::add);
        } else {
            sources.add(value);
        }
        for (var source : sources) {
            if (!source.isObject()) {
                throw new InvalidManifestException((path.isEmpty() ? "" : path + ": ") + "the merge key << needs a mapping "
                        + "or a list of mappings, not " + (value.isArray() ? "a list holding " : "") + describe(source));
            }
        }
        var merged = new LinkedHashMap<String, JsonNode>();
        for (var field : object.properties()) {
            if (!field.getKey().equals(AliasResolvingParser.MERGE_KEY)) {
                merged.put(field.getKey(), field.getValue());
                continue;
            }
            for (var source : sources) {
                for (var inherited : source.properties()) {
                    if (!object.has(inherited.getKey())) {
                        merged.putIfAbsent(inherited.getKey(), inherited.getValue());
                    }
                }
            }
        }
        object.removeAll();
        object.setAll(merged);
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case NULL -> "null";
            case STRING -> "the string \"" + (node.asText().length() > 60 ? node.asText().substring(0, 60) + "..." : node.asText()) + "\"";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + node;
        };
    }
}
