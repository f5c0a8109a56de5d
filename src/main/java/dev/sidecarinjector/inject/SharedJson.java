package dev.sidecarinjector.inject;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonGeneratorImpl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;

/**
 * A rendered container's JSON as the render cache shares it between pods: immutable all the way down (a change throws
 * {@link UnsupportedOperationException}; {@link JsonNode#deepCopy()} gives a mutable copy), and the object itself, each
 * of its field values and each item of a list field that is an object or an array carry their compact JSON text, which a JSON generator
 * without a pretty printer copies as it is instead of walking the tree again for every pod. A patch takes the
 * container whole, or a shallow copy of it with the fields the injection changed set anew
 * ({@link ContainerEdits#writeInto}: a list the injection appended to is a new list of the shared items and the new
 * ones): the fields and items left alone are still written from their text.
 *
 * <p>Any other generator (YAML, pretty-printed JSON) walks the tree as for any node, so what it writes is unchanged.
 */
final class SharedJson {

    private static final ObjectMapper JSON = ModelJson.MAPPER;
    private static final int TEXT_DEPTH = 2;

    private SharedJson() {
    }

    /** An immutable copy of {@code tree}, with the texts; a scalar is returned as it is (value nodes are immutable). */
    static JsonNode freeze(JsonNode tree) {
        return freeze(tree, 0);
    }

    /** Depth 0 is the container, 1 its field values, 2 their items and fields: those get their text; deeper nodes are only made immutable. */
    private static JsonNode freeze(JsonNode node, int depth) {
        if (node instanceof ObjectNode object) {
            var children = new LinkedHashMap<String, JsonNode>();
            object.properties().forEach(field -> children.put(field.getKey(), freeze(field.getValue(), depth + 1)));
            var frozen = Collections.unmodifiableMap(children);
            return depth <= TEXT_DEPTH ? new TextObject(frozen, text(object)) : new ObjectNode(JsonNodeFactory.instance, frozen);
        }
        if (node instanceof ArrayNode array) {
            var elements = new ArrayList<JsonNode>(array.size());
            array.forEach(element -> elements.add(freeze(element, depth + 1)));
            var frozen = Collections.unmodifiableList(elements);
            return depth <= TEXT_DEPTH ? new TextArray(frozen, text(array)) : new ArrayNode(JsonNodeFactory.instance, frozen);
        }
        return node;
    }

    /** A mutable object whose fields are the frozen ones of {@code shared}, for a patch to set some of them anew. */
    static ObjectNode shallowCopy(ObjectNode shared) {
        return JSON.createObjectNode().setAll(shared);
    }

    /** A mutable list of the shared items of {@code shared}, for a patch to append to. */
    static ArrayNode shallowCopy(ArrayNode shared) {
        return JSON.createArrayNode().addAll(shared);
    }

    private static SerializedString text(JsonNode node) {
        try {
            return new SerializedString(JSON.writeValueAsString(node));
        } catch (IOException e) {
            throw new UncheckedIOException("a JSON tree does not serialise", e);
        }
    }

    /**
     * Writes the text as it is, when {@code generator} is a compact JSON one; false when it is anything else, which
     * walks the (equal) tree instead.
     */
    private static boolean copied(JsonGenerator generator, SerializedString text) throws IOException {
        if (generator instanceof JsonGeneratorImpl && generator.getPrettyPrinter() == null) {
            generator.writeRawValue(text);
            return true;
        }
        return false;
    }

    /** The text's length, for the render cache's weight. */
    static int textLength(JsonNode node) {
        return switch (node) {
            case TextObject object -> object.text.getValue().length();
            case TextArray array -> array.text.getValue().length();
            default -> 0;
        };
    }

    private static final class TextObject extends ObjectNode {
        private static final long serialVersionUID = 1L;
        private final transient SerializedString text;

        TextObject(java.util.Map<String, JsonNode> children, SerializedString text) {
            super(JsonNodeFactory.instance, children);
            this.text = text;
        }

        @Override
        public void serialize(JsonGenerator generator, SerializerProvider provider) throws IOException {
            if (!copied(generator, text)) {
                super.serialize(generator, provider);
            }
        }
    }

    private static final class TextArray extends ArrayNode {
        private static final long serialVersionUID = 1L;
        private final transient SerializedString text;

        TextArray(java.util.List<JsonNode> elements, SerializedString text) {
            super(JsonNodeFactory.instance, elements);
            this.text = text;
        }

        @Override
        public void serialize(JsonGenerator generator, SerializerProvider provider) throws IOException {
            if (!copied(generator, text)) {
                super.serialize(generator, provider);
            }
        }
    }
}
