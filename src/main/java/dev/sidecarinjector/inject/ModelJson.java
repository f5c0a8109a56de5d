package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one plain mapper of the injection's Kubernetes model (templates, fragments, overrides, the patch): Jackson builds
 * a type's serializer and deserializer once per mapper, and for fabric8's {@code Container} and what it holds that takes
 * a few hundred milliseconds on one CPU, so every class that binds or writes the model shares this one instead of
 * building its own at the start's template check and again at the first review. Not to be reconfigured.
 */
final class ModelJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private ModelJson() {
    }
}
