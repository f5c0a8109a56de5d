package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/**
 * What the generated {@link PodTree} writes values with, each the node {@link ModelJson#MAPPER}'s
 * {@code valueToTree} makes of the same value: a string, an {@code Integer} as an int node, a {@code Long} as a long
 * node, fabric8's {@code Quantity} and {@code IntOrString} as their own serializers write them, a list or map left out
 * when empty, as the model's {@code @JsonInclude} says. A value the generated code does not write exactly as Jackson
 * would (an unknown property kept in a bean's {@code additionalProperties}, a subclass, a map with a null key) throws
 * {@link #UNWRITTEN}, and {@link #tree} gives the whole value to Jackson instead.
 */
class PodTreeBase {

    /** The value holds something only Jackson writes as Jackson does: the caller asks Jackson for the whole value. */
    static final class Unwritten extends RuntimeException {
        private Unwritten() {
            super("not written here: Jackson writes it", null, false, false);
        }
    }

    static final Unwritten UNWRITTEN = new Unwritten();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    PodTreeBase() {
    }

    /**
     * The JSON tree of {@code value} (a bean of the pod's model, a list or a string-keyed map of them, a scalar) as
     * {@code ModelJson.MAPPER.valueToTree(value)} makes it, built here without Jackson's serializers when the value
     * holds nothing only Jackson writes; null for null, as Jackson.
     */
    static JsonNode tree(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return item(value);
        } catch (Unwritten e) {
            return ModelJson.MAPPER.valueToTree(value);
        }
    }

    /** The tree of a bean of the model, which is an object, as {@link #tree} makes it. */
    static ObjectNode object(Object bean) {
        return (ObjectNode) tree(bean);
    }

    /** One value at any depth below the root: null as a null node, a bean by its class's method of {@link PodTree}. */
    private static JsonNode item(Object value) {
        return switch (value) {
            case null -> NullNode.getInstance();
            case String text -> TextNode.valueOf(text);
            case Integer number -> IntNode.valueOf(number);
            case Long number -> LongNode.valueOf(number);
            case Boolean bool -> BooleanNode.valueOf(bool);
            case Quantity quantity -> quantity(quantity);
            case IntOrString intOrString -> intOrString(intOrString);
            case List<?> list -> {
                var array = NODES.arrayNode(list.size());
                list.forEach(element -> array.add(item(element)));
                yield array;
            }
            case Map<?, ?> map -> {
                var object = NODES.objectNode();
                map.forEach((key, element) -> object.set(key(key), item(element)));
                yield object;
            }
            default -> PodTree.bean(value);
        };
    }

    private static String key(Object key) {
        if (key instanceof String text) {
            return text;
        }
        throw UNWRITTEN;
    }

    /** Jackson's any-getter writes {@code additionalProperties} with the mapper's own serializers: left to it. */
    static void noneUnknown(Map<String, Object> additionalProperties) {
        if (additionalProperties != null && !additionalProperties.isEmpty()) {
            throw UNWRITTEN;
        }
    }

    /** Jackson serialises a value by its runtime class: a subclass of the model's class is left to it. */
    static void exactly(Object value, Class<?> type) {
        if (value.getClass() != type) {
            throw UNWRITTEN;
        }
    }

    static void string(ObjectNode o, String name, String value) {
        if (value != null) {
            o.set(name, TextNode.valueOf(value));
        }
    }

    static void integer(ObjectNode o, String name, Integer value) {
        if (value != null) {
            o.set(name, IntNode.valueOf(value));
        }
    }

    static void longValue(ObjectNode o, String name, Long value) {
        if (value != null) {
            o.set(name, LongNode.valueOf(value));
        }
    }

    static void bool(ObjectNode o, String name, Boolean value) {
        if (value != null) {
            o.set(name, BooleanNode.valueOf(value));
        }
    }

    static void quantity(ObjectNode o, String name, Quantity value) {
        if (value != null) {
            o.set(name, quantity(value));
        }
    }

    static void intOrString(ObjectNode o, String name, IntOrString value) {
        if (value != null) {
            o.set(name, intOrString(value));
        }
    }

    /** fabric8's {@code Quantity.Serializer}: the amount and the format, each when set, as one string. */
    private static JsonNode quantity(Quantity value) {
        var amount = value.getAmount();
        var format = value.getFormat();
        return TextNode.valueOf((amount == null ? "" : amount) + (format == null ? "" : format));
    }

    /** fabric8's {@code AnyType.Serializer} writes the value as it is: an int, a string or null here. */
    private static JsonNode intOrString(IntOrString value) {
        return switch (value.getValue()) {
            case null -> NullNode.getInstance();
            case Integer number -> IntNode.valueOf(number);
            case String text -> TextNode.valueOf(text);
            default -> throw UNWRITTEN;
        };
    }

    /** A list of strings, numbers or booleans, left out when null or empty. */
    static void scalars(ObjectNode o, String name, List<?> values) {
        if (values != null && !values.isEmpty()) {
            var array = o.putArray(name);
            for (var value : values) {
                array.add(switch (value) {
                    case null -> NullNode.getInstance();
                    case String text -> TextNode.valueOf(text);
                    case Integer number -> IntNode.valueOf(number);
                    case Long number -> LongNode.valueOf(number);
                    default -> throw UNWRITTEN;
                });
            }
        }
    }

    /** A map of strings or of quantities, left out when null or empty. */
    static void map(ObjectNode o, String name, Map<String, ?> values) {
        if (values != null && !values.isEmpty()) {
            var object = o.putObject(name);
            values.forEach((key, value) -> object.set(key(key), switch (value) {
                case null -> NullNode.getInstance();
                case String text -> TextNode.valueOf(text);
                case Quantity quantity -> quantity(quantity);
                default -> throw UNWRITTEN;
            }));
        }
    }

    /** A bean's tree, left out when null. */
    static void put(ObjectNode o, String name, JsonNode tree) {
        if (tree != null) {
            o.set(name, tree);
        }
    }

    /** Whether a list of beans is written: not when null or empty. */
    static boolean nonEmpty(List<?> values) {
        return values != null && !values.isEmpty();
    }

    /** A list's item: a null one is written as null. */
    static JsonNode orNull(JsonNode tree) {
        return tree == null ? NullNode.getInstance() : tree;
    }
}
