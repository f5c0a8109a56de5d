package dev.sidecarinjector.proxy.authn;

import dev.sidecarinjector.proxy.policy.RequestAuth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A verified token's payload as AuthorizationPolicy reads it ({@link RequestAuth}): the principal {@code iss/sub},
 * the audiences, the presenter {@code azp}, and every claim's values as strings: a string is one value ({@code scope}
 * and {@code permission} are split at spaces, as Istio treats them), a number or boolean its text, a list its items;
 * a nested object's claims are named by their path as Istio's {@code request.auth.claims[a][b]} writes it between
 * the outer brackets: {@code a][b}.
 */
final class Claims {

    /** Deeper objects are not listed: no policy names a path that long, and a hostile token cannot make the map huge. */
    private static final int MAX_DEPTH = 4;

    private Claims() {
    }

    static RequestAuth of(JwtToken token) {
        var claims = new HashMap<String, List<String>>();
        for (var entry : token.payload.entrySet()) {
            add(claims, String.valueOf(entry.getKey()), entry.getValue(), 1);
        }
        var sub = token.payload.get("sub") instanceof String s ? s : "";
        var azp = token.payload.get("azp") instanceof String s ? s : "";
        return new RequestAuth(token.issuer + "/" + sub, token.audiences, azp, claims);
    }

    private static void add(Map<String, List<String>> claims, String path, Object value, int depth) {
        switch (value) {
            case Map<?, ?> map -> {
                if (depth < MAX_DEPTH) {
                    for (var entry : map.entrySet()) {
                        add(claims, path + RequestAuth.NESTED_CLAIM + entry.getKey(), entry.getValue(), depth + 1);
                    }
                }
            }
            case List<?> list -> {
                var values = new ArrayList<String>(list.size());
                for (var item : list) {
                    var text = text(item);
                    if (text != null) {
                        values.add(text);
                    }
                }
                claims.put(path, List.copyOf(values));
            }
            case String s when depth == 1 && (path.equals("scope") || path.equals("permission")) ->
                    claims.put(path, s.isBlank() ? List.of() : List.of(s.trim().split(" +")));
            default -> {
                var text = text(value);
                if (text != null) {
                    claims.put(path, List.of(text));
                }
            }
        }
    }

    /** A primitive claim as text (Envoy writes a whole number without a fraction); null for objects, lists and null. */
    static String text(Object value) {
        return switch (value) {
            case String s -> s;
            case Long l -> Long.toString(l);
            case Double d -> d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : Double.toString(d);
            case Boolean b -> b.toString();
            case null, default -> null;
        };
    }

    /** {@code outputClaimToHeaders}: a top-level claim by name, else a nested one by a dotted path; null when not a primitive. */
    static String forHeader(Map<?, ?> payload, String claim) {
        if (payload.containsKey(claim)) {
            return text(payload.get(claim));
        }
        Object at = payload;
        for (var part : claim.split("\\.")) {
            if (!(at instanceof Map<?, ?> map)) {
                return null;
            }
            at = map.get(part);
        }
        return text(at);
    }
}
