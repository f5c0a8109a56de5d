package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One test of an AuthorizationPolicy rule: an attribute, the bracketed names of a header or claim ({@code names}:
 * one header name in lower case, or a claim's path), and Istio's values and notValues: the attribute must match one
 * of {@code values} (when there are any) and none of {@code notValues}. A value is exact, a prefix {@code abc*}, a
 * suffix {@code *abc}, or {@code *} (present, not empty), as Istio matches it.
 */
public record AuthzCondition(AuthzAttribute attribute, List<String> names, List<String> values, List<String> notValues)
        implements JsonWriter.Writable {

    public AuthzCondition {
        names = List.copyOf(names);
        values = List.copyOf(values);
        notValues = List.copyOf(notValues);
    }

    /** The {@code when} key: {@code source.ip}, {@code request.headers[x-token]}, {@code request.auth.claims[a][b]}. */
    public String key() {
        var key = new StringBuilder(attribute.whenKey());
        for (var name : names) {
            key.append('[').append(name).append(']');
        }
        return key.toString();
    }

    /**
     * A {@code when} key read as Istio reads it, or an {@link IllegalArgumentException} saying why not: an unknown
     * attribute, a header or claim without its bracketed name, or a bracketed name on an attribute that takes none.
     */
    public static AuthzCondition when(String key, List<String> values, List<String> notValues) {
        var bracket = key.indexOf('[');
        var attribute = AuthzAttribute.ofWhenKey(bracket < 0 ? key : key.substring(0, bracket));
        if (attribute == null) {
            throw new IllegalArgumentException("is not an attribute this mesh knows (source.ip, remote.ip, source.namespace, source.principal,"
                    + " source.serviceAccount, request.auth.principal, request.auth.audiences, request.auth.presenter,"
                    + " request.auth.claims[...], request.headers[...], destination.ip, destination.port)");
        }
        if (!attribute.named()) {
            if (bracket >= 0) {
                throw new IllegalArgumentException("takes no bracketed name");
            }
            return new AuthzCondition(attribute, List.of(), values, notValues);
        }
        var names = bracket < 0 ? null : names(key.substring(bracket));
        if (names == null || names.isEmpty() || names.contains("")) {
            throw new IllegalArgumentException("needs a name in brackets, as " + attribute.whenKey() + "[name]");
        }
        if (attribute == AuthzAttribute.REQUEST_HEADER) {
            if (names.size() > 1) {
                throw new IllegalArgumentException("names one header, as request.headers[name]");
            }
            names = List.of(names.getFirst().toLowerCase(Locale.ROOT));
        }
        return new AuthzCondition(attribute, names, values, notValues);
    }

    /** {@code [a][b]} as [a, b]; {@code [a.b]} as [a.b]; null when the brackets are not well formed (Istio's rules). */
    private static List<String> names(String brackets) {
        var names = new ArrayList<String>();
        var at = 0;
        while (at < brackets.length()) {
            var end = brackets.indexOf(']', at);
            var inner = end < 0 ? -1 : brackets.indexOf('[', at + 1);
            if (brackets.charAt(at) != '[' || end < 0 || inner >= 0 && inner < end) {
                // Not a run of [name]: the whole text must then be one [name], as Istio falls back to.
                return brackets.startsWith("[") && brackets.endsWith("]") ? List.of(brackets.substring(1, brackets.length() - 1)) : null;
            }
            names.add(brackets.substring(at + 1, end));
            at = end + 1;
        }
        return names;
    }

    /** Reads a {@code when} condition, checked as the control plane checks it. */
    public static AuthzCondition read(JsonObject json) {
        var key = json.string("key");
        AuthzCondition condition;
        try {
            condition = when(key, json.strings("values"), json.strings("notValues"));
        } catch (IllegalArgumentException e) {
            throw json.error("key", "\"" + key + "\" " + e.getMessage());
        }
        condition.check(json, "values", condition.values);
        condition.check(json, "notValues", condition.notValues);
        if (condition.values.isEmpty() && condition.notValues.isEmpty()) {
            throw json.error("values", "a condition needs values or notValues");
        }
        return condition;
    }

    /** Checks the values of a source or operation field read from {@code json}. */
    void check(JsonObject json, String field, List<String> list) {
        for (var i = 0; i < list.size(); i++) {
            var why = attribute.whyInvalid(list.get(i));
            if (why != null) {
                throw json.error(field + "[" + i + "]", "\"" + list.get(i) + "\" " + why);
            }
        }
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("key", key()).field("values", values).field("notValues", notValues).endObject();
    }
}
