package dev.sidecarinjector.inject;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Map;

/**
 * The one JSON mapper of the Kubernetes model, for the review's pod as for the injection (templates, fragments,
 * overrides, the patch): Jackson builds a type's serializer and deserializer once per mapper, and for fabric8's
 * {@code Container} and what it holds that takes a few hundred milliseconds on one CPU, so every class that binds or
 * writes the model shares this one. Pods and rendered containers are bound by the generated {@link PodBinder} as this
 * mapper would bind them, and the model is written into trees by the generated {@link PodTree} as this mapper would
 * write it; this mapper (beans through {@link DirectBinding}) binds or writes only what those leave to it, so its
 * bean deserializers and serializers are built at the first such value, not at start. Not to be reconfigured; a
 * reader that needs a parser feature (the review's duplicate-key check) enables it on its own parser.
 */
public final class ModelJson {

    /** The deepest nesting a parser of this mapper reads: a pod is a dozen levels deep; 200 refuses a stack-exhausting body. */
    private static final int MAX_NESTING = 200;

    public static final ObjectMapper MAPPER = nullsAsTheApiServerReadsThem(JsonMapper.builder())
            .addModule(new DirectBinding())
            .addMixIn(ObjectMeta.class, ManagedFieldsSkipped.class)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build());
    }

    private ModelJson() {
    }

    /**
     * A null value in a map of strings (annotations, labels, a node selector, ...) is bound as the empty string, as
     * the API server binds it (Go's zero value), not kept as a null no one expects; kube-inject's mapper too.
     */
    public static <B extends MapperBuilder<?, B>> B nullsAsTheApiServerReadsThem(B builder) {
        return builder.withConfigOverride(Map.class, map -> map.setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.AS_EMPTY)));
    }

    /**
     * An object's {@code metadata.managedFields} (the API server's record of field ownership, as large as the spec for
     * a pod made by a controller) are skipped while it is bound, not built into the model: the injection neither reads
     * nor patches them. About a third of what binding them cost (their JSON is still read). Written when present.
     */
    @JsonIgnoreProperties(value = "managedFields", allowGetters = true)
    private abstract static class ManagedFieldsSkipped {
    }
}
