package dev.sidecarinjector.api.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One parsed JSON object read field by field, knowing its own path ({@code clusters[2].endpoints[0]}) so that
 * every error names the field and the value. Unknown fields are ignored, as protobuf readers ignore them, so an
 * older proxy accepts a newer control plane's snapshot.
 */
public final class JsonObject {

    private final String path;
    private final Map<String, Object> fields;

    private JsonObject(String path, Map<String, Object> fields) {
        this.path = path;
        this.fields = fields;
    }

    /** The root object of a document; anything else is an error naming the root. */
    public static JsonObject root(Object value, String name) {
        return of(name, value);
    }

    /** Parses text that must hold one JSON object. */
    public static JsonObject parse(String text, String name) {
        return root(Json.parse(text), name);
    }

    @SuppressWarnings("unchecked")
    private static JsonObject of(String path, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new JsonException(path + ": " + show(value) + " is not an object");
        }
        return new JsonObject(path, (Map<String, Object>) map);
    }

    public String path() {
        return path;
    }

    /** The names of the fields present, in the document's order. */
    public java.util.Set<String> names() {
        return java.util.Collections.unmodifiableSet(fields.keySet());
    }

    public boolean has(String name) {
        return fields.get(name) != null;
    }

    private String at(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** A required string. */
    public String string(String name) {
        var value = fields.get(name);
        if (value == null) {
            throw new JsonException(at(name) + ": missing");
        }
        return string(at(name), value);
    }

    /** An optional string, {@code fallback} when absent. */
    public String string(String name, String fallback) {
        var value = fields.get(name);
        return value == null ? fallback : string(at(name), value);
    }

    private static String string(String where, Object value) {
        if (!(value instanceof String s)) {
            throw new JsonException(where + ": " + show(value) + " is not a string");
        }
        return s;
    }

    /** An optional boolean, {@code fallback} when absent. */
    public boolean bool(String name, boolean fallback) {
        var value = fields.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean b)) {
            throw new JsonException(at(name) + ": " + show(value) + " is not a boolean");
        }
        return b;
    }

    /** An optional whole number within {@code [min, max]}, {@code fallback} when absent. */
    public long number(String name, long fallback, long min, long max) {
        var value = fields.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Long l) || l < min || l > max) {
            throw new JsonException(at(name) + ": " + show(value) + " is not a whole number in " + min + ".." + max);
        }
        return l;
    }

    /** A required whole number within {@code [min, max]}. */
    public long number(String name, long min, long max) {
        if (!has(name)) {
            throw new JsonException(at(name) + ": missing");
        }
        return number(name, 0, min, max);
    }

    /** An optional decimal number within {@code [min, max]}, {@code fallback} when absent. */
    public double decimal(String name, double fallback, double min, double max) {
        var value = fields.get(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number n) || n.doubleValue() < min || n.doubleValue() > max) {
            throw new JsonException(at(name) + ": " + show(value) + " is not a number in " + min + ".." + max);
        }
        return n.doubleValue();
    }

    /** An optional enum constant by name, {@code fallback} when absent. */
    public <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
        var text = string(name, null);
        if (text == null) {
            return fallback;
        }
        for (var constant : type.getEnumConstants()) {
            if (constant.name().equals(text)) {
                return constant;
            }
        }
        var names = new ArrayList<String>();
        for (var constant : type.getEnumConstants()) {
            names.add(constant.name());
        }
        throw new JsonException(at(name) + ": \"" + text + "\" is not one of " + String.join(", ", names));
    }

    /** An optional nested object read by {@code reader}, {@code null} when absent. */
    public <T> T object(String name, Function<JsonObject, T> reader) {
        var value = fields.get(name);
        return value == null ? null : reader.apply(of(at(name), value));
    }

    /** An optional list of objects read by {@code reader}, empty when absent. */
    public <T> List<T> list(String name, Function<JsonObject, T> reader) {
        var items = rawList(name);
        var out = new ArrayList<T>(items.size());
        for (var i = 0; i < items.size(); i++) {
            out.add(reader.apply(of(at(name) + "[" + i + "]", items.get(i))));
        }
        return List.copyOf(out);
    }

    /** An optional list of strings, empty when absent. */
    public List<String> strings(String name) {
        var items = rawList(name);
        var out = new ArrayList<String>(items.size());
        for (var i = 0; i < items.size(); i++) {
            out.add(string(at(name) + "[" + i + "]", items.get(i)));
        }
        return List.copyOf(out);
    }

    /** An optional list of whole numbers within {@code [min, max]}, empty when absent. */
    public List<Integer> integers(String name, int min, int max) {
        var items = rawList(name);
        var out = new ArrayList<Integer>(items.size());
        for (var i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof Long l) || l < min || l > max) {
                throw new JsonException(at(name) + "[" + i + "]: " + show(items.get(i)) + " is not a whole number in " + min + ".." + max);
            }
            out.add(l.intValue());
        }
        return List.copyOf(out);
    }

    /** An optional map of strings to strings, empty when absent. */
    public Map<String, String> stringMap(String name) {
        return map(name, (where, value) -> string(where, value));
    }

    /** An optional map of strings to objects read by {@code reader}, empty when absent. */
    public <T> Map<String, T> objectMap(String name, Function<JsonObject, T> reader) {
        return map(name, (where, value) -> reader.apply(of(where, value)));
    }

    private interface EntryReader<T> {
        T read(String where, Object value);
    }

    private <T> Map<String, T> map(String name, EntryReader<T> reader) {
        var value = fields.get(name);
        if (value == null) {
            return Map.of();
        }
        var object = of(at(name), value);
        var out = new LinkedHashMap<String, T>();
        for (var entry : object.fields.entrySet()) {
            out.put(entry.getKey(), reader.read(object.at(entry.getKey()), entry.getValue()));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private List<?> rawList(String name) {
        var value = fields.get(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new JsonException(at(name) + ": " + show(value) + " is not a list");
        }
        return list;
    }

    /** An error about this object, e.g. a rule between two fields. */
    public JsonException error(String field, String message) {
        return new JsonException(at(field) + ": " + message);
    }

    private static String show(Object value) {
        if (value instanceof String s) {
            return "\"" + (s.length() > 64 ? s.substring(0, 64) + "…" : s) + "\"";
        }
        if (value instanceof Map<?, ?>) {
            return "an object";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        return String.valueOf(value);
    }
}
