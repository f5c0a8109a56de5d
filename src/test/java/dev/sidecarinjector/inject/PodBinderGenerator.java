package dev.sidecarinjector.inject;

import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.introspect.Annotated;
import io.fabric8.kubernetes.api.model.Quantity;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes {@link PodBinder}: one method per class of fabric8's model that a Pod holds, as Jackson sees that class
 * through {@link ModelJson#MAPPER} (its property names, setters, ignored names and value types), so the generated code
 * binds exactly the properties Jackson would. A property whose type it does not handle (an untyped value, a custom
 * deserializer, a number that is not an integer) gets no case, and a pod that has it falls back to Jackson.
 * {@code PodBinderTest} checks that the checked-in file is what this writes; {@code -Dgolden.update=true} rewrites it.
 * One instance writes one source.
 */
final class PodBinderGenerator extends ModelSourceGenerator {

    static final Path TARGET = Path.of("src/main/java/dev/sidecarinjector/inject/PodBinder.java");


    private final DeserializationConfig config = ModelJson.MAPPER.getDeserializationConfig();

    PodBinderGenerator() {
        super("PodBinder", List.of("com.fasterxml.jackson.core.JsonParser", "java.io.IOException"));
    }

    /** The properties Jackson binds on {@code type} through a setter, in Jackson's order, and the names it ignores. */
    @Override
    List<Property> describe(Class<?> type) {
        var javaType = config.constructType(type);
        var description = config.introspect(javaType);
        var found = new ArrayList<Property>();
        var ignorals = config.getDefaultPropertyIgnorals(type, description.getClassInfo());
        for (var name : new TreeSet<>(ignorals.findIgnoredForDeserialization())) {
            found.add(new Property(name, null, new Other()));
        }
        for (var definition : description.findProperties()) {
            var setter = definition.getSetter();
            if (setter == null || found.stream().anyMatch(p -> p.name().equals(definition.getName()))) {
                continue;
            }
            var value = value(setter.getParameterType(0), setter, definition.getField());
            if (value != null) {
                found.add(new Property(definition.getName(), setter.getName(), value));
            } else {
                leave(type.getSimpleName() + "." + definition.getName() + ": " + setter.getParameterType(0));
            }
        }
        return found;
    }

    /** How to read a value of {@code type}; null when this binder leaves it to Jackson. */
    private Value value(JavaType type, Annotated... members) {
        for (var member : members) {
            if (member != null && (custom(member) || config.getAnnotationIntrospector().findContentDeserializer(member) != null)) {
                return null;
            }
        }
        var raw = type.getRawClass();
        if (SCALARS.containsKey(raw)) {
            return new Scalar(SCALARS.get(raw));
        }
        if (raw == List.class) {
            var content = type.getContentType().getRawClass();
            var helper = Map.of(String.class, "strings", Integer.class, "integers", Long.class, "longs").get(content);
            if (helper != null) {
                return new Scalar(helper);
            }
            return bean(content) ? new BeanList(content) : null;
        }
        if (raw == Map.class && type.getKeyType().getRawClass() == String.class) {
            var content = type.getContentType().getRawClass();
            return content == String.class ? new Scalar("stringMap") : content == Quantity.class ? new Scalar("quantityMap") : null;
        }
        return bean(raw) ? new Bean(raw) : null;
    }

    private boolean custom(Annotated member) {
        return config.getAnnotationIntrospector().findDeserializer(member) != null;
    }

    /** A concrete class of the model with a public no-argument constructor and no deserializer of its own. */
    private boolean bean(Class<?> type) {
        if (!modelClass(type)) {
            return false;
        }
        try {
            if (!Modifier.isPublic(type.getConstructor().getModifiers())) {
                return false;
            }
        } catch (NoSuchMethodException e) {
            return false;
        }
        return !custom(config.introspectClassAnnotations(type).getClassInfo());
    }

    @Override
    String method(Class<?> type, String method, List<Property> found) {
        var out = new StringBuilder();
        var name = typeName(type);
        out.append("\n    static ").append(name).append(' ').append(method).append("(JsonParser p) throws IOException {\n");
        if (found.size() > Long.SIZE) {
            throw new IllegalStateException(type + " has " + found.size() + " properties: more than a long's bits to tell a duplicate key");
        }
        var names = constant(method);
        out.append("        var v = new ").append(name).append("();\n");
        out.append("        var seen = 0L;\n");
        out.append("        for (var i = ").append(names).append(".next(p, PropertyNames.END); i != PropertyNames.END; i = ")
                .append(names).append(".next(p, i)) {\n");
        out.append("            seen = once(seen, 1L << i);\n");
        out.append("            switch (i) {\n");
        for (var i = 0; i < found.size(); i++) {
            var property = found.get(i);
            out.append("                case ").append(i).append(" -> ");
            switch (property.value()) {
                case Other other -> out.append("skip(p);");
                case Scalar scalar -> out.append("v.").append(property.accessor()).append('(').append(scalar.helper()).append("(p));");
                case Bean bean -> out.append("v.").append(property.accessor()).append('(').append(methodOf(bean.type())).append("(object(p)));");
                case BeanList list -> out.append("v.").append(property.accessor()).append("(list(p, PodBinder::").append(methodOf(list.type())).append("));");
            }
            out.append(" // ").append(property.name()).append('\n');
        }
        out.append("            }\n        }\n        return v;\n    }\n");
        var declaration = new StringBuilder("\n    private static final PropertyNames ").append(names).append(" = new PropertyNames(");
        var line = new StringBuilder();
        for (var i = 0; i < found.size(); i++) {
            var quoted = '"' + found.get(i).name() + '"' + (i + 1 < found.size() ? "," : ");");
            if (!line.isEmpty() && line.length() + quoted.length() > 110) {
                declaration.append('\n').append(line);
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "            " : " ").append(quoted);
        }
        return declaration.append('\n').append(line).append('\n').append(out).toString();
    }

    /** The name of the constant holding a method's property names: {@code podSpec} reads {@code POD_SPEC}. */
    private static String constant(String method) {
        return method.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    @Override
    String javadoc() {
        return """
                /**
                 * Binds a Pod's JSON as Jackson would through {@link ModelJson#MAPPER}, without its bean machinery: a
                 * method per class of the model, a switch on the property's index in the class's {@link PropertyNames}
                 * (which reads the name the API server's order predicts by comparing bytes), the setter called directly. Only
                 * values of the expected JSON type are taken (a string for a string, an integer for a number, no
                 * nulls, no unknown property, no key named twice in an object: a bit per property); anything else throws
                 * {@link PodBinderBase#UNBOUND}, for the caller to bind the pod with Jackson instead, which then says what
                 * it says of such a value.
                 */
                """;
    }
}
