package dev.sidecarinjector.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;

/** The value of {@code sidecar.istio.io/status}: what was injected, so a second admission injects nothing. */
public record InjectionStatus(List<String> initContainers, List<String> containers, List<String> volumes, String placement, String image) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static InjectionStatus of(SidecarSpec spec, List<Container> injectedInit, List<Volume> injectedVolumes) {
        var containers = spec.placement() == Placement.NATIVE ? List.<String>of() : List.of(SidecarRenderer.PROXY_NAME);
        return new InjectionStatus(injectedInit.stream().map(Container::getName).toList(), containers,
                injectedVolumes.stream().map(Volume::getName).toList(), spec.placement().label(), spec.image());
    }

    public String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status annotation does not serialise", e);
        }
    }
}
