package dev.sidecarinjector.mesh.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The mesh the control plane reads from its directory, as the API server would hold it: Bookinfo's {@code reviews}
 * Service (a ClusterIP that exists only in configuration, port 9080 named {@code http}) with its pods and
 * EndpointSlice at the lab's addresses, the client pod {@code productpage}, and the routing of each case (one
 * VirtualService and one DestinationRule in {@code routing.yaml}). Files are replaced atomically, as a ConfigMap
 * volume swaps them, so the control plane never reads half a file.
 */
final class ReviewsMesh {

    static final String CLUSTER_IP = "10.253.255.10";
    static final int PORT = 9080;
    static final String SERVICE = CLUSTER_IP + ":" + PORT;
    static final String HOST = "reviews.default.svc.cluster.local";
    static final String TCP_CLUSTER_IP = "10.253.255.11";
    static final int TCP_PORT = 9090;
    static final String CLIENT_POD = "productpage-v1-7b9c6d5f4a-p8r6t";
    static final String CLIENT_SERVICE_ACCOUNT = "bookinfo-productpage";

    /** A reviews pod: its name (also its {@code x-pod}), version label, and address. */
    record Pod(String name, String version, String ip) {
    }

    private final Path directory;
    private final String clientIp;

    ReviewsMesh(Path directory, String clientIp) {
        this.directory = directory;
        this.clientIp = clientIp;
    }

    /** The client pod and the reviews Service with these pods ready in its EndpointSlice. */
    void writeWorkloads(List<Pod> reviews) throws IOException {
        write("productpage.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  namespace: default
                  labels: {app: productpage, version: v1}
                spec:
                  serviceAccountName: %s
                  containers:
                  - {name: productpage, image: docker.io/istio/examples-bookinfo-productpage-v1:1.20.2}
                status:
                  podIP: %s
                """.formatted(CLIENT_POD, CLIENT_SERVICE_ACCOUNT, clientIp));
        var documents = new ArrayList<String>();
        documents.add("""
                apiVersion: v1
                kind: Service
                metadata: {name: reviews, namespace: default, labels: {app: reviews}}
                spec:
                  clusterIP: %s
                  selector: {app: reviews}
                  ports:
                  - {name: http, port: %d, targetPort: %d}
                """.formatted(CLUSTER_IP, PORT, PORT));
        for (var pod : reviews) {
            documents.add("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: %s, namespace: default, labels: {app: reviews, version: %s}}
                    spec:
                      serviceAccountName: bookinfo-reviews
                      containers:
                      - {name: reviews, image: docker.io/istio/examples-bookinfo-reviews-%s:1.20.2}
                    status:
                      podIP: %s
                    """.formatted(pod.name(), pod.version(), pod.version(), pod.ip()));
        }
        var endpoints = endpoints(reviews);
        documents.add("""
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: reviews-8mx2k
                  namespace: default
                  labels: {kubernetes.io/service-name: reviews}
                addressType: IPv4
                ports:
                - {name: http, port: %d, protocol: TCP}
                endpoints:
                %s""".formatted(PORT, endpoints));
        write("reviews.yaml", String.join("---\n", documents));
    }

    /**
     * A second Service over the same pods, {@code reviews-tcp} at {@link #TCP_CLUSTER_IP}:{@link #TCP_PORT}, whose port
     * is named {@code tcp-reviews} (so relayed at L4, not routed as HTTP) and targets the pods' HTTP port; a
     * DestinationRule with subsets v1 and v2; and a VirtualService whose first tcp route applies only to a client
     * labelled {@code app: ratings} (to v1) and whose second, for every other client, sends every connection to v2.
     */
    void writeTcpServiceAndRouting(List<Pod> reviews) throws IOException {
        var endpoints = endpoints(reviews);
        write("reviews-tcp.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: reviews-tcp, namespace: default}
                spec:
                  clusterIP: %s
                  selector: {app: reviews}
                  ports:
                  - {name: tcp-reviews, port: %d, targetPort: %d}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: reviews-tcp-4kq9z
                  namespace: default
                  labels: {kubernetes.io/service-name: reviews-tcp}
                addressType: IPv4
                ports:
                - {name: tcp-reviews, port: %d, protocol: TCP}
                endpoints:
                %s---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews-tcp, namespace: default}
                spec:
                  host: reviews-tcp
                  subsets:
                  - {name: v1, labels: {version: v1}}
                  - {name: v2, labels: {version: v2}}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews-tcp, namespace: default}
                spec:
                  hosts: [reviews-tcp]
                  tcp:
                  - match:
                    - sourceLabels: {app: ratings}
                    route:
                    - destination: {host: reviews-tcp, subset: v1}
                  - route:
                    - destination: {host: reviews-tcp, subset: v1}
                      weight: 0
                    - destination: {host: reviews-tcp, subset: v2}
                      weight: 100
                """.formatted(TCP_CLUSTER_IP, TCP_PORT, PORT, PORT, endpoints));
    }

    /**
     * The design document's VirtualService and DestinationRule, as examples/mesh holds them (90 % to v1, 10 % to v2),
     * with these two weights written in their place.
     */
    void writeDesignRouting(int v1Weight, int v2Weight) throws IOException {
        var design = Files.readString(Path.of("examples/mesh/reviews-routing.yaml"));
        if (!design.contains("weight: 90") || !design.contains("weight: 10")) {
            throw new IllegalStateException("examples/mesh/reviews-routing.yaml no longer has the weights 90 and 10");
        }
        write("routing.yaml", design.replace("weight: 90", "weight: @v1@").replace("weight: 10", "weight: " + v2Weight)
                .replace("weight: @v1@", "weight: " + v1Weight));
    }

    /**
     * A VirtualService for {@code reviews} with one HTTP route: {@code routeFields} are the route's fields after
     * {@code route:} (indented for it, e.g. a timeout), and the destinations are the subsets v1 and v2 with these
     * weights (a weight of 0 leaves the subset out); and a DestinationRule with subsets v1 and v2 by the label
     * {@code version} and this top-level {@code trafficPolicy} (YAML indented for it; empty for none).
     */
    void writeRouting(int v1Weight, int v2Weight, String routeFields, String trafficPolicy) throws IOException {
        var destinations = new StringBuilder();
        for (var subset : List.of(List.of("v1", v1Weight), List.of("v2", v2Weight))) {
            if ((int) subset.get(1) > 0) {
                destinations.append("""
                            - destination: {host: reviews, subset: %s}
                              weight: %d
                        """.formatted(subset.get(0), subset.get(1)));
            }
        }
        write("routing.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: default}
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                %s%s
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: default}
                spec:
                  host: reviews
                %s  subsets:
                  - {name: v1, labels: {version: v1}}
                  - {name: v2, labels: {version: v2}}
                """.formatted(destinations, routeFields.stripTrailing(),
                trafficPolicy.isBlank() ? "" : "  trafficPolicy:\n" + trafficPolicy.stripTrailing() + "\n"));
    }

    /** The EndpointSlice entries of these pods, ready, each with its pod as target. */
    private static String endpoints(List<Pod> pods) {
        var endpoints = new StringBuilder();
        for (var pod : pods) {
            endpoints.append("""
                    - addresses: [%s]
                      conditions: {ready: true}
                      targetRef: {kind: Pod, name: %s, namespace: default}
                    """.formatted(pod.ip(), pod.name()));
        }
        return endpoints.toString();
    }

    private void write(String name, String content) throws IOException {
        write(directory, name, content);
    }

    /** Replaces {@code name} in the control plane's {@code directory} atomically, as a ConfigMap volume swaps its files. */
    static void write(Path directory, String name, String content) throws IOException {
        var temporary = directory.resolve("." + name + ".tmp");
        Files.writeString(temporary, content);
        Files.move(temporary, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
