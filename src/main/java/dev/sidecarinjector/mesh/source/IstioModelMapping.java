package dev.sidecarinjector.mesh.source;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBRingHash;

/**
 * Makes the Kubernetes client read what fabric8's Istio model (7.5.2) drops. {@code consistentHash.ringHash}'s member
 * class is also the class of its value, and the value is read as another {@code ringHash} member (Jackson deduces its
 * type from its field names, finds none it knows in {@code {minimumRingSize: 2048}}, and gives null): the ring's size
 * was lost. Read as a plain object instead, the size lands in the value's additional properties, where
 * {@code DestinationRuleChecker} finds it. The directory source moves the field before its strict binding instead
 * ({@code RingHashField}).
 */
public final class IstioModelMapping {

    private IstioModelMapping() {
    }

    /** Adds the mappings to {@code mapper} (the application client's, or a test's). */
    public static void register(ObjectMapper mapper) {
        mapper.addMixIn(LoadBalancerSettingsConsistentHashLBRingHash.class, PlainObject.class);
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NONE)
    private interface PlainObject {
    }
}
