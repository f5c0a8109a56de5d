package dev.sidecarinjector.inject;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds fields the Kubernetes model (and fabric8's Istio model, and this project's) does not know. fabric8 keeps
 * them in {@code additionalProperties} instead of failing, which would let a typo in a template
 * ({@code imagePulPolicy}) slip into every pod, or one in a mesh resource go unnoticed.
 */
public final class ModelStrictness {

    private static final List<String> MODEL_PACKAGES = List.of("io.fabric8.kubernetes.api.model", "io.fabric8.istio.api",
            "dev.sidecarinjector.mesh.model");

    /**
     * One unknown field: its path, its name, and the model class that does not know it; {@code oneOf} when that class
     * is the chosen member of a one-of (fabric8's unwrapped {@code matchType}, say), where the unknown name is usually
     * a second member written beside the first ({@code uri: {exact: /a, prefix: /b}}).
     */
    public record UnknownField(String path, String name, Class<?> owner, boolean oneOf) {
    }

    private ModelStrictness() {
    }

    /** The paths of every unknown field under {@code root}, such as {@code spec.containers[0].imagePulPolicy}. */
    public static List<String> unknownFields(Object root, String rootPath) {
        return unknown(root, rootPath).stream().map(UnknownField::path).toList();
    }

    /** Every unknown field under {@code root}, with the class it was found in (for a suggestion). */
    public static List<UnknownField> unknown(Object root, String rootPath) {
        var unknown = new ArrayList<UnknownField>();
        walk(root, rootPath, unknown);
        return unknown;
    }

    private static boolean isModel(Class<?> type) {
        var name = type.getPackageName();
        return MODEL_PACKAGES.stream().anyMatch(name::startsWith);
    }

    private static void walk(Object value, String path, List<UnknownField> unknown) {
        switch (value) {
            case null -> {
            }
            case List<?> list -> {
                for (var i = 0; i < list.size(); i++) {
                    walk(list.get(i), path + "[" + i + "]", unknown);
                }
            }
            case Map<?, ?> map -> map.forEach((key, item) -> walk(item, path + "." + key, unknown));
            default -> {
                if (isModel(value.getClass())) {
                    walkModel(value, path, unknown, false);
                }
            }
        }
    }

    private static void walkModel(Object model, String path, List<UnknownField> unknown, boolean oneOf) {
        for (var getter : model.getClass().getMethods()) {
            if (!isPropertyGetter(getter)) {
                continue;
            }
            var property = read(getter, model);
            var name = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (property instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(key -> unknown.add(new UnknownField(path + "." + key, String.valueOf(key), model.getClass(), oneOf)));
                }
            } else if (property != null && isModel(property.getClass()) && isUnwrapped(model.getClass(), name)) {
                // Written inline in the JSON: its fields are the holder's, so is their path.
                walkModel(property, path, unknown, true);
            } else {
                walk(property, path + "." + name, unknown);
            }
        }
    }

    private static boolean isUnwrapped(Class<?> type, String property) {
        for (var c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField(property).isAnnotationPresent(JsonUnwrapped.class);
            } catch (NoSuchFieldException e) {
                // declared higher up, or not a field
            }
        }
        return false;
    }

    private static boolean isPropertyGetter(Method method) {
        return method.getName().startsWith("get") && method.getName().length() > 3
                && method.getParameterCount() == 0 && !Modifier.isStatic(method.getModifiers())
                && isModel(method.getDeclaringClass());
    }

    private static Object read(Method getter, Object model) {
        try {
            return getter.invoke(model);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + getter, e);
        }
    }
}
