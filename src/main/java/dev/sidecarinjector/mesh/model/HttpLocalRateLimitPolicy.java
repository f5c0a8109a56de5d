package dev.sidecarinjector.mesh.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Map;

/**
 * {@code HTTPLocalRateLimitPolicy} ({@code policy.sidecarinjector.dev/v1alpha1}): Linkerd's resource of that name
 * ({@code total}, {@code identity}, {@code overrides} by client ServiceAccount), aimed at workloads the way Istio's
 * policies are ({@code selector.matchLabels}, optionally one {@code port}) instead of at a Linkerd {@code Server}.
 * docs/mesh.md, "Local rate limiting", says why.
 */
@Group(HttpLocalRateLimitPolicy.GROUP)
@Version("v1alpha1")
@Kind("HTTPLocalRateLimitPolicy")
@Plural("httplocalratelimitpolicies")
public class HttpLocalRateLimitPolicy extends CustomResource<HttpLocalRateLimitPolicy.Spec, Void> implements Namespaced {

    public static final String GROUP = "policy.sidecarinjector.dev";
    public static final String API_VERSION = GROUP + "/v1alpha1";

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Spec {
        public Selector selector;
        public Integer port;
        public Limit total;
        public Limit identity;
        public List<Override> overrides;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Selector {
        public Map<String, String> matchLabels;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Limit {
        public Integer requestsPerSecond;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Override {
        public Integer requestsPerSecond;
        public List<ClientRef> clientRefs;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class ClientRef {
        public String group;
        public String kind;
        public String namespace;
        public String name;
    }
}
