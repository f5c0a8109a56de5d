package dev.sidecarinjector.proxy.policy;

import java.util.List;
import java.util.Map;

/**
 * What RequestAuthentication established about a request's JWT: the principal {@code iss/sub}, audiences, presenter
 * (azp) and claims, each claim's values as strings. A nested claim is keyed by its path joined with
 * {@link #NESTED_CLAIM}, as Istio's {@code request.auth.claims[a][b]} writes it between the outer brackets
 * ({@code a][b}), so it never collides with a top-level claim whose name has a dot ({@code request.auth.claims[a.b]}).
 */
public record RequestAuth(String principal, List<String> audiences, String presenter, Map<String, List<String>> claims) {

    /** What joins the names of a nested claim's path in {@link #claims}: the authenticator writes it, policies look it up. */
    public static final String NESTED_CLAIM = "][";

    public RequestAuth {
        audiences = List.copyOf(audiences);
        claims = Map.copyOf(claims);
    }
}
