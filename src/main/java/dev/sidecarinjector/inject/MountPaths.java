package dev.sidecarinjector.inject;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The volume mounts of one container the injection renders or merges, checked as the container runtime will see
 * them: two mounts at one path (compared normalised: {@code /var/log/app/}, {@code /var/log//app} and
 * {@code /var/log/./app} are one path), or a mount at or above the container's own command, which the volume would
 * hide, make a pod the API server refuses or a container that cannot start. The refusal names what is responsible:
 * the pod's declaration of the container (override by name), else the annotation or setting the path came from
 * ({@link Source}), else the template itself.
 */
final class MountPaths {

    /** Where a template's mount path came from: {@code field: "value"} (an annotation or a setting), the volume mounted there. */
    record Source(String field, String value, String volume) {
    }

    private MountPaths() {
    }

    /** The path as Go's {@code path.Clean} makes it: no empty or {@code .} segment, {@code ..} resolved, no trailing slash. */
    static String normal(String path) {
        if (path == null || path.isEmpty()) {
            return "";
        }
        if (path.startsWith("/") && !path.contains("//") && !path.contains("/.") && (path.length() == 1 || !path.endsWith("/"))) {
            return path; // already clean, as nearly every path is: checked on every review, so no copy
        }
        var segments = new ArrayDeque<String>();
        var absolute = path.startsWith("/");
        for (var segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (!segments.isEmpty() && !segments.peekLast().equals("..")) {
                    segments.removeLast();
                } else if (!absolute) {
                    segments.addLast(segment);
                }
                continue;
            }
            segments.addLast(segment);
        }
        var joined = String.join("/", segments);
        return absolute ? "/" + joined : joined.isEmpty() ? "." : joined;
    }

    /** True when {@code path} is {@code dir} or lies below it (both normalised). */
    static boolean within(String path, String dir) {
        return path.equals(dir) || dir.equals("/") || path.startsWith(dir + "/");
    }

    /**
     * Checks one injected container. {@code declared} and {@code declaredField} are the pod's declaration merged over
     * it (null when none), {@code sources} the template's mount paths that came from an annotation or a setting, by
     * normalised path.
     */
    static void check(Container container, String template, Container declared, String declaredField, Map<String, Source> sources) {
        var mounts = container.getVolumeMounts() == null ? List.<VolumeMount>of() : container.getVolumeMounts();
        var paths = new String[mounts.size()];
        for (var i = 0; i < paths.length; i++) {
            paths[i] = normal(mounts.get(i).getMountPath());
        }
        for (var i = 0; i < paths.length; i++) {
            var path = paths[i];
            for (var j = i + 1; j < paths.length; j++) {
                if (path.equals(paths[j])) {
                    throw twice(container, template, mounts.get(i), mounts.get(j), declared, declaredField, sources);
                }
            }
        }
        var command = container.getCommand() == null || container.getCommand().isEmpty() ? null : container.getCommand().getFirst();
        if (command == null || !command.startsWith("/")) {
            return;
        }
        var executable = normal(command);
        for (var i = 0; i < paths.length; i++) {
            var mount = mounts.get(i);
            var path = paths[i];
            if (within(executable, path)) {
                var problem = "would hide " + executable + ", the command of the " + container.getName() + " container, under the volume " + mount.getName();
                throw blame(path, mount, declared, declaredField, sources, problem,
                        "template " + template + " mounts the volume " + mount.getName() + " of its container " + container.getName()
                                + " at " + mount.getMountPath() + ", which hides its command " + executable);
            }
        }
    }

    private static RuntimeException twice(Container container, String template, VolumeMount first, VolumeMount second, Container declared,
                                          String declaredField, Map<String, Source> sources) {
        var path = normal(first.getMountPath());
        var source = sources.get(path);
        // The volume the blamed value did not put there, which it clashes with.
        var other = source != null && source.volume().equals(first.getName()) ? second : first;
        var problem = "is where the " + container.getName() + " container mounts its volume " + other.getName()
                + ": a container cannot mount two volumes at one path";
        return blame(path, null, declared, declaredField, sources, problem,
                "template " + template + " mounts the volumes " + first.getName() + " and " + second.getName() + " of its container "
                        + container.getName() + " at one path, " + path);
    }

    /** The refusal, naming the pod's declaration, else the annotation or setting, else (a template's own mistake) the template. */
    private static RuntimeException blame(String path, VolumeMount mount, Container declared, String declaredField, Map<String, Source> sources,
                                          String problem, String templateProblem) {
        var declaredMounts = declared == null || declared.getVolumeMounts() == null ? List.<VolumeMount>of() : declared.getVolumeMounts();
        for (var k = 0; k < declaredMounts.size(); k++) {
            var candidate = declaredMounts.get(k);
            if (candidate != null && path.equals(normal(candidate.getMountPath())) && (mount == null || Objects.equals(candidate.getName(), mount.getName()))) {
                return new InvalidValueException(declaredField + ".volumeMounts[" + k + "].mountPath", candidate.getMountPath(), problem);
            }
        }
        var source = sources.get(path);
        if (source != null && (mount == null || source.volume().equals(mount.getName()))) {
            return new InvalidValueException(source.field(), source.value(), problem);
        }
        return new TemplateException(templateProblem);
    }
}
