package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.Limits;
import dev.sidecarinjector.api.snapshot.RouteMatch;
import dev.sidecarinjector.api.snapshot.StringMatch;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMatchRequest;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchExact;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchPrefix;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchRegex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** VirtualService {@code match} entries as the proxy evaluates them; regexes are RE2's, checked as the proxy compiles them. */
final class Matches {

    private static final String CLAIM_PREFIX = "@request.auth.claims.";

    private Matches() {
    }

    static RouteMatch of(HTTPMatchRequest match, String field) {
        var port = match.getPort() == null ? 0L : match.getPort();
        if (port != 0 && !Limits.isPort(port)) {
            throw new InvalidField(field + ".port", port, "is not a port");
        }
        return new RouteMatch(string(match.getUri(), field + ".uri"), Boolean.TRUE.equals(match.getIgnoreUriCase()),
                string(match.getMethod(), field + ".method"), string(match.getAuthority(), field + ".authority"),
                string(match.getScheme(), field + ".scheme"), byName(match.getHeaders(), field + ".headers", true),
                byName(match.getWithoutHeaders(), field + ".withoutHeaders", true),
                byName(match.getQueryParams(), field + ".queryParams", false), (int) port,
                match.getSourceLabels() == null ? Map.of() : match.getSourceLabels(),
                match.getSourceNamespace() == null || match.getSourceNamespace().isEmpty() ? null : match.getSourceNamespace());
    }

    private static Map<String, StringMatch> byName(Map<String, io.fabric8.istio.api.api.networking.v1alpha3.StringMatch> matches,
                                                   String field, boolean lowerCase) {
        if (matches == null) {
            return Map.of();
        }
        var result = new HashMap<String, StringMatch>();
        for (var entry : matches.entrySet()) {
            var name = !lowerCase ? entry.getKey() : isClaim(entry.getKey()) ? entry.getKey() : HeaderFields.name(entry.getKey(), field);
            var match = string(entry.getValue(), field + "." + entry.getKey());
            // Istio: a header or query parameter given with an empty match only has to be present.
            result.put(name, match == null ? StringMatch.regex(".*") : match);
        }
        return result;
    }

    /**
     * Istio's JWT claim routing ({@code @request.auth.claims.group}), which works on gateways only. Kept as written: not
     * being an HTTP token, the name is in no request the proxy parses, so on a sidecar the match never holds (and a
     * {@code withoutHeaders} one always does), as in Istio's sidecars.
     */
    private static boolean isClaim(String name) {
        return name.startsWith(CLAIM_PREFIX) && name.length() > CLAIM_PREFIX.length();
    }

    static StringMatch string(io.fabric8.istio.api.api.networking.v1alpha3.StringMatch match, String field) {
        if (match == null || match.getMatchType() == null) {
            return null;
        }
        // The model keeps the first kind and puts any other in the kind's additionalProperties; the CRD's oneOf refuses both.
        var given = switch (match.getMatchType()) {
            case StringMatchExact exact -> kinds("exact", exact.getAdditionalProperties());
            case StringMatchPrefix prefix -> kinds("prefix", prefix.getAdditionalProperties());
            case StringMatchRegex regex -> kinds("regex", regex.getAdditionalProperties());
            default -> List.<String>of();
        };
        if (given.size() > 1) {
            throw new InvalidField(field, null, "has " + String.join(" and ", given) + ": a string match is exactly one of exact, prefix or regex");
        }
        return switch (match.getMatchType()) {
            case StringMatchExact exact -> StringMatch.exact(exact.getExact() == null ? "" : exact.getExact());
            case StringMatchPrefix prefix -> StringMatch.prefix(prefix.getPrefix() == null ? "" : prefix.getPrefix());
            case StringMatchRegex regex -> regex(regex.getRegex() == null ? "" : regex.getRegex(), field + ".regex");
            default -> throw new InvalidField(field, null, "is not exact, prefix or regex");
        };
    }

    private static List<String> kinds(String chosen, Map<String, Object> others) {
        var kinds = new ArrayList<String>(List.of(chosen));
        for (var kind : List.of("exact", "prefix", "regex")) {
            if (others != null && others.containsKey(kind)) {
                kinds.add(kind);
            }
        }
        kinds.sort(Comparator.comparingInt(List.of("exact", "prefix", "regex")::indexOf));
        return kinds;
    }

    /** A regex Envoy and the proxy both run as RE2 ({@code Re2Regex}), or an {@link InvalidField} saying why not. */
    static StringMatch regex(String regex, String field) {
        try {
            return StringMatch.regex(regex);
        } catch (IllegalArgumentException e) {
            throw new InvalidField(field, regex, e.getMessage());
        }
    }
}
