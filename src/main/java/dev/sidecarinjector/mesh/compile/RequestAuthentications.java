package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.ClaimToHeader;
import dev.sidecarinjector.api.snapshot.JwtHeader;
import dev.sidecarinjector.api.snapshot.JwtRule;
import dev.sidecarinjector.mesh.index.MeshIndex;
import io.fabric8.istio.api.api.security.v1beta1.JWTRule;
import io.fabric8.istio.api.security.v1.RequestAuthentication;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * RequestAuthentications checked once per index, and the JWT rules that apply to one workload, as Istio selects
 * them: every policy of the root namespace and of the workload's own namespace whose selector is empty or matches
 * the workload's labels, all merged (oldest first); unlike PeerAuthentication none overrides another. A policy with
 * {@code targetRef(s)} is for gateways and waypoints, which this mesh has none of: it is reported and applies to no
 * sidecar.
 */
final class RequestAuthentications {

    static final String KIND = "RequestAuthentication";

    private final WorkloadPolicies<CheckedRequestAuthentication> policies;

    RequestAuthentications(MeshIndex index, String rootNamespace, List<Problem> problems, LastGood lastGood) {
        this.policies = new WorkloadPolicies<>(rootNamespace);
        for (var resource : index.requestAuthentications().values()) {
            var checked = lastGood.check(resource, problems, RequestAuthentications::check);
            if (checked != null) {
                policies.add(checked);
            }
        }
    }

    /** The rules for a workload with {@code labels} in {@code namespace}, a {@code jwksUri}'s keys taken from {@code keys}. */
    List<JwtRule> rules(String namespace, Map<String, String> labels, JwksLookup keys) {
        var selected = policies.forWorkload(namespace, labels);
        var rules = new ArrayList<JwtRule>();
        for (var policy : selected) {
            for (var rule : policy.rules()) {
                rules.add(rule.jwksUri().isEmpty() ? rule : withKeys(rule, keys.jwks(rule.jwksUri())));
            }
        }
        return rules;
    }

    /** Every {@code jwksUri} of the valid policies: what the control plane fetches and refreshes. */
    Set<String> jwksUris() {
        var uris = new TreeSet<String>();
        for (var policy : policies.all()) {
            for (var rule : policy.rules()) {
                if (!rule.jwksUri().isEmpty()) {
                    uris.add(rule.jwksUri());
                }
            }
        }
        return uris;
    }

    private static JwtRule withKeys(JwtRule rule, String jwks) {
        return new JwtRule(rule.source(), rule.issuer(), rule.audiences(), rule.jwksUri(), jwks == null ? "" : jwks, rule.fromHeaders(),
                rule.fromParams(), rule.outputPayloadToHeader(), rule.outputClaimToHeaders(), rule.forwardOriginalToken());
    }

    private static CheckedRequestAuthentication check(RequestAuthentication resource, List<Problem> problems) {
        var namespace = MeshIndex.namespace(resource);
        var name = resource.getMetadata().getName();
        try {
            var spec = resource.getSpec();
            if (spec != null && (spec.getTargetRef() != null || spec.getTargetRefs() != null && !spec.getTargetRefs().isEmpty())) {
                problems.add(Problem.ignored(KIND, namespace, name, spec.getTargetRef() != null ? "spec.targetRef" : "spec.targetRefs", null,
                        "selects gateways or waypoints, which this mesh has none of; the policy applies to no sidecar"));
                return null;
            }
            var selector = spec == null || spec.getSelector() == null || spec.getSelector().getMatchLabels() == null
                    ? Map.<String, String>of() : Map.copyOf(spec.getSelector().getMatchLabels());
            var rules = new ArrayList<JwtRule>();
            var jwtRules = spec == null || spec.getJwtRules() == null ? List.<JWTRule>of() : spec.getJwtRules();
            for (var i = 0; i < jwtRules.size(); i++) {
                rules.add(rule(jwtRules.get(i), "spec.jwtRules[" + i + "]", namespace + "/" + name, namespace, name, problems));
            }
            return new CheckedRequestAuthentication(namespace, name, DestinationRuleChecker.created(resource.getMetadata().getCreationTimestamp()),
                    selector, List.copyOf(rules));
        } catch (InvalidField e) {
            problems.add(Problem.invalid(KIND, namespace, name, e.field, e.value, e.getMessage()));
            return null;
        }
    }

    private static JwtRule rule(JWTRule rule, String field, String source, String namespace, String name, List<Problem> problems) {
        if (rule == null) {
            throw new InvalidField(field, null, "is empty");
        }
        if (rule.getIssuer() == null || rule.getIssuer().isEmpty()) {
            throw new InvalidField(field + ".issuer", null, "is missing");
        }
        var audiences = rule.getAudiences() == null ? List.<String>of() : rule.getAudiences();
        for (var i = 0; i < audiences.size(); i++) {
            if (audiences.get(i) == null || audiences.get(i).isEmpty()) {
                throw new InvalidField(field + ".audiences[" + i + "]", null, "is empty");
            }
        }
        var jwks = rule.getJwks() == null ? "" : rule.getJwks();
        var jwksUri = rule.getJwksUri() == null ? "" : rule.getJwksUri();
        if (!jwks.isEmpty()) {
            var problem = JwksDocument.problem(jwks);
            if (problem != null) {
                throw new InvalidField(field + ".jwks", shorten(jwks), problem);
            }
            if (!jwksUri.isEmpty()) {
                problems.add(Problem.ignored(KIND, namespace, name, field + ".jwksUri", jwksUri, "is not fetched: the inline jwks is used"));
                jwksUri = "";
            }
        } else if (jwksUri.isEmpty()) {
            throw new InvalidField(field, null, "needs jwks or jwksUri (OpenID discovery from the issuer is not supported)");
        } else {
            checkUri(jwksUri, field + ".jwksUri");
        }
        if (rule.getFromCookies() != null && !rule.getFromCookies().isEmpty()) {
            throw new InvalidField(field + ".fromCookies", String.join(",", rule.getFromCookies()), "is not supported");
        }
        if (rule.getSpaceDelimitedClaims() != null && !rule.getSpaceDelimitedClaims().isEmpty()) {
            problems.add(Problem.ignored(KIND, namespace, name, field + ".spaceDelimitedClaims", String.join(",", rule.getSpaceDelimitedClaims()),
                    "is not supported (scope and permission are split at spaces, as Istio does by default)"));
        }
        var headers = new ArrayList<JwtHeader>();
        var fromHeaders = rule.getFromHeaders() == null ? List.<io.fabric8.istio.api.api.security.v1beta1.JWTHeader>of() : rule.getFromHeaders();
        for (var i = 0; i < fromHeaders.size(); i++) {
            var header = fromHeaders.get(i);
            var at = field + ".fromHeaders[" + i + "].name";
            headers.add(new JwtHeader(HeaderFields.name(header == null ? null : header.getName(), at),
                    header == null || header.getPrefix() == null ? "" : header.getPrefix()));
        }
        var params = rule.getFromParams() == null ? List.<String>of() : rule.getFromParams();
        for (var i = 0; i < params.size(); i++) {
            if (params.get(i) == null || params.get(i).isEmpty()) {
                throw new InvalidField(field + ".fromParams[" + i + "]", null, "is empty");
            }
        }
        if (headers.isEmpty() && params.isEmpty()) {
            headers.add(JwtHeader.AUTHORIZATION_BEARER);
            params = List.of("access_token");
        }
        var payloadHeader = rule.getOutputPayloadToHeader() == null || rule.getOutputPayloadToHeader().isEmpty() ? ""
                : HeaderFields.name(rule.getOutputPayloadToHeader(), field + ".outputPayloadToHeader");
        var claims = new ArrayList<ClaimToHeader>();
        var claimHeaders = rule.getOutputClaimToHeaders() == null ? List.<io.fabric8.istio.api.api.security.v1beta1.ClaimToHeader>of()
                : rule.getOutputClaimToHeaders();
        for (var i = 0; i < claimHeaders.size(); i++) {
            var claim = claimHeaders.get(i);
            var at = field + ".outputClaimToHeaders[" + i + "]";
            var header = HeaderFields.name(claim == null ? null : claim.getHeader(), at + ".header");
            if (claim.getClaim() == null || claim.getClaim().isEmpty()) {
                throw new InvalidField(at + ".claim", null, "is missing");
            }
            claims.add(new ClaimToHeader(header, claim.getClaim()));
        }
        return new JwtRule(source, rule.getIssuer(), audiences, jwksUri, jwks, headers, params, payloadHeader, claims,
                Boolean.TRUE.equals(rule.getForwardOriginalToken()));
    }

    private static void checkUri(String uri, String field) {
        try {
            var parsed = new URI(uri);
            var scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http") || parsed.getHost() == null) {
                throw new InvalidField(field, uri, "is not an http or https URL");
            }
        } catch (URISyntaxException e) {
            throw new InvalidField(field, uri, "is not a URL: " + e.getReason());
        }
    }

    private static String shorten(String text) {
        var line = text.strip().replace('\n', ' ');
        return line.length() > 64 ? line.substring(0, 64) + "…" : line;
    }
}
