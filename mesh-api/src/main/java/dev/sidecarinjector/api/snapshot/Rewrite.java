package dev.sidecarinjector.api.snapshot;

import dev.sidecarinjector.api.json.JsonObject;
import dev.sidecarinjector.api.json.JsonWriter;
import dev.sidecarinjector.api.text.ShownValue;

/**
 * VirtualService {@code rewrite}: {@code uri} replaces the part of the path the match's {@code uri} prefix (or
 * exact) matched, as Envoy's prefix_rewrite; or {@code uriRegexRewrite} ({@code regexMatch}, {@code regexRewrite})
 * replaces every part of the path its RE2 regex matches, {@code \1}..{@code \9} standing for its groups, as Envoy's
 * regex_rewrite; {@code authority} replaces the Host.
 */
public record Rewrite(String uri, String authority, String regexMatch, String regexRewrite) implements JsonWriter.Writable {

    /** A prefix rewrite, or an authority rewrite alone. */
    public Rewrite(String uri, String authority) {
        this(uri, authority, null, null);
    }

    public static Rewrite read(JsonObject json) {
        var rewrite = new Rewrite(json.string("uri", null), json.string("authority", null), json.string("regexMatch", null),
                json.string("regexRewrite", null));
        if ((rewrite.regexMatch == null) != (rewrite.regexRewrite == null)) {
            throw json.error("regexMatch", "a regex rewrite needs both regexMatch and regexRewrite");
        }
        if (rewrite.regexMatch != null) {
            if (rewrite.uri != null) {
                throw json.error("uri", "a rewrite has uri or a regex rewrite, not both");
            }
            int groups;
            try {
                groups = Re2Regex.compile(rewrite.regexMatch).groupCount();
            } catch (IllegalArgumentException e) {
                throw json.error("regexMatch", ShownValue.of(rewrite.regexMatch, "\"") + " " + e.getMessage());
            }
            var problem = substitutionProblem(rewrite.regexRewrite, groups);
            if (problem != null) {
                throw json.error("regexRewrite", ShownValue.of(rewrite.regexRewrite, "\"") + " " + problem);
            }
        }
        return rewrite;
    }

    /**
     * Why {@code substitution} cannot serve a regex of {@code groups} groups, or null, as Envoy checks it: a group it
     * names that the regex lacks, a backslash before anything but a digit or a backslash, a lone backslash at the end.
     */
    public static String substitutionProblem(String substitution, int groups) {
        for (var i = 0; i < substitution.length(); i++) {
            if (substitution.charAt(i) != '\\') {
                continue;
            }
            if (i + 1 == substitution.length()) {
                return "ends in a lone \\ (write \\\\ for a backslash)";
            }
            var next = substitution.charAt(++i);
            if (next >= '0' && next <= '9' && next - '0' > groups) {
                return "refers to group \\" + next + ", but the regex has " + groups + " group" + (groups == 1 ? "" : "s");
            }
            if (next != '\\' && (next < '0' || next > '9')) {
                return "has \\" + next + ", which is neither a group (\\0 to \\9) nor \\\\";
            }
        }
        return null;
    }

    @Override
    public void writeTo(JsonWriter json) {
        json.beginObject().field("uri", uri).field("regexMatch", regexMatch).field("regexRewrite", regexRewrite)
                .field("authority", authority).endObject();
    }
}
