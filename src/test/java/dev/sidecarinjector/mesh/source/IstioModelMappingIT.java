package dev.sidecarinjector.mesh.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sidecarinjector.testing.DevCertificates;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHash;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBRingHash;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The application's Kubernetes client, which the kubernetes mesh source reads with, has {@link IstioModelMapping}. */
@QuarkusTest
@QuarkusTestResource(DevCertificates.class)
class IstioModelMappingIT {

    @Inject
    KubernetesClient client;

    @Test
    void theClientKeepsARingHashsSize() {
        var rule = client.getKubernetesSerialization().unmarshal("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: default}
                spec:
                  host: reviews
                  trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user, ringHash: {minimumRingSize: 2048}}}}
                """, DestinationRule.class);
        var hash = ((LoadBalancerSettingsConsistentHash) rule.getSpec().getTrafficPolicy().getLoadBalancer().getLbPolicy()).getConsistentHash();
        var ring = (LoadBalancerSettingsConsistentHashLBRingHash) hash.getHashAlgorithm();
        assertEquals(2048, ((Number) ring.getRingHash().getAdditionalProperties().get("minimumRingSize")).intValue());
    }
}
