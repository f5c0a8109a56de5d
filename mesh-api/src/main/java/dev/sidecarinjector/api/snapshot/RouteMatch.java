package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.Map;
import java.util.TreeMap;

/**
 * One VirtualService {@code HTTPMatchRequest}: every condition given must hold. Header names are lower case.
 * {@code sourceLabels} and {@code sourceNamespace} are checked against the proxy's own workload.
 */
public record RouteMatch(StringMatch uri, boolean ignoreUriCase, StringMatch method, StringMatch authority,
                         StringMatch scheme, Map<String, StringMatch> headers, Map<String, StringMatch> withoutHeaders,
                         Map<String, StringMatch> queryParams, int port, Map<String, String> sourceLabels,
                         String sourceNamespace) implements JsonWriter.Writable {

    public RouteMatch {
        headers = Map.copyOf(headers);
        withoutHeaders = Map.copyOf(withoutHeaders);
        queryParams = Map.copyOf(queryParams);
        sourceLabels = Map.copyOf(sourceLabels);
    }

    public static RouteMatch read(JsonObject json) {
        return new RouteMatch(json.object("uri", StringMatch::read), json.bool("ignoreUriCase", false),
                json.object("method", StringMatch::read), json.object("authority", StringMatch::read),
                json.object("scheme", StringMatch::read), lowerCase(json.objectMap("headers", StringMatch::read)),
                lowerCase(json.objectMap("withoutHeaders", StringMatch::read)), json.objectMap("queryParams", StringMatch::read),
                (int) json.number("port", 0, 0, Limits.MAX_PORT), json.stringMap("sourceLabels"), json.string("sourceNamespace", null));
    }

    private static Map<String, StringMatch> lowerCase(Map<String, StringMatch> byName) {
        var lower = new java.util.HashMap<String, StringMatch>();
        byName.forEach((name, match) -> lower.put(name.toLowerCase(java.util.Locale.ROOT), match));
        return lower;
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("uri", uri).field("ignoreUriCase", ignoreUriCase ? Boolean.TRUE : null)
                .field("method", method).field("authority", authority).field("scheme", scheme)
                .field("headers", new TreeMap<>(headers)).field("withoutHeaders", new TreeMap<>(withoutHeaders))
                .field("queryParams", new TreeMap<>(queryParams)).nonZero("port", port)
                .field("sourceLabels", new TreeMap<>(sourceLabels)).field("sourceNamespace", sourceNamespace).endObject();
    }
}
