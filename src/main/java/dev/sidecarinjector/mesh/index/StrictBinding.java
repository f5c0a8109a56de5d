package dev.sidecarinjector.mesh.index;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.sidecarinjector.inject.BindingError;
import dev.sidecarinjector.inject.ClosestName;
import dev.sidecarinjector.inject.ModelStrictness;
import dev.sidecarinjector.mesh.model.HttpLocalRateLimitPolicy;
import io.fabric8.kubernetes.api.model.FieldsV1;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds one document's tree to its model as strictly as the API server's typed decoding and kubectl's strict field
 * validation: an unknown field, an enum value that is not one of the enum's, a number where a string belongs (or
 * the reverse), a fraction where an integer belongs are each an error naming the field and the value, never read
 * as a default (fabric8's enums turn an unknown value into null, its models keep unknown fields aside).
 */
final class StrictBinding {

    /** What is wrong with the document: the field's path, its value (or null), and what is wrong. */
    record Failure(String field, String value, String message) {
    }

    static final class FailureException extends Exception {
        final transient Failure failure;

        FailureException(Failure failure) {
            super(failure.message());
            this.failure = failure;
        }
    }

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .withCoercionConfig(LogicalType.Textual, config -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            // "60" for a weight, "9080" for a port number: the API server refuses a string where its schema says integer or number.
            .withCoercionConfig(LogicalType.Integer, config -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Float, config -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .addMixIn(HttpLocalRateLimitPolicy.Spec.class, Strict.class)
            .addMixIn(HttpLocalRateLimitPolicy.Selector.class, Strict.class)
            .addMixIn(HttpLocalRateLimitPolicy.Limit.class, Strict.class)
            .addMixIn(HttpLocalRateLimitPolicy.Override.class, Strict.class)
            .addMixIn(HttpLocalRateLimitPolicy.ClientRef.class, Strict.class)
            .addModule(new SimpleModule().setDeserializerModifier(new BeanDeserializerModifier() {
                @Override
                public JsonDeserializer<?> modifyEnumDeserializer(DeserializationConfig config, JavaType type, BeanDescription description,
                                                                  JsonDeserializer<?> deserializer) {
                    return new KnownEnumValues(deserializer);
                }
            }))
            .build();

    /** Our own model ignores unknown fields for the cluster's client (the API server prunes them); not here. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    private interface Strict {
    }

    private StrictBinding() {
    }

    /** {@code document} as a {@code type}; any field it cannot hold as written is a failure. */
    static <T> T bind(JsonNode document, Class<T> type) throws FailureException {
        T bound;
        try {
            bound = MAPPER.treeToValue(document, type);
        } catch (UnrecognizedPropertyException e) {
            var path = MeshDocuments.path(e);
            throw new FailureException(new Failure(path, null, unknownField(e.getPropertyName(),
                    e.getKnownPropertyIds().stream().map(String::valueOf).toList())));
        } catch (JsonMappingException e) {
            throw new FailureException(wrongValue(document, e));
        } catch (JacksonException e) {
            throw new FailureException(new Failure("(document)", null, e.getOriginalMessage()));
        }
        for (var unknown : ModelStrictness.unknown(bound, "")) {
            var path = unknown.path().substring(1);
            if (!path.startsWith("status.") && unknown.owner() != FieldsV1.class) {
                var known = knownNames(unknown.owner());
                if (unknown.oneOf() && known.size() == 1) {
                    // uri: {exact: /a, prefix: /b}: fabric8 keeps the first member and files the second as unknown.
                    throw new FailureException(new Failure(path.substring(0, path.lastIndexOf('.')), null, "has " + known.getFirst() + " and "
                            + unknown.name() + ": only one of them may be set (kubectl refuses both)"));
                }
                throw new FailureException(new Failure(path, null, unknownField(unknown.name(), known)));
            }
        }
        dropped(document, MAPPER.valueToTree(bound), bound, "");
        return bound;
    }

    /**
     * A field written but not bound anywhere (fabric8's one-of fields drop what they do not know): written with a
     * value, and missing when the bound object is written back. Empty values are not compared (they are not written).
     */
    private static void dropped(JsonNode written, JsonNode bound, Object model, String path) throws FailureException {
        if (written.isObject() && bound.isObject()) {
            for (var field : written.properties()) {
                var name = field.getKey();
                var at = path.isEmpty() ? name : path + "." + name;
                if (at.equals("status") || model instanceof FieldsV1) {
                    continue;
                }
                var value = field.getValue();
                var child = model == null ? null : property(model, name);
                if (!bound.has(name) && !isEmpty(value)) {
                    var known = model == null ? List.<String>of() : knownNames(model.getClass());
                    throw new FailureException(new Failure(at, null, unknownField(name, known)));
                }
                dropped(value, bound.path(name), child, at);
            }
        } else if (written.isArray() && bound.isArray()) {
            for (var i = 0; i < written.size() && i < bound.size(); i++) {
                var item = model instanceof List<?> list && i < list.size() ? list.get(i) : null;
                dropped(written.get(i), bound.get(i), item, path + "[" + i + "]");
            }
        }
    }

    private static boolean isEmpty(JsonNode value) {
        return value.isNull() || value.isContainerNode() && value.isEmpty() || value.isTextual() && value.textValue().isEmpty();
    }

    /** The value of {@code model}'s property {@code name}, to follow the path into it; null when there is none. */
    private static Object property(Object model, String name) {
        if (model instanceof Map<?, ?> map) {
            return map.get(name);
        }
        var description = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(model.getClass()));
        for (var property : description.findProperties()) {
            if (property.getName().equals(name) && property.getAccessor() != null) {
                try {
                    property.getAccessor().fixAccess(true);
                    return property.getAccessor().getValue(model);
                } catch (RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static String unknownField(String name, Collection<String> known) {
        var closest = ClosestName.among(name, known).filter(candidate -> ClosestName.isLikelyIntent(name, candidate));
        return "is not a known field" + closest.map(candidate -> "; did you mean " + candidate + "?").orElse("")
                + " (kubectl refuses unknown fields)";
    }

    /** The JSON names of {@code owner}'s properties, for a suggestion. */
    private static List<String> knownNames(Class<?> owner) {
        var description = MAPPER.getDeserializationConfig().introspect(MAPPER.constructType(owner));
        return description.findProperties().stream()
                .filter(property -> !property.getName().equals("additionalProperties"))
                .filter(property -> property.getPrimaryMember() == null || !property.getPrimaryMember().hasAnnotation(JsonUnwrapped.class))
                .map(property -> property.getName()).toList();
    }

    /** A value of the wrong shape: what was expected, in words, and the value as written. */
    private static Failure wrongValue(JsonNode document, JsonMappingException e) {
        var path = MeshDocuments.path(e);
        if (e instanceof InvalidFormatException format && format.getTargetType() != null && format.getTargetType().isEnum()) {
            return new Failure(path, String.valueOf(format.getValue()), "is not one of " + allowed(format.getTargetType()));
        }
        var target = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatch ? mismatch.getTargetType() : null;
        var node = BindingError.at(document, e);
        if (node.isIntegralNumber() && !node.canConvertToInt() && (target == null || target == Integer.class || target == int.class)) {
            return new Failure(path, node.asText(), "is larger than a 32-bit integer holds (" + Integer.MAX_VALUE + ")");
        }
        var expected = expected(target).orElse("has the wrong type");
        if (node.isTextual() && node.textValue().isEmpty() && expected.equals("is not an object")) {
            // "spec:" with nothing after it: YAML reads an empty value.
            return new Failure(path, null, "is empty: write its fields under it, or leave it out");
        }
        var written = node.isMissingNode() || node == document ? null : MeshDocuments.abbreviate(node.isTextual() ? node.textValue() : node.toString());
        return new Failure(path, written, expected);
    }

    private static Optional<String> expected(Class<?> target) {
        if (target == null) {
            return Optional.empty();
        }
        if (target == String.class || target == Character.class || target == char.class) {
            return Optional.of("is not a string");
        }
        if (target == Integer.class || target == int.class || target == Long.class || target == long.class
                || target == Short.class || target == short.class) {
            return Optional.of("is not an integer");
        }
        if (Number.class.isAssignableFrom(target) || target.isPrimitive() && target != boolean.class) {
            return Optional.of("is not a number");
        }
        if (target == Boolean.class || target == boolean.class) {
            return Optional.of("is not a boolean (true or false)");
        }
        if (Collection.class.isAssignableFrom(target) || target.isArray()) {
            return Optional.of("is not a list");
        }
        if (Map.class.isAssignableFrom(target) || !target.isInterface() && !target.getName().startsWith("java.")) {
            return Optional.of("is not an object");
        }
        return Optional.empty();
    }

    private static String allowed(Class<?> type) {
        return String.join(", ", WRITTEN_AS.get(type));
    }

    /** Each enum's values as they are written (its constants as the mapper writes them), in the enum's order. */
    private static final ClassValue<List<String>> WRITTEN_AS = new ClassValue<>() {
        @Override
        protected List<String> computeValue(Class<?> type) {
            return Arrays.stream(type.getEnumConstants()).map(constant -> MAPPER.convertValue(constant, String.class)).toList();
        }
    };

    /** fabric8's enums answer null for a value they do not know; that is refused here, with the value. */
    private static final class KnownEnumValues extends DelegatingDeserializer {

        KnownEnumValues(JsonDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new KnownEnumValues(delegate);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            var written = parser.currentToken() != null && parser.currentToken().isScalarValue()
                    && parser.currentToken() != com.fasterxml.jackson.core.JsonToken.VALUE_NULL ? parser.getText() : null;
            var string = parser.currentToken() == com.fasterxml.jackson.core.JsonToken.VALUE_STRING;
            var value = super.deserialize(parser, context);
            // fabric8's enums take their values in any case (strict for STRICT); the CRDs' enums, and so the API server, do not.
            if (value == null && written != null
                    || string && value instanceof Enum<?> constant && !WRITTEN_AS.get(constant.getDeclaringClass()).contains(written)) {
                throw InvalidFormatException.from(parser, "not one of the enum's values", written, handledType());
            }
            return value;
        }
    }
}
