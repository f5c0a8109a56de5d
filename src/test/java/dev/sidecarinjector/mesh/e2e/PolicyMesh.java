package dev.sidecarinjector.mesh.e2e;

import dev.sidecarinjector.mesh.e2e.ReviewsMesh.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The mesh of {@link PolicyE2E} as the control plane reads it from its directory: the design document's
 * {@code payment} Service in namespace {@code production} (port 80 to the app's 8080, STRICT by its workload's
 * PeerAuthentication), its client pods, each with its own ServiceAccount, and its policies (AuthorizationPolicy,
 * RequestAuthentication, HTTPLocalRateLimitPolicy), one file each, so a case can add, rewrite or remove one as a user
 * edits the ConfigMap behind the directory.
 */
final class PolicyMesh {

    static final String NAMESPACE = "production";
    static final String CLUSTER_IP = "10.253.255.20";
    static final int SERVICE_PORT = 80;
    static final int APP_PORT = 8080;
    static final String HOST = "payment." + NAMESPACE + ".svc.cluster.local";
    static final String CHARGE = "/api/v1/charge";
    static final String REFUND = "/api/v1/refund";
    /** The design document's policy and the ServiceAccounts it names. */
    static final String DESIGN_POLICY = "payment-service-policy";
    static final List<String> DESIGN_CALLERS = List.of("order-service", "refund-service");

    /** A client pod: the pod, and its app's name, which is also its ServiceAccount's (the design document's names). */
    record Client(Pod pod, String app) {
    }

    private final Path directory;

    PolicyMesh(Path directory) {
        this.directory = directory;
    }

    /** payment's pod, Service, EndpointSlice and STRICT PeerAuthentication, and the client pods. */
    void writeWorkloads(Pod payment, List<Client> clients) throws IOException {
        var documents = new ArrayList<String>();
        documents.add(MtlsMesh.pod(payment, NAMESPACE, "payment", "payment", "example/payment:1.0", APP_PORT));
        documents.addAll(MtlsMesh.service(NAMESPACE, "payment", CLUSTER_IP, SERVICE_PORT, APP_PORT, payment));
        documents.add("""
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: payment, namespace: %s}
                spec:
                  selector: {matchLabels: {app: payment}}
                  mtls: {mode: STRICT}
                """.formatted(NAMESPACE));
        for (var client : clients) {
            documents.add(MtlsMesh.pod(client.pod(), NAMESPACE, client.app(), client.app(), "example/" + client.app() + ":1.0", APP_PORT));
        }
        ReviewsMesh.write(directory, "workloads.yaml", String.join("---\n", documents));
    }

    /**
     * The design document's {@code payment-service-policy} (ALLOW: POST to {@link #CHARGE} and {@link #REFUND} from
     * these ServiceAccounts' principals; {@link #DESIGN_CALLERS} makes it word for word), replacing its file.
     */
    void writeDesignPolicy(List<String> serviceAccounts) throws IOException {
        ReviewsMesh.write(directory, DESIGN_POLICY + ".yaml", """
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  selector:
                    matchLabels:
                      app: payment
                  rules:
                  - from:
                    - source:
                        principals:
                %s
                    to:
                    - operation:
                        methods: ["POST"]
                        paths: ["%s", "%s"]
                """.formatted(DESIGN_POLICY, NAMESPACE, serviceAccounts.stream().map(sa -> "- \"" + principal(sa) + "\"")
                .collect(Collectors.joining("\n        ", "        ", "")), CHARGE, REFUND));
    }

    /** A DENY policy {@code name} for payment: any request from {@code serviceAccount} to {@code path}, in a file of its own. */
    void writeDenyPolicy(String name, String serviceAccount, String path) throws IOException {
        ReviewsMesh.write(directory, name + ".yaml", """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: %s, namespace: %s}
                spec:
                  selector: {matchLabels: {app: payment}}
                  action: DENY
                  rules:
                  - from:
                    - source: {principals: ["%s"]}
                    to:
                    - operation: {paths: ["%s"]}
                """.formatted(name, NAMESPACE, principal(serviceAccount), path));
    }

    /**
     * "Require a JWT" on {@code path} as docs/mesh.md writes it, in one file {@code name} (so both arrive in one
     * snapshot): a RequestAuthentication for payment with {@code issuer} and its key set inline, and a DENY policy
     * {@code name} for requests to {@code path} without a request principal.
     */
    void writeRequireJwt(String name, String issuer, String audience, String jwks, String path) throws IOException {
        ReviewsMesh.write(directory, name + ".yaml", """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: %s, namespace: %s}
                spec:
                  selector: {matchLabels: {app: payment}}
                  jwtRules:
                  - issuer: %s
                    audiences: [%s]
                    jwks: '%s'
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: %s, namespace: %s}
                spec:
                  selector: {matchLabels: {app: payment}}
                  action: DENY
                  rules:
                  - from:
                    - source: {notRequestPrincipals: ["*"]}
                    to:
                    - operation: {paths: ["%s"]}
                """.formatted(name, NAMESPACE, issuer, audience, jwks, name, NAMESPACE, path));
    }

    /**
     * An HTTPLocalRateLimitPolicy {@code name} for payment's port: {@code identityRps} requests a second for each
     * client, {@code overrideRps} for {@code serviceAccount}.
     */
    void writeRateLimit(String name, int identityRps, String serviceAccount, int overrideRps) throws IOException {
        ReviewsMesh.write(directory, name + ".yaml", """
                apiVersion: policy.sidecarinjector.dev/v1alpha1
                kind: HTTPLocalRateLimitPolicy
                metadata: {name: %s, namespace: %s}
                spec:
                  selector: {matchLabels: {app: payment}}
                  port: %d
                  identity: {requestsPerSecond: %d}
                  overrides:
                  - requestsPerSecond: %d
                    clientRefs:
                    - {kind: ServiceAccount, name: %s}
                """.formatted(name, NAMESPACE, APP_PORT, identityRps, overrideRps, serviceAccount));
    }

    /** Removes the file {@code name} wrote, and with it its resources. */
    void remove(String name) throws IOException {
        Files.delete(directory.resolve(name + ".yaml"));
    }

    /** Istio's principal of a ServiceAccount of the namespace, as policies name it. */
    static String principal(String serviceAccount) {
        return "cluster.local/ns/" + NAMESPACE + "/sa/" + serviceAccount;
    }

    /** The name the proxy gives the first rule of a policy of the namespace (Envoy's, in its log and the RBAC counters). */
    static String firstRule(String policy) {
        return "ns[" + NAMESPACE + "]-policy[" + policy + "]-rule[0]";
    }
}
