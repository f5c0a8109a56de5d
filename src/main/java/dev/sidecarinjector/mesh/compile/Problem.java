package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.admission.PrintableText;
import dev.sidecarinjector.api.json.JsonWriter;

/**
 * Something wrong with one resource, found while reading or compiling the mesh: the resource, the field and its
 * value, and what is wrong. {@code leftOut} says whether the resource was left out of the configuration (an error)
 * or applied with the message's consequence (a warning: a part ignored, a destination with no endpoint).
 */
public record Problem(String kind, String namespace, String name, String field, String value, String message,
                      boolean leftOut) implements Comparable<Problem>, JsonWriter.Writable {

    /** The kind of a document that is no object at all (a string, a list): its name is where it is, file and document. */
    public static final String NOT_AN_OBJECT = "(document)";

    /** An error: the resource is left out of every snapshot. */
    public static Problem invalid(String kind, String namespace, String name, String field, String value, String message) {
        return new Problem(kind, namespace, name, field, value, message, true);
    }

    /** A warning: the resource is applied, the named part is not. */
    public static Problem ignored(String kind, String namespace, String name, String field, String value, String message) {
        return new Problem(kind, namespace, name, field, value, message, false);
    }

    /** This refusal as a warning: the resource is applied as it was, for the reason {@code why} ({@code its last good version stays, ...}). */
    public Problem kept(String why) {
        return new Problem(kind, namespace, name, field, value, message + "; " + why, false);
    }

    /** One line for logs, events and {@code mesh config}: {@code VirtualService default/reviews: spec.http[0].timeout: "10x" is not a duration; left out}. */
    public String describe() {
        if (kind.equals(NOT_AN_OBJECT)) {
            return statement() + (leftOut ? "; it is left out" : "");
        }
        return statement() + (leftOut ? "; the " + kind + " is left out" : "");
    }

    /** What is wrong, without what it leads to: {@code VirtualService default/reviews: spec.http[0].timeout: "10x" is not a duration}. */
    public String statement() {
        if (kind.equals(NOT_AN_OBJECT)) {
            return name + ": " + (value == null ? "" : "\"" + PrintableText.escape(value) + "\" ") + message;
        }
        // Names come from the files or the API server as written: a control character in one must not start a log line of its own.
        var text = new StringBuilder(kind).append(' ').append(PrintableText.escape(namespace)).append('/').append(PrintableText.escape(name))
                .append(": ").append(field);
        if (value != null) {
            text.append(": \"").append(PrintableText.escape(value)).append('"');
        }
        text.append(' ').append(message);
        return text.toString();
    }

    /** As {@code GET /debug/problemz} lists it: its parts, and its one line. */
    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("kind", kind).field("namespace", namespace).field("name", name).field("field", field).field("value", value)
                .field("message", message).field("leftOut", leftOut).field("text", describe()).endObject();
    }

    @Override
    public int compareTo(Problem other) {
        return describe().compareTo(other.describe());
    }

    @Override
    public String toString() {
        return describe();
    }
}
