package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.Cors;
import dev.sidecarinjector.api.snapshot.DirectResponse;
import dev.sidecarinjector.api.snapshot.Fault;
import dev.sidecarinjector.api.snapshot.HeaderEdit;
import dev.sidecarinjector.api.snapshot.Headers;
import dev.sidecarinjector.api.snapshot.Limits;
import dev.sidecarinjector.api.snapshot.Redirect;
import dev.sidecarinjector.api.snapshot.Rewrite;
import dev.sidecarinjector.api.snapshot.StringMatch;
import io.fabric8.istio.api.api.networking.v1alpha3.CorsPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.CorsPolicyUnmatchedPreflights;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPBodyBytes;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPBodyString;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPDirectResponse;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjection;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionAbortHttpStatus;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionDelayFixedDelay;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRedirect;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRedirectDerivePort;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRedirectPort;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRedirectRedirectPortSelection;
import io.fabric8.istio.api.api.networking.v1alpha3.HeadersHeaderOperations;
import io.fabric8.istio.api.api.networking.v1alpha3.Percent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a VirtualService route does besides choosing destinations, checked as Istio checks it: {@code fault},
 * {@code redirect}, {@code rewrite} and {@code headers}. Each bad field is an {@link InvalidField}.
 */
final class RouteActions {

    private RouteActions() {
    }

    static Fault fault(HTTPFaultInjection fault, String field) {
        if (fault == null || fault.getDelay() == null && fault.getAbort() == null) {
            return null;
        }
        long delayMs = 0;
        double delayPercent = 0;
        if (fault.getDelay() != null) {
            var delay = fault.getDelay();
            if (!(delay.getHttpDelayType() instanceof HTTPFaultInjectionDelayFixedDelay fixed) || fixed.getFixedDelay() == null) {
                throw new InvalidField(field + ".delay.fixedDelay", null, "is missing (exponentialDelay is not supported)");
            }
            delayMs = Durations.millis(field + ".delay.fixedDelay", fixed.getFixedDelay(), 1);
            delayPercent = percent(delay.getPercentage(), delay.getPercent(), field + ".delay");
        }
        var abortStatus = 0;
        double abortPercent = 0;
        if (fault.getAbort() != null) {
            var abort = fault.getAbort();
            if (!(abort.getErrorType() instanceof HTTPFaultInjectionAbortHttpStatus status) || status.getHttpStatus() == null) {
                throw new InvalidField(field + ".abort.httpStatus", null, "is missing (grpcStatus and http2Error are not supported)");
            }
            abortStatus = status.getHttpStatus();
            if (abortStatus < 200 || abortStatus > 599) {
                throw new InvalidField(field + ".abort.httpStatus", abortStatus, "is not an HTTP status from 200 to 599");
            }
            abortPercent = percent(abort.getPercentage(), null, field + ".abort");
        }
        return new Fault(delayMs, delayPercent, abortStatus, abortPercent);
    }

    /** {@code percentage.value}, else the deprecated integer {@code percent}; neither: 0 (Istio: no request is affected). */
    static double percent(Percent percentage, Integer percent, String field) {
        if (percentage != null) {
            var value = percentage.getValue() == null ? 0 : percentage.getValue();
            if (!(value >= 0 && value <= 100)) {
                throw new InvalidField(field + ".percentage.value", value, "is not between 0 and 100");
            }
            return value;
        }
        if (percent != null) {
            if (percent < 0 || percent > 100) {
                throw new InvalidField(field + ".percent", percent, "is not between 0 and 100");
            }
            return percent;
        }
        return 0;
    }

    static Rewrite rewrite(io.fabric8.istio.api.api.networking.v1alpha3.HTTPRewrite rewrite, String field) {
        if (rewrite == null) {
            return null;
        }
        var regex = rewrite.getUriRegexRewrite();
        String regexMatch = null;
        String regexRewrite = null;
        if (regex != null) {
            // Istio's checks: uri or uriRegexRewrite, not both; match and rewrite both given; the regex RE2's.
            if (rewrite.getUri() != null && !rewrite.getUri().isEmpty()) {
                throw new InvalidField(field + ".uriRegexRewrite", null, "cannot be set together with uri (a rewrite has one of them)");
            }
            if (regex.getMatch() == null || regex.getMatch().isEmpty()) {
                throw new InvalidField(field + ".uriRegexRewrite.match", null, "is missing (a uriRegexRewrite needs match and rewrite)");
            }
            if (regex.getRewrite() == null) {
                throw new InvalidField(field + ".uriRegexRewrite.rewrite", null, "is missing (a uriRegexRewrite needs match and rewrite)");
            }
            var groups = Matches.regex(regex.getMatch(), field + ".uriRegexRewrite.match").pattern().groupCount();
            regexRewrite = path(regex.getRewrite(), field + ".uriRegexRewrite.rewrite");
            var problem = Rewrite.substitutionProblem(regexRewrite, groups);
            if (problem != null) {
                throw new InvalidField(field + ".uriRegexRewrite.rewrite", regexRewrite, problem);
            }
            regexMatch = regex.getMatch();
        }
        if (rewrite.getUri() == null && rewrite.getAuthority() == null && regexMatch == null) {
            return null;
        }
        return new Rewrite(path(rewrite.getUri(), field + ".uri"), text(rewrite.getAuthority(), field + ".authority"), regexMatch, regexRewrite);
    }

    static Redirect redirect(HTTPRedirect redirect, String field) {
        if (redirect == null) {
            return null;
        }
        var port = 0L;
        Redirect.DerivePort derive = null;
        if (redirect.getRedirectPort() instanceof HTTPRedirectPort explicit && explicit.getPort() != null) {
            port = explicit.getPort();
            if (!Limits.isPort(port)) {
                throw new InvalidField(field + ".port", port, "is not a port");
            }
        } else if (redirect.getRedirectPort() instanceof HTTPRedirectDerivePort derived) {
            // Absent, it is the enum's first value, as in Istio's protobuf.
            derive = derived.getDerivePort() == HTTPRedirectRedirectPortSelection.FROM_REQUEST_PORT
                    ? Redirect.DerivePort.REQUEST_PORT : Redirect.DerivePort.PROTOCOL_DEFAULT;
        }
        var code = redirect.getRedirectCode() == null || redirect.getRedirectCode() == 0 ? 301L : redirect.getRedirectCode();
        if (code < 300 || code > 399) {
            throw new InvalidField(field + ".redirectCode", code, "is not a redirect status from 300 to 399");
        }
        return new Redirect(path(redirect.getUri(), field + ".uri"), text(redirect.getAuthority(), field + ".authority"),
                text(redirect.getScheme(), field + ".scheme"), (int) port, (int) code, derive);
    }

    /**
     * {@code directResponse}: a status from 200 to 599 (Istio's check) and a body as {@code string} or {@code bytes}
     * (base64, standard or URL-safe, written standard in the snapshot), under 1 MB as Istio requires.
     */
    static DirectResponse directResponse(HTTPDirectResponse response, String field) {
        if (response == null) {
            return null;
        }
        if (response.getStatus() == null) {
            throw new InvalidField(field + ".status", null, "is missing");
        }
        long status = response.getStatus();
        if (status < 200 || status > 599) {
            throw new InvalidField(field + ".status", status, "is not an HTTP status from 200 to 599");
        }
        var specifier = response.getBody() == null ? null : response.getBody().getSpecifier();
        String text = null;
        String base64 = null;
        int size = 0;
        String bodyField = null;
        if (specifier instanceof HTTPBodyString string && string.getString() != null) {
            text = string.getString();
            size = text.getBytes(StandardCharsets.UTF_8).length;
            bodyField = field + ".body.string";
        } else if (specifier instanceof HTTPBodyBytes bytes && bytes.getBytes() != null) {
            bodyField = field + ".body.bytes";
            var decoded = base64(bytes.getBytes(), bodyField);
            base64 = Base64.getEncoder().encodeToString(decoded);
            size = decoded.length;
        }
        if (size > Limits.MAX_DIRECT_RESPONSE_BYTES) {
            throw new InvalidField(bodyField, null, "holds " + size + " bytes: Istio refuses a direct response of 1 MB or more");
        }
        return new DirectResponse((int) status, text, base64);
    }

    private static byte[] base64(String value, String field) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException standard) {
            try {
                return Base64.getUrlDecoder().decode(value);
            } catch (IllegalArgumentException urlSafe) {
                throw new InvalidField(field, value.length() > 64 ? value.substring(0, 64) + "..." : value,
                        "is not base64 (" + standard.getMessage() + ")");
            }
        }
    }

    /** The methods Istio's validation takes in {@code corsPolicy.allowMethods}. */
    private static final Set<String> CORS_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "*");

    /**
     * {@code corsPolicy}, checked as Istio checks it: origins as string matches (the deprecated {@code allowOrigin}
     * as exact ones), methods Istio knows, header names that are tokens (or {@code *}), a {@code maxAge} in whole
     * seconds. A policy with no origin allows none, as Envoy's.
     */
    static Cors cors(CorsPolicy policy, String field) {
        if (policy == null) {
            return null;
        }
        var origins = new ArrayList<StringMatch>();
        var given = policy.getAllowOrigins() == null ? List.<io.fabric8.istio.api.api.networking.v1alpha3.StringMatch>of() : policy.getAllowOrigins();
        for (var i = 0; i < given.size(); i++) {
            var at = field + ".allowOrigins[" + i + "]";
            var origin = given.get(i) == null ? null : Matches.string(given.get(i), at);
            if (origin == null || origin.value().isEmpty()) {
                throw new InvalidField(at, null, "is empty: an origin is matched by exact, prefix or regex");
            }
            origins.add(origin);
        }
        if (policy.getAllowOrigin() != null) {
            for (var origin : policy.getAllowOrigin()) {
                origins.add(StringMatch.exact(HeaderFields.value(origin, field + ".allowOrigin")));
            }
        }
        var methods = policy.getAllowMethods() == null ? List.<String>of() : policy.getAllowMethods();
        for (var i = 0; i < methods.size(); i++) {
            if (!CORS_METHODS.contains(methods.get(i))) {
                throw new InvalidField(field + ".allowMethods[" + i + "]", methods.get(i), "is not a method CORS allows ("
                        + String.join(", ", new TreeSet<>(CORS_METHODS)) + ")");
            }
        }
        Long maxAge = null;
        if (policy.getMaxAge() != null) {
            var millis = Durations.millis(field + ".maxAge", policy.getMaxAge(), 0);
            if (millis % 1000 != 0) {
                throw new InvalidField(field + ".maxAge", policy.getMaxAge(), "is not in whole seconds (max_age is accurate only to seconds)");
            }
            maxAge = millis / 1000;
        }
        return new Cors(origins, methods, corsHeaders(policy.getAllowHeaders(), field + ".allowHeaders"),
                corsHeaders(policy.getExposeHeaders(), field + ".exposeHeaders"), maxAge, Boolean.TRUE.equals(policy.getAllowCredentials()),
                policy.getUnmatchedPreflights() == CorsPolicyUnmatchedPreflights.IGNORE);
    }

    private static List<String> corsHeaders(List<String> names, String field) {
        var out = new ArrayList<String>();
        for (var i = 0; names != null && i < names.size(); i++) {
            out.add(names.get(i).equals("*") ? "*" : HeaderFields.name(names.get(i), field + "[" + i + "]"));
        }
        return out;
    }

    /**
     * A path the proxy writes into a request line or a Location header: no control character and no space or tab,
     * which would end the request target ({@code GET /a b HTTP/1.1} is not a request); null stays null.
     */
    private static String path(String value, String field) {
        var checked = text(value, field);
        if (checked != null && (checked.indexOf(' ') >= 0 || checked.indexOf('\t') >= 0)) {
            throw new InvalidField(field, checked, "holds a space or tab, which a request path cannot (write %20)");
        }
        return checked;
    }

    /** A path, authority or scheme the proxy writes into a request or a Location header: null stays null. */
    private static String text(String value, String field) {
        return value == null ? null : HeaderFields.value(value, field);
    }

    /** The headers that frame a message: the proxy writes them, and a route's edit of one is dropped (with a warning). */
    static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding");

    /**
     * {@code headers}, every name checked; an edit of a framing header ({@link #FRAMING}) is left out and its field
     * given to {@code dropped}: forwarded as it is, it would make the body's length disagree with the message (a
     * request smuggled past the upstream's parser, a response cut or run on).
     */
    static Headers headers(io.fabric8.istio.api.api.networking.v1alpha3.Headers headers, String field, java.util.function.Consumer<String> dropped) {
        if (headers == null) {
            return Headers.NONE;
        }
        return new Headers(edit(headers.getRequest(), field + ".request", dropped), edit(headers.getResponse(), field + ".response", dropped));
    }

    static HeaderEdit edit(HeadersHeaderOperations operations, String field, java.util.function.Consumer<String> dropped) {
        if (operations == null) {
            return HeaderEdit.NONE;
        }
        var remove = new ArrayList<String>();
        var given = operations.getRemove() == null ? List.<String>of() : operations.getRemove();
        for (var i = 0; i < given.size(); i++) {
            var name = HeaderFields.name(given.get(i), field + ".remove[" + i + "]");
            if (FRAMING.contains(name)) {
                dropped.accept(field + ".remove[" + i + "]");
            } else {
                remove.add(name);
            }
        }
        var set = checked(operations.getSet(), field + ".set");
        var add = checked(operations.getAdd(), field + ".add");
        for (var name : FRAMING) {
            if (set.remove(name) != null) {
                dropped.accept(field + ".set." + name);
            }
            if (add.remove(name) != null) {
                dropped.accept(field + ".add." + name);
            }
        }
        return new HeaderEdit(set, add, remove);
    }

    /** Header values by lower-case name, each name a token and each value free of control characters. */
    static Map<String, String> checked(Map<String, String> byName, String field) {
        if (byName == null) {
            return Map.of();
        }
        var lower = new HashMap<String, String>();
        for (var entry : new TreeMap<>(byName).entrySet()) {
            var name = HeaderFields.name(entry.getKey(), field);
            lower.put(name, HeaderFields.value(entry.getValue(), field + "." + entry.getKey()));
        }
        return lower;
    }
}
