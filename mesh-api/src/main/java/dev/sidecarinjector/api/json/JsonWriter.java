package dev.sidecarinjector.api.json;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON into a {@link StringBuilder}: objects field by field, in the order written, so output is stable and
 * golden files stay readable. Fields whose value is {@code null}, or an empty list or map, are left out.
 */
public final class JsonWriter {

    private final StringBuilder out;
    private final boolean pretty;
    private int depth;
    private boolean first = true;

    private JsonWriter(StringBuilder out, boolean pretty) {
        this.out = out;
        this.pretty = pretty;
    }

    /** A writer of one compact value. */
    public static JsonWriter compact() {
        return new JsonWriter(new StringBuilder(256), false);
    }

    /** A writer of one value indented by two spaces, for people and golden files. */
    public static JsonWriter pretty() {
        return new JsonWriter(new StringBuilder(256), true);
    }

    /** What a {@link Writable} writes of itself. */
    public interface Writable {
        void writeTo(JsonWriter json);
    }

    public static String toJson(Writable value, boolean pretty) {
        var json = pretty ? pretty() : compact();
        json.value(value);
        return json.toString();
    }

    public JsonWriter beginObject() {
        out.append('{');
        depth++;
        first = true;
        return this;
    }

    public JsonWriter endObject() {
        depth--;
        if (!first) {
            newline();
        }
        out.append('}');
        first = false;
        return this;
    }

    /** A field of any value this writer knows; {@code null}, empty lists and empty maps are left out. */
    public JsonWriter field(String name, Object value) {
        if (value == null || (value instanceof Collection<?> c && c.isEmpty()) || (value instanceof Map<?, ?> m && m.isEmpty())) {
            return this;
        }
        name(name);
        return value(value);
    }

    /** A number field left out when it is zero, for the many optional limits of a snapshot. */
    public JsonWriter nonZero(String name, long value) {
        return value == 0 ? this : field(name, value);
    }

    public JsonWriter value(Object value) {
        switch (value) {
            case null -> out.append("null");
            case String s -> string(s);
            case Boolean b -> out.append(b.booleanValue());
            case Integer i -> out.append(i.intValue());
            case Long l -> out.append(l.longValue());
            case Double d -> number(d);
            case Enum<?> e -> string(e.name());
            case Writable w -> w.writeTo(this);
            case Map<?, ?> map -> {
                beginObject();
                for (var entry : map.entrySet()) {
                    name(String.valueOf(entry.getKey()));
                    value(entry.getValue());
                }
                endObject();
            }
            case List<?> list -> {
                out.append('[');
                depth++;
                first = true;
                for (var item : list) {
                    separate();
                    value(item);
                }
                depth--;
                if (!first) {
                    newline();
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
        first = false;
        return this;
    }

    private void name(String name) {
        separate();
        string(name);
        out.append(pretty ? ": " : ":");
    }

    private void separate() {
        if (!first) {
            out.append(',');
        }
        newline();
        first = false;
    }

    private void newline() {
        if (pretty) {
            out.append('\n');
            for (var i = 0; i < depth; i++) {
                out.append("  ");
            }
        }
    }

    private void number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("JSON has no " + d);
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append((long) d);
        } else {
            out.append(d);
        }
    }

    private void string(String s) {
        out.append('"');
        // Nearly every string of a snapshot (names, addresses, hosts) needs no escaping: one append, not one per char.
        var plain = 0;
        while (plain < s.length() && !needsEscape(s.charAt(plain))) {
            plain++;
        }
        out.append(s, 0, plain);
        for (var i = plain; i < s.length(); i++) {
            var c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append("\\u").append(Character.forDigit(c >> 12, 16)).append(Character.forDigit(c >> 8 & 15, 16))
                                .append(Character.forDigit(c >> 4 & 15, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == '"' || c == '\\' || c == 0x2028 || c == 0x2029;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
