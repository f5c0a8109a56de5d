package dev.sidecarinjector.proxy.policy;

import java.util.List;
import java.util.Map;

/** What RequestAuthentication established about a request's JWT: {@code iss/sub}, audiences, presenter (azp) and claims (each claim's values as strings; nested claims by their path). */
public record RequestAuth(String principal, List<String> audiences, String presenter, Map<String, List<String>> claims) {

    public RequestAuth {
        audiences = List.copyOf(audiences);
        claims = Map.copyOf(claims);
    }
}
