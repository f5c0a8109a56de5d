package dev.sidecarinjector.proxy.authn;

import dev.sidecarinjector.api.snapshot.JwtHeader;
import dev.sidecarinjector.api.snapshot.JwtRule;
import dev.sidecarinjector.proxy.codec.MessageHead;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * RequestAuthentication for one snapshot's inbound policy, as Envoy's jwt_authn filter runs Istio's configuration
 * (every rule a provider, "any of them, or no token at all"): tokens are taken from every place a rule names (its
 * headers after their prefix, its query parameters); a request with none goes on with no identity; every token found
 * must be valid for a rule of its issuer that names the place it was found (Envoy's order of checks and texts,
 * {@link JwtFailure}), else the request is refused. A valid token is removed before the application (unless its rule
 * forwards it), its payload and claims are written to the headers its rule names (those headers are first removed from
 * what the client sent), and it gives the request's identity for AuthorizationPolicy. Keys are parsed once, here;
 * verified tokens are kept ({@link VerifiedTokens}). CORS preflights pass unchecked, as Istio configures Envoy.
 */
public final class JwtAuthenticator {

    public static final JwtAuthenticator NONE = new JwtAuthenticator(List.of());

    /** The longest path the {@code WWW-Authenticate} realm repeats, as Envoy cuts it. */
    private static final int MAX_REALM_PATH = 256;

    private record HeaderLocation(String name, String prefix, CompiledJwtRule[] rules) {
    }

    private record ParamLocation(String name, CompiledJwtRule[] rules) {
    }

    /** A token and where it was: a header location or a parameter location. */
    private record Found(String token, HeaderLocation header, ParamLocation param) {
        CompiledJwtRule[] rules() {
            return header != null ? header.rules : param.rules;
        }
    }

    private final List<JwtRule> rules;
    private final HeaderLocation[] headers;
    private final ParamLocation[] params;
    /** The headers rules write (payload, claims): what a client sent under those names is removed first. */
    private final String[] written;
    private final VerifiedTokens verified = new VerifiedTokens();

    private JwtAuthenticator(List<JwtRule> rules) {
        this.rules = List.copyOf(rules);
        var headerKeys = new ArrayList<JwtHeader>();
        var headerRules = new ArrayList<List<CompiledJwtRule>>();
        var paramKeys = new ArrayList<String>();
        var paramRules = new ArrayList<List<CompiledJwtRule>>();
        var writes = new ArrayList<String>();
        for (var rule : rules) {
            var compiled = new CompiledJwtRule(rule);
            // Envoy's places: a header with its prefix ("Authorization: Bearer" and "Authorization: Partner" are two), a parameter.
            for (var header : rule.fromHeaders()) {
                group(headerKeys, headerRules, header, compiled);
            }
            for (var param : rule.fromParams()) {
                group(paramKeys, paramRules, param, compiled);
            }
            if (!rule.outputPayloadToHeader().isEmpty() && !writes.contains(rule.outputPayloadToHeader())) {
                writes.add(rule.outputPayloadToHeader());
            }
            for (var claim : rule.outputClaimToHeaders()) {
                if (!writes.contains(claim.header())) {
                    writes.add(claim.header());
                }
            }
        }
        this.headers = new HeaderLocation[headerKeys.size()];
        for (var i = 0; i < headers.length; i++) {
            headers[i] = new HeaderLocation(headerKeys.get(i).name(), headerKeys.get(i).prefix(), headerRules.get(i).toArray(new CompiledJwtRule[0]));
        }
        this.params = new ParamLocation[paramKeys.size()];
        for (var i = 0; i < params.length; i++) {
            params[i] = new ParamLocation(paramKeys.get(i), paramRules.get(i).toArray(new CompiledJwtRule[0]));
        }
        this.written = writes.toArray(new String[0]);
    }

    /** Adds {@code rule} to the rules of place {@code key} (plain lists, not maps of lambdas: built once per snapshot). */
    private static <K> void group(List<K> keys, List<List<CompiledJwtRule>> rules, K key, CompiledJwtRule rule) {
        var at = keys.indexOf(key);
        if (at < 0) {
            keys.add(key);
            rules.add(new ArrayList<>(1));
            at = keys.size() - 1;
        }
        rules.get(at).add(rule);
    }

    /** The authenticator of {@code rules}: {@code previous} itself when its rules are the same (its keys and verified tokens stay). */
    public static JwtAuthenticator compile(List<JwtRule> rules, JwtAuthenticator previous) {
        if (rules.isEmpty()) {
            return NONE;
        }
        if (previous != null && previous.rules.equals(rules)) {
            return previous;
        }
        return new JwtAuthenticator(rules);
    }

    /** True when no rule applies: nothing is checked. */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /**
     * Checks the tokens of {@code request} at {@code nowSeconds} (the Unix time); when it goes on, its headers and
     * target are already as the application must see them.
     */
    public JwtOutcome authenticate(MessageHead request, long nowSeconds) {
        if (rules.isEmpty()) {
            return JwtOutcome.ANONYMOUS;
        }
        if (isCorsPreflight(request)) {
            return JwtOutcome.ANONYMOUS;
        }
        for (var name : written) {
            request.remove(name);
        }
        var found = extract(request);
        if (found.isEmpty()) {
            return JwtOutcome.ANONYMOUS;
        }
        var results = new VerifiedTokens.Verified[found.size()];
        for (var i = 0; i < results.length; i++) {
            try {
                results[i] = verify(found.get(i), nowSeconds);
            } catch (JwtRefused e) {
                return new JwtOutcome(null, e.failure);
            }
        }
        for (var i = 0; i < results.length; i++) {
            apply(request, found.get(i), results[i]);
        }
        return new JwtOutcome(results[0].auth(), null);
    }

    /** {@code Bearer realm="http://host/path", error="invalid_token"}: Envoy's answer to a refused token. */
    public static String challenge(MessageHead request) {
        var uri = request.target();
        var path = uri.startsWith("http://") || uri.startsWith("https://") ? uri.substring(Math.max(uri.indexOf('/', uri.indexOf("//") + 2), 0)) : uri;
        if (path.length() > MAX_REALM_PATH) {
            path = path.substring(0, MAX_REALM_PATH);
        }
        return "Bearer realm=\"" + request.get("x-forwarded-proto", "http") + "://" + request.get("host", "") + path
                + "\", error=\"invalid_token\"";
    }

    private static boolean isCorsPreflight(MessageHead request) {
        return request.method().equals("OPTIONS") && !request.get("origin", "").isEmpty()
                && !request.get("access-control-request-method", "").isEmpty();
    }

    private List<Found> extract(MessageHead request) {
        List<Found> found = List.of();
        for (var location : headers) {
            if (!request.contains(location.name)) {
                continue;
            }
            for (var value : request.getAll(location.name)) {
                var token = afterPrefix(value, location.prefix);
                if (token != null) {
                    found = add(found, new Found(token, location, null));
                }
            }
        }
        var uri = request.target();
        if (params.length > 0 && uri.indexOf('?') >= 0) {
            var query = new QueryStringDecoder(uri).parameters();
            for (var location : params) {
                var values = query.get(location.name);
                if (values != null && !values.isEmpty()) {
                    found = add(found, new Found(values.getFirst(), null, location));
                }
            }
        }
        return found;
    }

    private static List<Found> add(List<Found> found, Found one) {
        var out = found.isEmpty() ? new ArrayList<Found>(1) : found;
        out.add(one);
        return out;
    }

    /**
     * Envoy's extraction: the value from the first base64url character after the prefix to its end (what follows is
     * the token's own business: the parser refuses it); null when the prefix is not there. Not scanned to the end:
     * the proxy runs C1-compiled code, where a per-character loop over a 500-byte token costs microseconds.
     */
    static String afterPrefix(String value, String prefix) {
        var from = 0;
        if (!prefix.isEmpty()) {
            var at = value.indexOf(prefix);
            if (at < 0) {
                return null;
            }
            from = at + prefix.length();
        }
        while (from < value.length() && !isTokenChar(value.charAt(from))) {
            from++;
        }
        return value.substring(from);
    }

    private static boolean isTokenChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.';
    }

    private VerifiedTokens.Verified verify(Found found, long now) throws JwtRefused {
        var rules = found.rules();
        var cached = verified.get(found.token);
        if (cached != null) {
            for (var rule : rules) {
                if (rule == cached.rule()) {
                    cached.token().checkTime(now, CompiledJwtRule.CLOCK_SKEW_SECONDS);
                    return cached;
                }
            }
        }
        var token = JwtToken.parse(found.token);
        JwtRefused first = null;
        for (var rule : rules) {
            if (!rule.rule.issuer().equals(token.issuer)) {
                continue;
            }
            try {
                rule.verify(token, now);
                var result = new VerifiedTokens.Verified(token, rule, Claims.of(token));
                verified.put(found.token, result);
                return result;
            } catch (JwtRefused e) {
                first = first == null ? e : first;
            }
        }
        throw first != null ? first : new JwtRefused(JwtFailure.UNKNOWN_ISSUER);
    }

    private static void apply(MessageHead request, Found found, VerifiedTokens.Verified result) {
        var rule = result.rule().rule;
        if (!rule.forwardOriginalToken()) {
            if (found.header != null) {
                request.remove(found.header.name);
            } else {
                request.setTarget(withoutParam(request.target(), found.param.name));
            }
        }
        if (!rule.outputPayloadToHeader().isEmpty()) {
            request.add(rule.outputPayloadToHeader(), result.token().payloadBase64);
        }
        for (var claim : rule.outputClaimToHeaders()) {
            var value = Claims.forHeader(result.token().payload, claim.claim());
            if (value != null && !value.isEmpty()) {
                request.add(claim.header(), value);
            }
        }
    }

    /** {@code uri} without the query parameter {@code name} (every occurrence); the rest of the target as it was. */
    static String withoutParam(String uri, String name) {
        var question = uri.indexOf('?');
        if (question < 0) {
            return uri;
        }
        var fragment = uri.indexOf('#', question);
        var query = fragment < 0 ? uri.substring(question + 1) : uri.substring(question + 1, fragment);
        var kept = new StringBuilder();
        for (var pair : query.split("&", -1)) {
            var equals = pair.indexOf('=');
            var key = QueryStringDecoder.decodeComponent(equals < 0 ? pair : pair.substring(0, equals));
            if (!key.equals(name) && !pair.isEmpty()) {
                kept.append(kept.isEmpty() ? "" : "&").append(pair);
            }
        }
        return uri.substring(0, question) + (kept.isEmpty() ? "" : "?" + kept) + (fragment < 0 ? "" : uri.substring(fragment));
    }

    /** How many verified tokens are kept (tests). */
    int verifiedTokens() {
        return verified.size();
    }
}
