package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import dev.sidecarinjector.api.text.ShownValue;
import com.google.re2j.Pattern;

/**
 * Istio's {@code StringMatch}: exactly one of exact, prefix or regex (RE2, {@link Re2Regex}, matched against the
 * whole value as Envoy's {@code safe_regex}). The regex is compiled once, when the snapshot is read.
 */
public record StringMatch(Kind kind, String value, Pattern pattern) implements JsonWriter.Writable {

    public enum Kind {
        EXACT, PREFIX, REGEX
    }

    public static StringMatch exact(String value) {
        return new StringMatch(Kind.EXACT, value, null);
    }

    public static StringMatch prefix(String value) {
        return new StringMatch(Kind.PREFIX, value, null);
    }

    /** A regex match; one RE2 cannot run is an {@link IllegalArgumentException} saying why ({@link Re2Regex#compile}). */
    public static StringMatch regex(String value) {
        return new StringMatch(Kind.REGEX, value, Re2Regex.compile(value));
    }

    public static StringMatch read(JsonObject json) {
        var exact = json.string("exact", null);
        var prefix = json.string("prefix", null);
        var regex = json.string("regex", null);
        var count = (exact != null ? 1 : 0) + (prefix != null ? 1 : 0) + (regex != null ? 1 : 0);
        if (count != 1) {
            throw json.error("exact", "a string match needs exactly one of exact, prefix or regex");
        }
        if (exact != null) {
            return exact(exact);
        }
        if (prefix != null) {
            return prefix(prefix);
        }
        try {
            return regex(regex);
        } catch (IllegalArgumentException e) {
            throw json.error("regex", ShownValue.of(regex, "\"") + " " + e.getMessage());
        }
    }

    /** Whether {@code text} matches; {@code ignoreCase} as VirtualService {@code ignoreUriCase} (exact and prefix). */
    public boolean matches(CharSequence text, boolean ignoreCase) {
        return switch (kind) {
            case EXACT -> ignoreCase ? value.equalsIgnoreCase(text.toString()) : value.contentEquals(text);
            case PREFIX -> text.length() >= value.length() && text.toString().regionMatches(ignoreCase, 0, value, 0, value.length());
            case REGEX -> pattern.matcher(text).matches();
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StringMatch m && m.kind == kind && m.value.equals(value);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + value.hashCode();
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field(kind.name().toLowerCase(java.util.Locale.ROOT), value).endObject();
    }
}
