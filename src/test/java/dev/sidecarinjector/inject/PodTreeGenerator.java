package dev.sidecarinjector.inject;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.ser.AnyGetterWriter;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializer;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.databind.ser.std.BooleanSerializer;
import com.fasterxml.jackson.databind.ser.std.NumberSerializers;
import com.fasterxml.jackson.databind.ser.std.StringSerializer;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes {@link PodTree}: one method per class of fabric8's model that a Pod holds, writing the properties of Jackson's
 * own serializer for that class through {@link ModelJson#MAPPER} (its names, order, getters and inclusion: a null left
 * out, an empty list or map left out where the model says {@code NON_EMPTY}), so the generated code makes the tree
 * Jackson's {@code valueToTree} makes. A class whose serializer does something else (a custom serializer, type ids, a
 * property written whatever its value, a value type not handled here) is left to Jackson whole, and named by
 * {@link #left()}. {@code PodTreeTest} checks that the checked-in file is what this writes; {@code
 * -Dgolden.update=true} rewrites it. One instance writes one source.
 */
final class PodTreeGenerator extends ModelSourceGenerator {

    static final Path TARGET = Path.of("src/main/java/dev/sidecarinjector/inject/PodTree.java");

    private static final List<Class<?>> STANDARD_SERIALIZERS = List.of(StringSerializer.class, BooleanSerializer.class,
            NumberSerializers.IntegerSerializer.class, NumberSerializers.LongSerializer.class);

    private final SerializerProvider provider = ModelJson.MAPPER.getSerializerProviderInstance();

    PodTreeGenerator() {
        super("PodTree", List.of("com.fasterxml.jackson.databind.JsonNode"));
    }

    /**
     * The properties of Jackson's serializer for {@code type}, in its order; none (and the class named in {@link
     * #left()}) when any of them is written in a way this generator does not write.
     */
    @Override
    List<Property> describe(Class<?> type) {
        try {
            var serializer = provider.findValueSerializer(type);
            if (serializer.getClass() != BeanSerializer.class) {
                return leaveClass(type, "serializer " + serializer.getClass().getName());
            }
            var bean = (BeanSerializer) serializer;
            if (field(bean, BeanSerializerBase.class, "_objectIdWriter") != null || field(bean, BeanSerializerBase.class, "_typeId") != null
                    || field(bean, BeanSerializerBase.class, "_propertyFilterId") != null) {
                return leaveClass(type, "object ids, type ids or a filter");
            }
            var found = new ArrayList<Property>();
            for (var properties = bean.properties(); properties.hasNext(); ) {
                var writer = (BeanPropertyWriter) properties.next();
                if (!(writer.getMember() instanceof AnnotatedMethod getter) || getter.getParameterCount() != 0) {
                    return leaveClass(type, writer.getName() + " is not written from a getter");
                }
                if (writer instanceof AnyGetterWriter) {
                    if (!getter.getType().isMapLikeType()) {
                        return leaveClass(type, "an any-getter that is not a map");
                    }
                    found.add(new Property(writer.getName(), getter.getName(), new Other()));
                    continue;
                }
                var value = value(writer);
                if (value == null) {
                    return leaveClass(type, writer.getName() + ": " + writer.getType());
                }
                found.add(new Property(writer.getName(), getter.getName(), value));
            }
            return found;
        } catch (JsonMappingException | ReflectiveOperationException e) {
            throw new IllegalStateException("no serializer for " + type, e);
        }
    }

    private List<Property> leaveClass(Class<?> type, String why) {
        leave(type.getSimpleName() + ": " + why);
        return List.of();
    }

    /**
     * How the property is written, or null when not as this generator writes it: a scalar of a standard serializer
     * (or fabric8's for {@code Quantity} and {@code IntOrString}, which the helpers copy) left out when null, a list
     * or map left out when empty, a bean of the model left out when null; never a type id or a value written when null.
     */
    private Value value(BeanPropertyWriter writer) throws ReflectiveOperationException {
        if (!writer.willSuppressNulls() || writer.getClass() != BeanPropertyWriter.class
                || field(writer, BeanPropertyWriter.class, "_typeSerializer") != null) {
            return null;
        }
        var suppressed = field(writer, BeanPropertyWriter.class, "_suppressableValue");
        var nonEmpty = suppressed == JsonInclude.Include.NON_EMPTY;
        if (suppressed != null && !nonEmpty) {
            return null;
        }
        var serializer = field(writer, BeanPropertyWriter.class, "_serializer");
        var type = writer.getType();
        var raw = type.getRawClass();
        if (SCALARS.containsKey(raw)) {
            var standard = serializer == null ? raw == Quantity.class || raw == IntOrString.class : STANDARD_SERIALIZERS.contains(serializer.getClass());
            return standard && !nonEmpty ? new Scalar(SCALARS.get(raw)) : null;
        }
        if (serializer != null) {
            return null;
        }
        if (bean(raw)) {
            return nonEmpty ? null : new Bean(raw);
        }
        if (!nonEmpty) {
            return null;
        }
        if (raw == List.class) {
            var content = type.getContentType().getRawClass();
            if (content == String.class || content == Integer.class || content == Long.class) {
                return new Scalar("scalars");
            }
            return bean(content) ? new BeanList(content) : null;
        }
        if (raw == Map.class && type.getKeyType().getRawClass() == String.class) {
            var content = type.getContentType().getRawClass();
            return content == String.class || content == Quantity.class ? new Scalar("map") : null;
        }
        return null;
    }

    private static boolean bean(Class<?> type) {
        return modelClass(type) && type != Quantity.class && type != IntOrString.class;
    }

    private static Object field(Object target, Class<?> owner, String name) throws ReflectiveOperationException {
        var field = owner.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
    }

    @Override
    String method(Class<?> type, String method, List<Property> found) {
        var out = new StringBuilder();
        var name = typeName(type);
        out.append("\n    static JsonNode ").append(method).append('(').append(name).append(" v) {\n");
        if (found.isEmpty()) {
            out.append("        return v == null ? null : ModelJson.MAPPER.valueToTree(v);\n    }\n");
            return out.toString();
        }
        out.append("        if (v == null) {\n            return null;\n        }\n");
        out.append("        exactly(v, ").append(name).append(".class);\n");
        out.append("        var o = NODES.objectNode();\n");
        for (var property : found) {
            var get = "v." + property.accessor() + "()";
            switch (property.value()) {
                case Other other -> out.append("        noneUnknown(").append(get).append(");\n");
                case Scalar scalar -> out.append("        ").append(scalar.helper()).append("(o, \"").append(property.name()).append("\", ").append(get).append(");\n");
                case Bean bean -> out.append("        put(o, \"").append(property.name()).append("\", ").append(methodOf(bean.type())).append('(').append(get).append("));\n");
                case BeanList list -> out.append("        if (nonEmpty(").append(get).append(")) {\n")
                        .append("            var items = o.putArray(\"").append(property.name()).append("\");\n")
                        .append("            for (var item : ").append(get).append(") {\n")
                        .append("                items.add(orNull(").append(methodOf(list.type())).append("(item)));\n")
                        .append("            }\n        }\n");
            }
        }
        out.append("        return o;\n    }\n");
        return out.toString();
    }

    @Override
    String javadoc() {
        return """
                /**
                 * Writes the pod's model into a JSON tree as {@link ModelJson#MAPPER}'s {@code valueToTree} would, without its
                 * bean serializers: a method per class of the model, each property read by its getter and written as Jackson's
                 * serializer for the class writes it. Through {@link PodTreeBase#tree}, which leaves to Jackson any value this
                 * does not write exactly as Jackson would.
                 */
                """;
    }

    /** The dispatch from a bean of any class of the walk to its method. */
    @Override
    String closing() {
        var out = new StringBuilder("""

                    /** The tree of a bean of the model, by its class's method; a class outside the pod's model is left to Jackson. */
                    static JsonNode bean(Object v) {
                        return switch (v.getClass().getName()) {
                """);
        methods().forEach((type, method) -> out.append("            case \"").append(type.getName()).append("\" -> ")
                .append(method).append("((").append(typeName(type)).append(") v);\n"));
        out.append("            default -> throw UNWRITTEN;\n        };\n    }\n");
        return out.toString();
    }
}
