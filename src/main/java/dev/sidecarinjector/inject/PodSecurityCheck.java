package dev.sidecarinjector.inject;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which injected containers a Pod Security level rejects, and why, by the Pod Security Standards' container
 * checks: baseline (privileged, capabilities beyond the default set, host ports, an Unconfined seccomp profile) and
 * restricted on top (allowPrivilegeEscalation false, non-root, a RuntimeDefault or Localhost seccomp profile, all
 * capabilities dropped and none added but NET_BIND_SERVICE). The pod's own securityContext counts where Kubernetes
 * lets a container inherit it. Init containers, native sidecars among them, are checked like the others, as the
 * admission plugin checks them: placement does not matter, the iptables init container's NET_ADMIN and NET_RAW do.
 * Pure.
 */
public final class PodSecurityCheck {

    /** The capabilities baseline allows a container to add (the container runtimes' default set). */
    static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
            "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
    static final Set<String> RESTRICTED_CAPABILITIES = Set.of("NET_BIND_SERVICE");
    private static final Set<String> CONFINED_SECCOMP = Set.of("RuntimeDefault", "Localhost");

    /** One container the level rejects, and the checks it fails, in words a person can act on. */
    public record Violation(String container, List<String> problems) {
        public Violation {
            problems = List.copyOf(problems);
        }
    }

    private PodSecurityCheck() {
    }

    /** The violations of {@code containers} under {@code level}, in their order; empty when the level admits them all. */
    public static List<Violation> check(PodSecurityLevel level, PodSecurityContext pod, List<Container> containers) {
        var violations = new ArrayList<Violation>();
        if (level == PodSecurityLevel.PRIVILEGED) {
            return violations;
        }
        var podContext = pod == null ? new PodSecurityContext() : pod;
        for (var container : containers) {
            var problems = problems(level, podContext, container);
            if (!problems.isEmpty()) {
                violations.add(new Violation(container.getName(), problems));
            }
        }
        return violations;
    }

    /**
     * The warning for one violation: the label as written, the container, what fails, and what to do, with the
     * iptables init container's own way out (interception by a CNI instead). {@code skipped}: the pod is admitted
     * without injection instead.
     */
    public static String warning(String enforced, Violation violation, boolean skipped) {
        var remedy = violation.container().equals(SidecarRenderer.INIT_NAME) ? "use a CNI (interception none)" : "fix its securityContext";
        return (skipped ? "not injected: " : "") + PodSecurityLevel.ENFORCE_LABEL + "=" + enforced + " rejects " + (skipped ? "" : "injected ")
                + violation.container() + " (" + String.join("; ", violation.problems()) + "): " + remedy
                + ", the privileged level or a namespace exemption";
    }

    /** One line for the decision's log and {@code --explain}: the label and every rejected container with its checks. */
    public static String summary(String enforced, List<Violation> violations) {
        var containers = new ArrayList<String>();
        violations.forEach(violation -> containers.add(violation.container() + " (" + String.join("; ", violation.problems()) + ")"));
        return PodSecurityLevel.ENFORCE_LABEL + "=" + enforced + " rejects " + String.join(", ", containers);
    }

    private static List<String> problems(PodSecurityLevel level, PodSecurityContext pod, Container container) {
        var context = Optional.ofNullable(container.getSecurityContext()).orElseGet(SecurityContext::new);
        var restricted = level == PodSecurityLevel.RESTRICTED;
        var problems = new ArrayList<String>();
        if (Boolean.TRUE.equals(context.getPrivileged())) {
            problems.add("privileged");
        }
        var capabilities = Optional.ofNullable(context.getCapabilities()).orElseGet(Capabilities::new);
        var allowed = restricted ? RESTRICTED_CAPABILITIES : BASELINE_CAPABILITIES;
        var added = nonNull(capabilities.getAdd()).stream().filter(Objects::nonNull).filter(capability -> !allowed.contains(capability)).distinct().toList();
        if (!added.isEmpty()) {
            problems.add("adds " + String.join(", ", added));
        }
        var hostPorts = nonNull(container.getPorts()).stream().filter(Objects::nonNull).map(ContainerPort::getHostPort)
                .filter(port -> port != null && port != 0).toList();
        if (!hostPorts.isEmpty()) {
            problems.add("hostPort " + hostPorts.getFirst());
        }
        var seccomp = Optional.ofNullable(context.getSeccompProfile()).or(() -> Optional.ofNullable(pod.getSeccompProfile()))
                .map(SeccompProfile::getType);
        if (seccomp.filter("Unconfined"::equals).isPresent()) {
            problems.add("seccompProfile Unconfined");
        } else if (restricted && seccomp.filter(CONFINED_SECCOMP::contains).isEmpty()) {
            problems.add("no seccompProfile RuntimeDefault");
        }
        if (!restricted) {
            return problems;
        }
        if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
            problems.add("allowPrivilegeEscalation not false");
        }
        var user = context.getRunAsUser() != null ? context.getRunAsUser() : pod.getRunAsUser();
        var nonRoot = context.getRunAsNonRoot() != null ? context.getRunAsNonRoot() : pod.getRunAsNonRoot();
        if (user != null && user == 0) {
            problems.add("runs as root");
        } else if (!Boolean.TRUE.equals(nonRoot)) {
            problems.add("runAsNonRoot not true");
        }
        if (!nonNull(capabilities.getDrop()).contains("ALL")) {
            problems.add("keeps capabilities (drop ALL)");
        }
        return problems;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
