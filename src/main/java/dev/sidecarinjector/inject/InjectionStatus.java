package dev.sidecarinjector.inject;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;

/**
 * The value of {@code sidecar.istio.io/status}: what was injected, so a second admission injects nothing.
 * {@code placement} and {@code image} describe the proxy and are present when the sidecar template was applied.
 */
public record InjectionStatus(List<String> initContainers, List<String> containers, List<String> volumes, String placement, String image,
                              List<String> templates) {

    private static final ObjectMapper JSON = ModelJson.MAPPER;

    static InjectionStatus of(List<String> templates, List<String> initContainers, List<String> containers, List<String> volumes,
                              Optional<SidecarSpec> sidecar) {
        return new InjectionStatus(initContainers, containers, volumes, sidecar.map(s -> s.placement().label()).orElse(null),
                sidecar.map(SidecarSpec::image).orElse(null), templates);
    }

    /** The value for the last status: the pods of one workload have the same. */
    private static final LastValue<InjectionStatus, String> LAST = new LastValue<>();

    /** The annotation's value: the fields in this order, placement and image left out when null. */
    public String json() {
        return LAST.get(this, InjectionStatus::write);
    }

    private String write() {
        var out = new StringWriter();
        try (var json = JSON.createGenerator(out)) {
            json.writeStartObject();
            list(json, "initContainers", initContainers);
            list(json, "containers", containers);
            list(json, "volumes", volumes);
            if (placement != null) {
                json.writeStringField("placement", placement);
            }
            if (image != null) {
                json.writeStringField("image", image);
            }
            list(json, "templates", templates);
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("status annotation does not serialise", e);
        }
        return out.toString();
    }

    private static void list(JsonGenerator json, String field, List<String> values) throws IOException {
        if (values == null) {
            return;
        }
        json.writeArrayFieldStart(field);
        for (var value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }
}
