package dev.sidecarinjector.inject;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds fields the Kubernetes model does not know. fabric8 keeps them in {@code additionalProperties}
 * instead of failing, which would let a typo in a template ({@code imagePulPolicy}) slip into every pod.
 */
public final class ModelStrictness {

    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

    private ModelStrictness() {
    }

    /** The paths of every unknown field under {@code root}, such as {@code spec.containers[0].imagePulPolicy}. */
    public static List<String> unknownFields(Object root, String rootPath) {
        var unknown = new ArrayList<String>();
        walk(root, rootPath, unknown);
        return unknown;
    }

    private static void walk(Object value, String path, List<String> unknown) {
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
                if (value.getClass().getPackageName().startsWith(MODEL_PACKAGE)) {
                    walkModel(value, path, unknown);
                }
            }
        }
    }

    private static void walkModel(Object model, String path, List<String> unknown) {
        for (var getter : model.getClass().getMethods()) {
            if (!isPropertyGetter(getter)) {
                continue;
            }
            var property = read(getter, model);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (property instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(key -> unknown.add(path + "." + key));
                }
            } else {
                walk(property, path + "." + Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4), unknown);
            }
        }
    }

    private static boolean isPropertyGetter(Method method) {
        return method.getName().startsWith("get") && method.getName().length() > 3
                && method.getParameterCount() == 0 && !Modifier.isStatic(method.getModifiers())
                && method.getDeclaringClass().getPackageName().startsWith(MODEL_PACKAGE);
    }

    private static Object read(Method getter, Object model) {
        try {
            return getter.invoke(model);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + getter, e);
        }
    }
}
