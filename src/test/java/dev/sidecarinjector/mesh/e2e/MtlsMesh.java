package dev.sidecarinjector.mesh.e2e;

import dev.sidecarinjector.api.probe.AppProbe;
import dev.sidecarinjector.config.InjectionSettingsFactory;
import dev.sidecarinjector.inject.AdmissionFacts;
import dev.sidecarinjector.inject.InjectionResult;
import dev.sidecarinjector.inject.PatchedPods;
import dev.sidecarinjector.inject.SidecarInjector;
import dev.sidecarinjector.inject.SidecarTemplates;
import dev.sidecarinjector.mesh.e2e.ReviewsMesh.Pod;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The mesh of {@link MtlsE2E} as the control plane reads it from its directory, and reviews' readiness probe as the
 * injector rewrites it: Bookinfo's productpage, reviews and ratings in namespace {@code default}, each with its own
 * ServiceAccount and Istio's {@code tlsMode} label, reviews STRICT and ratings PERMISSIVE.
 */
final class MtlsMesh {

    static final int PORT = 9080;
    static final String REVIEWS_CLUSTER_IP = "10.253.255.10";
    static final String RATINGS_CLUSTER_IP = "10.253.255.11";

    /** What the injector made of reviews' readiness probe: kubelet's probe (path, port) and the proxy's variable. */
    record RewrittenProbe(String path, int port, String probers) {
    }

    private MtlsMesh() {
    }

    /**
     * The three pods with the label the injector gives injected pods ({@code security.istio.io/tlsMode: istio}, which
     * turns on auto mTLS towards them), reviews and ratings behind a Service each, and the two PeerAuthentications.
     */
    static void write(Path directory, Pod client, Pod reviewsPod, Pod ratingsPod) throws IOException {
        var documents = new ArrayList<String>();
        documents.add(pod(client, "default", "productpage", "bookinfo-productpage", bookinfoImage("productpage"), PORT));
        for (var server : List.of(List.of(reviewsPod, "reviews", REVIEWS_CLUSTER_IP), List.of(ratingsPod, "ratings", RATINGS_CLUSTER_IP))) {
            var pod = (Pod) server.get(0);
            var app = (String) server.get(1);
            documents.add(pod(pod, "default", app, "bookinfo-" + app, bookinfoImage(app), PORT));
            documents.addAll(service("default", app, (String) server.get(2), PORT, PORT, pod));
        }
        // One request per upstream connection to ratings: each is a new mutual TLS handshake (the rotation case).
        documents.add("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: ratings, namespace: default}
                spec:
                  host: ratings
                  trafficPolicy:
                    connectionPool:
                      http: {maxRequestsPerConnection: 1}
                """);
        documents.add("""
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default, namespace: default}
                spec:
                  mtls: {mode: STRICT}
                """);
        documents.add("""
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: ratings, namespace: default}
                spec:
                  selector: {matchLabels: {app: ratings}}
                  mtls: {mode: PERMISSIVE}
                """);
        ReviewsMesh.write(directory, "mesh.yaml", String.join("---\n", documents));
    }

    private static String bookinfoImage(String app) {
        return "docker.io/istio/examples-bookinfo-" + app + "-v1:1.20.2";
    }

    /**
     * An injected pod as the API server holds it: labels {@code app}, {@code version} and the one the injector gives
     * injected pods ({@code security.istio.io/tlsMode: istio}, which turns on auto mTLS towards them), its
     * ServiceAccount, one container with the HTTP port {@code port}, and its address.
     */
    static String pod(Pod pod, String namespace, String app, String serviceAccount, String image, int port) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  namespace: %s
                  labels: {app: %s, version: %s, security.istio.io/tlsMode: istio}
                spec:
                  serviceAccountName: %s
                  containers:
                  - name: %s
                    image: %s
                    ports: [{name: http, containerPort: %d}]
                status:
                  podIP: %s
                """.formatted(pod.name(), namespace, app, pod.version(), serviceAccount, app, image, port, pod.ip());
    }

    /** A Service {@code app} (selector {@code app}, one port named {@code http}) and its EndpointSlice with {@code pod} ready. */
    static List<String> service(String namespace, String app, String clusterIp, int port, int targetPort, Pod pod) {
        return List.of("""
                apiVersion: v1
                kind: Service
                metadata: {name: %s, namespace: %s}
                spec:
                  clusterIP: %s
                  selector: {app: %s}
                  ports:
                  - {name: http, port: %d, targetPort: %d}
                """.formatted(app, namespace, clusterIp, app, port, targetPort), """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s-x1
                  namespace: %s
                  labels: {kubernetes.io/service-name: %s}
                addressType: IPv4
                ports:
                - {name: http, port: %d, protocol: TCP}
                endpoints:
                - addresses: [%s]
                  conditions: {ready: true}
                  targetRef: {kind: Pod, name: %s, namespace: %s}
                """.formatted(app, namespace, app, targetPort, pod.ip(), pod.name(), namespace));
    }

    /**
     * reviews as a user writes it (readiness: {@code httpGet /ready} on the named port {@code http}), injected by the
     * injector's own pure core, as kube-inject does: the probe kubelet now runs, and the proxy's
     * {@code ISTIO_KUBE_APP_PROBERS} as kubelet hands it over ({@code $$} read as {@code $}).
     */
    static RewrittenProbe injectReviews(String podName) throws Exception {
        var pod = new PodBuilder().withNewMetadata().withName(podName).withNamespace("default").addToLabels("app", "reviews").endMetadata()
                .withNewSpec().withServiceAccountName("bookinfo-reviews")
                .addNewContainer().withName("reviews").withImage("docker.io/istio/examples-bookinfo-reviews-v1:1.20.2")
                .addNewPort().withName("http").withContainerPort(PORT).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/ready").withPort(new IntOrString("http")).endHttpGet()
                .withPeriodSeconds(5).endReadinessProbe()
                .endContainer().endSpec().build();
        var settings = InjectionSettingsFactory.from(InjectionSettingsFactory.standaloneConfig(Optional.empty(), Map.of()));
        var result = SidecarInjector.inject(pod, AdmissionFacts.manual("default", Map.of()), settings, SidecarTemplates.builtIn());
        var injected = PatchedPods.apply(pod, result).getSpec();
        var containers = Stream.concat(injected.getInitContainers().stream(), injected.getContainers().stream()).toList();
        var app = find(containers, "reviews").getReadinessProbe().getHttpGet();
        var probers = find(containers, "sidecar-proxy").getEnv().stream().filter(e -> e.getName().equals(AppProbe.VARIABLE))
                .findFirst().orElseThrow(() -> new AssertionError("no " + AppProbe.VARIABLE + " on the injected proxy")).getValue();
        return new RewrittenProbe(app.getPath(), app.getPort().getIntVal(), probers.replace("$$", "$"));
    }

    private static Container find(List<Container> containers, String name) {
        return containers.stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name + " in the injected pod"));
    }
}
