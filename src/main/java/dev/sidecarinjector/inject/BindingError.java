package dev.sidecarinjector.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.sidecarinjector.api.text.ShownValue;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A pod that does not bind to the Kubernetes model, said as the person who wrote it reads it: the field, the value
 * and what it should be ({@code spec.containers: "nope" is not a list}), not Jackson's words about Java types.
 * The webhook and kube-inject both use it.
 */
public final class BindingError {

    private BindingError() {
    }

    /** Where in the object the error is, {@code .spec.containers[0].name}; empty when Jackson does not say. */
    public static String fieldPath(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining());
        }
        return "";
    }

    /**
     * {@code VALUE is not a list} (what follows the field), with the value found in {@code object}, the JSON that did
     * not bind; Jackson's own message when it is not about a value of the wrong type.
     */
    public static String problem(JsonProcessingException e, JsonNode object) {
        if (!(e instanceof MismatchedInputException mismatch) || mismatch.getTargetType() == null || object == null) {
            return e.getOriginalMessage();
        }
        var value = at(object, mismatch);
        var expected = expected(mismatch.getTargetType());
        if (value.isMissingNode() || expected == null) {
            return e.getOriginalMessage();
        }
        var shown = value.isTextual() ? ShownValue.of(value.textValue(), "\"") : ShownValue.of(value.toString(), "");
        return shown + " is not " + expected;
    }

    /** The node of {@code object} that {@code e}'s path leads to (a missing node when there is none; {@code object} for an empty path). */
    public static JsonNode at(JsonNode object, JsonMappingException e) {
        var node = object;
        for (var ref : e.getPath()) {
            node = ref.getFieldName() != null ? node.path(ref.getFieldName()) : node.path(ref.getIndex());
        }
        return node;
    }

    private static String expected(Class<?> type) {
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == IntOrString.class) {
            return "an integer or a string";
        }
        if (type == Quantity.class) {
            return "a quantity (a string such as \"100m\" or \"64Mi\")";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.getName().startsWith("io.fabric8.")) {
            return "a mapping";
        }
        return null;
    }
}
