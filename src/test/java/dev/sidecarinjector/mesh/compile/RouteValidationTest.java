package dev.sidecarinjector.mesh.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sidecarinjector.api.snapshot.RetryPolicy;
import dev.sidecarinjector.mesh.index.MeshDocuments;
import dev.sidecarinjector.mesh.index.MeshIndex;
import java.util.List;
import org.junit.jupiter.api.Test;

/** retryOn and a destination's port as Istio validates them, and what the proxy does with what it does not know. */
class RouteValidationTest {

    /** One route of a VirtualService for reviews: {@code route} is the http entry's YAML after its dash. */
    static final String REVIEWS = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: default}
            spec:
              hosts: [reviews]
              http:
              - %s
            """;

    private static CheckedMesh checked(String yaml) throws Exception {
        var parsed = MeshDocuments.read(yaml, "inline");
        return new CheckedMesh(MeshIndex.of(1, parsed.resources()), "cluster.local", "istio-system", new LastGood());
    }

    private static CheckedMesh mesh(String retryOn) throws Exception {
        return checked(REVIEWS.formatted("retries: {attempts: 3, retryOn: \"" + retryOn + "\"}\n    route: [{destination: {host: reviews}}]"));
    }

    private static List<String> described(CheckedMesh mesh) {
        return mesh.problems.stream().map(Problem::describe).toList();
    }

    @Test
    void aNameIstioDoesNotKnowRefusesTheVirtualServiceAsIstioDoes() throws Exception {
        for (var written : List.of("bogus", "5xx,Reset")) {
            var mesh = mesh(written);
            assertEquals(List.of(), mesh.virtualServices);
            var bad = written.contains(",") ? "Reset" : written;
            assertEquals(List.of("VirtualService default/reviews: spec.http[0].retries.retryOn: \"" + written + "\" names \"" + bad
                    + "\", which is not one of Istio's retry conditions (" + String.join(", ", VirtualServiceChecker.ISTIO_RETRY_CONDITIONS)
                    + ") nor an HTTP status; the VirtualService is left out"), described(mesh));
        }
    }

    @Test
    void aDestinationPortWrittenAsZeroOrEmptyIsNoPort() throws Exception {
        for (var port : List.of("{number: 0}", "{}")) {
            var mesh = checked(REVIEWS.formatted("route: [{destination: {host: reviews, port: " + port + "}}]"));
            assertEquals(List.of("VirtualService default/reviews: spec.http[0].route[0].destination.port.number: \"0\" is not a port; "
                    + "the VirtualService is left out"), described(mesh), port);
        }
    }

    @Test
    void aMethodInLowerCaseIsKeptAndSaidToMatchNoRequest() throws Exception {
        var mesh = checked("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: deny-delete, namespace: default}
                spec:
                  action: DENY
                  rules: [{to: [{operation: {methods: ["delete", "PUT"]}}]}]
                """);
        assertEquals(1, mesh.authorizationPolicies.forWorkload("default", java.util.Map.of()).size());
        assertEquals(List.of("AuthorizationPolicy default/deny-delete: spec.rules[0].to[0].operation.methods[0]: \"delete\" matches no request: "
                + "methods are compared as written, and requests send them in upper case; did you mean DELETE?"), described(mesh));
    }

    @Test
    void onlyConditionsTheProxyDoesNotKnowLeaveTheRouteNotRetriedAndSaySo() throws Exception {
        var mesh = mesh("envoy-ratelimited");
        assertEquals(RetryPolicy.NONE, mesh.virtualServices.getFirst().routes().getFirst().retries());
        assertEquals(List.of(
                "VirtualService default/reviews: spec.http[0].retries.retryOn: \"envoy-ratelimited\" is not a retry condition the proxy knows ("
                        + String.join(", ", RetryPolicy.CONDITIONS) + "); ignored",
                "VirtualService default/reviews: spec.http[0].retries.retryOn: \"envoy-ratelimited\" leaves no retry condition the proxy knows: "
                        + "this route is not retried"), described(mesh));
        var mixed = mesh("envoy-ratelimited,503");
        assertEquals(new RetryPolicy(3, 0, List.of("retriable-status-codes"), List.of(503)), mixed.virtualServices.getFirst().routes().getFirst().retries());
    }
}
