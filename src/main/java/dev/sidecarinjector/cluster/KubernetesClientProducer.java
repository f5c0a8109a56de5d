package dev.sidecarinjector.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidecarinjector.mesh.source.IstioModelMapping;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The application's Kubernetes client: fabric8's, configured as fabric8 configures itself (in a pod the service
 * account's token, CA and namespace; elsewhere the kubeconfig, or the {@code kubernetes.*} system properties), on the
 * application's Vert.x, reading Istio's resources with {@link IstioModelMapping}. It is built at its first use, which
 * only the cluster's sources make: with no cluster none is built. (Quarkus's Kubernetes client extension built the
 * client's serialization at every start, cluster or not: about 0.1 s of a one-CPU start, docs/benchmarks.md.)
 */
@Singleton
public class KubernetesClientProducer {

    @Produces
    @Singleton
    KubernetesClient client(Vertx vertx) {
        var mapper = new ObjectMapper();
        IstioModelMapping.register(mapper);
        return new KubernetesClientBuilder()
                .withHttpClientFactory(new VertxHttpClientFactory(vertx))
                .withKubernetesSerialization(new KubernetesSerialization(mapper, true))
                .build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }
}
