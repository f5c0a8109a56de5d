package dev.sidecarinjector.inject;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the generated {@link PodBinder} reads values with, each the value Jackson makes of the same JSON through
 * {@link ModelJson#MAPPER} (a {@code String} from a JSON string, an {@code Integer} from an integer that fits one, an
 * {@code ArrayList}, a {@code LinkedHashMap}, fabric8's {@code Quantity} and {@code IntOrString} as their own
 * deserializers make them); any other JSON type, a null among them, throws {@link #UNBOUND}.
 */
public class PodBinderBase {

    /** The JSON is not what this binder takes: bind it with Jackson, which binds or refuses it with its own message. */
    public static final class Unbound extends RuntimeException {
        private Unbound() {
            super("not bound here: Jackson binds it", null, false, false);
        }
    }

    static final Unbound UNBOUND = new Unbound();

    /** How many names of an object {@link #skipValue} compares one by one before it keeps them in a set. */
    private static final int FEW_NAMES = 8;

    PodBinderBase() {
    }

    /**
     * The Pod whose {@code START_OBJECT} is the parser's current token, read up to its {@code END_OBJECT}; throws
     * {@link Unbound} (the parser then left somewhere inside) for what only Jackson binds, and the parser's own
     * exception for JSON that is not well formed.
     */
    public static Pod bind(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw UNBOUND;
        }
        return PodBinder.pod(parser);
    }

    /**
     * Reads one value: a bean's method of {@link PodBinder} once its {@code START_OBJECT} is read, or a helper such as
     * {@link #string} from the token after a property's name.
     */
    @FunctionalInterface
    interface Reader<T> {
        T read(JsonParser p) throws IOException;
    }

    /** A list of beans, each read by {@code item} from its {@code START_OBJECT}. */
    static <T> List<T> list(JsonParser p, Reader<T> item) throws IOException {
        array(p);
        var list = new ArrayList<T>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            list.add(item.read(p));
        }
        return ended(p, list);
    }

    /**
     * A tree of the model (a rendered template's container, volume or mount) bound as {@link ModelJson#MAPPER} binds
     * it: by {@code reader}, a bean's method of {@link PodBinder}, when it takes the tree, else by Jackson, which binds
     * it or throws with its own message. Jackson's deserializers for the type are then built only for a tree that needs them.
     */
    static <T> T fromTree(JsonNode tree, Reader<T> reader, Class<T> type) throws JsonProcessingException {
        var bound = bound(tree, reader);
        return bound != null ? bound : ModelJson.MAPPER.treeToValue(tree, type);
    }

    /**
     * {@link #fromTree}, adding to {@code unknown} the paths (under {@code path}) of the fields the tree names that the
     * model does not have: none when {@code reader} took it, since this binder takes no unknown property (so the
     * reflective walk of {@link ModelStrictness} is left out, as it would find nothing), else those Jackson kept in
     * the model's {@code additionalProperties}.
     */
    static <T> T fromTree(JsonNode tree, Reader<T> reader, Class<T> type, String path, List<String> unknown) throws JsonProcessingException {
        var bound = bound(tree, reader);
        if (bound != null) {
            return bound;
        }
        var value = ModelJson.MAPPER.treeToValue(tree, type);
        unknown.addAll(ModelStrictness.unknownFields(value, path));
        return value;
    }

    /** The tree bound by {@code reader}; null when it is not an object or holds what only Jackson binds. */
    private static <T> T bound(JsonNode tree, Reader<T> reader) {
        if (tree.isObject()) {
            try (var parser = tree.traverse()) {
                parser.nextToken();
                return reader.read(parser);
            } catch (Unbound | IOException e) {
                // Left to Jackson.
            }
        }
        return null;
    }

    static String string(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.VALUE_STRING) {
            throw UNBOUND;
        }
        return p.getText();
    }

    static Integer integer(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw UNBOUND;
        }
        return p.getIntValue();
    }

    static Long longValue(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
            throw UNBOUND;
        }
        var type = p.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
            throw UNBOUND;
        }
        return p.getLongValue();
    }

    static Boolean bool(JsonParser p) throws IOException {
        return switch (p.nextToken()) {
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case null, default -> throw UNBOUND;
        };
    }

    /**
     * fabric8's deserializer makes a Quantity of a JSON string's text: {@code new Quantity(text)}, which parses the text
     * into a second Quantity and copies its amount and format. The parsed one is the same, and one object fewer.
     */
    static Quantity quantity(JsonParser p) throws IOException {
        return Quantity.parse(string(p));
    }

    /** Its creator takes what Jackson makes of the value untyped: an Integer or a String. */
    static IntOrString intOrString(JsonParser p) throws IOException {
        return switch (p.nextToken()) {
            case VALUE_STRING -> new IntOrString(p.getText());
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() != JsonParser.NumberType.INT) {
                    throw UNBOUND;
                }
                yield new IntOrString(p.getIntValue());
            }
            case null, default -> throw UNBOUND;
        };
    }

    static List<String> strings(JsonParser p) throws IOException {
        array(p);
        var list = new ArrayList<String>();
        while (p.nextToken() == JsonToken.VALUE_STRING) {
            list.add(p.getText());
        }
        return ended(p, list);
    }

    static List<Integer> integers(JsonParser p) throws IOException {
        array(p);
        var list = new ArrayList<Integer>();
        while (p.nextToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
            list.add(p.getIntValue());
        }
        return ended(p, list);
    }

    static List<Long> longs(JsonParser p) throws IOException {
        array(p);
        var list = new ArrayList<Long>();
        while (p.nextToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            list.add(p.getLongValue());
        }
        return ended(p, list);
    }

    /** A null value is the empty string, as the API server (Go's zero value) binds it. */
    static Map<String, String> stringMap(JsonParser p) throws IOException {
        return map(p, PodBinderBase::stringOrEmpty);
    }

    private static String stringOrEmpty(JsonParser p) throws IOException {
        return switch (p.nextToken()) {
            case VALUE_STRING -> p.getText();
            case VALUE_NULL -> "";
            case null, default -> throw UNBOUND;
        };
    }

    static Map<String, Quantity> quantityMap(JsonParser p) throws IOException {
        return map(p, PodBinderBase::quantity);
    }

    /** An object of string keys, each value read by {@code value} from the token before it; a key named twice is UNBOUND. */
    private static <V> Map<String, V> map(JsonParser p, Reader<V> value) throws IOException {
        object(p);
        var map = new LinkedHashMap<String, V>();
        for (var name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            // The values read are never null (a null is UNBOUND): a previous value means the key came before.
            if (map.put(name, value.read(p)) != null) {
                throw UNBOUND;
            }
        }
        return map;
    }

    /**
     * {@code seen} (the properties of one object named so far, a bit each) with {@code bit} added; a property named
     * a second time is a duplicate key, UNBOUND. The review's parser leaves duplicate keys to this binder and to
     * {@link #skipValue}: the review is then read again with the parser's own check, which refuses it in its words.
     */
    static long once(long seen, long bit) {
        if ((seen & bit) != 0) {
            throw UNBOUND;
        }
        return seen | bit;
    }

    /** A property Jackson ignores: its value is read past, whatever it is (its objects' keys checked, {@link #skipValue}). */
    static void skip(JsonParser p) throws IOException {
        skipValue(p, p.nextToken());
    }

    /**
     * Reads past the value whose first token is {@code token}, as {@code skipChildren} does, and throws {@link
     * #UNBOUND} when an object in it names a key twice: for a parser whose own duplicate check is off (it costs a set
     * per object of the whole review), so that no duplicate key is ever taken; the caller reads the input again with
     * the parser's check, which refuses it as before.
     */
    public static void skipValue(JsonParser p, JsonToken token) throws IOException {
        if (token == JsonToken.START_OBJECT) {
            // The first few names in an array, compared one by one (most objects skipped have two to four); a set after that.
            String[] few = null;
            var count = 0;
            Set<String> names = null;
            for (var name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                if (names != null) {
                    if (!names.add(name)) {
                        throw UNBOUND;
                    }
                } else {
                    for (var i = 0; i < count; i++) {
                        if (few[i].equals(name)) {
                            throw UNBOUND;
                        }
                    }
                    if (few == null) {
                        few = new String[FEW_NAMES];
                    }
                    if (count < FEW_NAMES) {
                        few[count++] = name;
                    } else {
                        names = new HashSet<>(List.of(few));
                        names.add(name);
                    }
                }
                skipValue(p, p.nextToken());
            }
        } else if (token == JsonToken.START_ARRAY) {
            for (var item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
                if (item == null) {
                    throw UNBOUND;
                }
                skipValue(p, item);
            }
        }
    }

    /** Reads the {@code START_OBJECT} of a bean's value. */
    static JsonParser object(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw UNBOUND;
        }
        return p;
    }

    static void array(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_ARRAY) {
            throw UNBOUND;
        }
    }

    /** The list read, when the token that ended its loop is the array's end (not a value of another type). */
    static <T> List<T> ended(JsonParser p, List<T> list) {
        if (p.currentToken() != JsonToken.END_ARRAY) {
            throw UNBOUND;
        }
        return list;
    }
}
