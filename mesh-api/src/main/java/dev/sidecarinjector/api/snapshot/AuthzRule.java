package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One rule of an AuthorizationPolicy, in Istio's shape: it matches when one of {@code from} matches (or there is
 * none), one of {@code to} matches (or there is none), and every {@code when} condition holds. Each entry of
 * {@code from} (a {@code source}) and {@code to} (an {@code operation}) is the list of its fields' conditions, all of
 * which must hold; an empty entry matches everything, so {@code rules: [{}]} allows everything.
 */
public record AuthzRule(List<List<AuthzCondition>> from, List<List<AuthzCondition>> to, List<AuthzCondition> when)
        implements JsonWriter.Writable {

    public AuthzRule {
        from = copy(from);
        to = copy(to);
        when = List.copyOf(when);
    }

    private static List<List<AuthzCondition>> copy(List<List<AuthzCondition>> entries) {
        var out = new ArrayList<List<AuthzCondition>>(entries.size());
        for (var entry : entries) {
            out.add(List.copyOf(entry));
        }
        return List.copyOf(out);
    }

    public static AuthzRule read(JsonObject json) {
        return new AuthzRule(json.list("from", o -> section(o, "source", AuthzAttribute.Section.SOURCE)),
                json.list("to", o -> section(o, "operation", AuthzAttribute.Section.OPERATION)), json.list("when", AuthzCondition::read));
    }

    /** {@code {"source": {"principals": [...], "notNamespaces": [...]}}} as its conditions, one per attribute. */
    private static List<AuthzCondition> section(JsonObject entry, String name, AuthzAttribute.Section section) {
        var fields = entry.object(name, o -> o);
        if (fields == null) {
            return List.of();
        }
        for (var field : fields.names()) {
            // A field this proxy does not know could narrow an ALLOW rule: applying the rule without it would let more in.
            if (AuthzAttribute.ofField(section, field) == null) {
                throw fields.error(field, "is not a field of " + name + " this proxy knows");
            }
        }
        var conditions = new ArrayList<AuthzCondition>();
        for (var attribute : AuthzAttribute.values()) {
            if (attribute.section() != section) {
                continue;
            }
            var values = fields.strings(attribute.field());
            var notValues = fields.strings(attribute.notField());
            if (values.isEmpty() && notValues.isEmpty()) {
                continue;
            }
            var condition = new AuthzCondition(attribute, List.of(), values, notValues);
            condition.check(fields, attribute.field(), values);
            condition.check(fields, attribute.notField(), notValues);
            conditions.add(condition);
        }
        return conditions;
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("from", written(from, "source")).field("to", written(to, "operation")).field("when", when).endObject();
    }

    private static List<Map<String, Object>> written(List<List<AuthzCondition>> entries, String name) {
        var out = new ArrayList<Map<String, Object>>(entries.size());
        for (var entry : entries) {
            var fields = new java.util.LinkedHashMap<String, Object>();
            for (var condition : entry) {
                if (!condition.values().isEmpty()) {
                    fields.put(condition.attribute().field(), condition.values());
                }
                if (!condition.notValues().isEmpty()) {
                    fields.put(condition.attribute().notField(), condition.notValues());
                }
            }
            out.add(Map.of(name, fields));
        }
        return out;
    }
}
