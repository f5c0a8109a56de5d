package dev.sidecarinjector.inject;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;

/**
 * The value of {@code sidecar.istio.io/status}: what was injected, so a second admission injects nothing.
 * {@code placement} and {@code image} describe the proxy and are present when the sidecar template was applied.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InjectionStatus(List<String> initContainers, List<String> containers, List<String> volumes, String placement, String image,
                              List<String> templates) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static InjectionStatus of(List<String> templates, List<String> initContainers, List<String> containers, List<String> volumes,
                              Optional<SidecarSpec> sidecar) {
        return new InjectionStatus(initContainers, containers, volumes, sidecar.map(s -> s.placement().label()).orElse(null),
                sidecar.map(SidecarSpec::image).orElse(null), templates);
    }

    public String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status annotation does not serialise", e);
        }
    }
}
