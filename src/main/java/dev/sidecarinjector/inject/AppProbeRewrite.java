package dev.sidecarinjector.inject;

import dev.sidecarinjector.api.probe.AppProbe;
import dev.sidecarinjector.api.text.ShownValue;
import dev.sidecarinjector.inject.PodAssembly.Own;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Istio's probe rewrite: each httpGet, tcpSocket and grpc probe of the pod's own containers becomes an httpGet of the
 * proxy's status port ({@code /app-health/<container>/readyz|livez|startupz}), and the original goes to the proxy in
 * {@code ISTIO_KUBE_APP_PROBERS}; the proxy runs it against the app from 127.0.0.6, which the interception lets
 * through, so kubelet's probes keep working when inbound traffic must be mTLS. A probe that cannot be handed over (a
 * named port the container does not declare) is left as it is, with a warning. Pure.
 */
final class AppProbeRewrite {

    /** A probe of the pod, its getter, and the check the proxy answers it on. */
    private record Kind(String field, String check, Function<Container, Probe> get) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("readinessProbe", "readyz", Container::getReadinessProbe),
            new Kind("livenessProbe", "livez", Container::getLivenessProbe),
            new Kind("startupProbe", "startupz", Container::getStartupProbe));

    /** The variable's value for the last pod's probes: the pods of one workload have the same. */
    private static final LastValue<Map<String, AppProbe>, String> PROBERS = new LastValue<>();

    private AppProbeRewrite() {
    }

    /**
     * Moves the probes of {@code own} (the pod's containers; the moved probes go into their edits), hands the originals
     * to {@code proxy} and returns the warnings about probes left as they were. {@code declaredProxy} is the pod's own
     * {@code sidecar-proxy} declaration (override by name), if any, to name its fields.
     */
    static List<String> apply(List<Own> own, ContainerEdits proxy, Optional<Own> declaredProxy, int statusPort) {
        var probes = new TreeMap<String, AppProbe>();
        var warnings = new ArrayList<String>();
        for (var container : own) {
            for (var kind : KINDS) {
                var probe = kind.get().apply(container.container());
                if (probe == null) {
                    continue;
                }
                var field = container.field() + "." + kind.field();
                var path = AppProbe.PATH_PREFIX + container.container().getName() + "/" + kind.check();
                read(probe, container.container(), field, statusPort, warnings::add).ifPresent(original -> {
                    probes.put(path, original);
                    container.edits().set(kind.field(), onStatusPort(probe, path, statusPort));
                });
            }
        }
        handOver(probes, proxy, declaredProxy);
        return warnings;
    }

    /**
     * The probe as the proxy runs it; empty for one the proxy does not take over: exec (it runs in the container),
     * one already aimed at the status port (as Istio's injector leaves it), and one it cannot hand over (warned).
     */
    private static Optional<AppProbe> read(Probe probe, Container container, String field, int statusPort, Consumer<String> warn) {
        var timeout = timeoutSeconds(probe.getTimeoutSeconds());
        if (probe.getHttpGet() != null) {
            var http = probe.getHttpGet();
            var scheme = http.getScheme() == null ? "HTTP" : http.getScheme();
            if (!scheme.equalsIgnoreCase("HTTP") && !scheme.equalsIgnoreCase("HTTPS")) {
                warn.accept(left(field + ".httpGet.scheme", "\"" + scheme + "\"", "is not HTTP or HTTPS", statusPort));
                return Optional.empty();
            }
            var headers = http.getHttpHeaders() == null ? List.<AppProbe.Header>of() : http.getHttpHeaders().stream()
                    .map(h -> new AppProbe.Header(orEmpty(h.getName()), orEmpty(h.getValue()))).toList();
            return port(http.getPort(), container, field + ".httpGet.port", statusPort, warn)
                    .map(port -> AppProbe.httpGet(port, http.getPath(), scheme, http.getHost(), headers, timeout));
        }
        if (probe.getTcpSocket() != null) {
            var tcp = probe.getTcpSocket();
            return port(tcp.getPort(), container, field + ".tcpSocket.port", statusPort, warn)
                    .map(port -> AppProbe.tcpSocket(port, tcp.getHost(), timeout));
        }
        if (probe.getGrpc() != null) {
            var grpc = probe.getGrpc();
            var number = grpc.getPort() == null ? 0 : grpc.getPort();
            return number == statusPort ? Optional.empty() : inRange(number, field + ".grpc.port", statusPort, warn)
                    .map(port -> AppProbe.grpc(port, grpc.getService(), timeout));
        }
        return Optional.empty();
    }

    /**
     * The probe's port as a number: a name resolved against the container's own ports, as kubelet resolves it.
     * Empty for the status port itself: that probe was rewritten already (Istio's injector skips it too).
     */
    private static Optional<Integer> port(IntOrString port, Container container, String field, int statusPort, Consumer<String> warn) {
        if (port != null && port.getStrVal() != null) {
            var name = port.getStrVal();
            var declared = container.getPorts() == null ? Optional.<Integer>empty() : container.getPorts().stream()
                    .filter(p -> p != null && name.equals(p.getName()) && p.getContainerPort() != null)
                    .map(p -> p.getContainerPort()).findFirst();
            if (declared.isEmpty()) {
                warn.accept(left(field, ShownValue.of(name, "\""), "names no port of container " + container.getName(), statusPort));
            }
            return declared.filter(number -> number != statusPort).flatMap(number -> inRange(number, field, statusPort, warn));
        }
        var number = port == null || port.getIntVal() == null ? 0 : port.getIntVal();
        return number == statusPort ? Optional.empty() : inRange(number, field, statusPort, warn);
    }

    private static Optional<Integer> inRange(int port, String field, int statusPort, Consumer<String> warn) {
        if (port < 1 || port > 65535) {
            warn.accept(left(field, Integer.toString(port), "is not a port (1-65535)", statusPort));
            return Optional.empty();
        }
        return Optional.of(port);
    }

    /** Kubernetes' default is 1 s; the proxy takes at most an hour, and kubelet's own timeout still bounds the call. */
    private static int timeoutSeconds(Integer seconds) {
        return seconds == null || seconds < 1 ? 1 : Math.min(seconds, AppProbe.MAX_TIMEOUT_SECONDS);
    }

    /**
     * Kubelet's probe now: HTTP to the status port at the check's path, every timing field kept (and any field the
     * model does not know). Made field by field rather than through a builder's deep copy of the old check, four times
     * per pod; {@code AppProbeRewriteTest} fails when the model gains a field this does not copy.
     */
    static Probe onStatusPort(Probe original, String path, int statusPort) {
        var probe = new Probe();
        probe.setFailureThreshold(original.getFailureThreshold());
        probe.setInitialDelaySeconds(original.getInitialDelaySeconds());
        probe.setPeriodSeconds(original.getPeriodSeconds());
        probe.setSuccessThreshold(original.getSuccessThreshold());
        probe.setTerminationGracePeriodSeconds(original.getTerminationGracePeriodSeconds());
        probe.setTimeoutSeconds(original.getTimeoutSeconds());
        original.getAdditionalProperties().forEach(probe::setAdditionalProperty);
        var check = new HTTPGetAction();
        check.setPath(path);
        check.setPort(new IntOrString(statusPort));
        check.setScheme("HTTP");
        probe.setHttpGet(check);
        return probe;
    }

    /**
     * Puts the document on the proxy. Kubernetes expands {@code $(NAME)} in env values and reads {@code $$} as
     * {@code $}, so every dollar sign is doubled and the proxy reads the probes as the pod wrote them. A variable of
     * that name already on the proxy (the pod's declaration, or a replaced template) would hide it or be hidden.
     */
    private static void handOver(Map<String, AppProbe> probes, ContainerEdits proxy, Optional<Own> declaredProxy) {
        if (probes.isEmpty()) {
            return;
        }
        var env = new ArrayList<>(proxy.env());
        if (env.stream().anyMatch(e -> e != null && AppProbe.VARIABLE.equals(e.getName()))) {
            var declaredEnv = declaredProxy.map(own -> own.container().getEnv()).orElse(List.of());
            for (var i = 0; i < declaredEnv.size(); i++) {
                if (declaredEnv.get(i) != null && AppProbe.VARIABLE.equals(declaredEnv.get(i).getName())) {
                    throw new InvalidValueException(declaredProxy.get().field() + ".env[" + i + "].name", AppProbe.VARIABLE,
                            "is written by the injector from the app containers' probes; leave it out, or set "
                                    + Annotations.REWRITE_APP_PROBERS + ": \"false\" to write it yourself");
                }
            }
            throw new TemplateException("the template sidecar-proxy.yaml sets " + AppProbe.VARIABLE
                    + ", which the injector writes from the app containers' probes");
        }
        env.add(new EnvVar(AppProbe.VARIABLE, PROBERS.get(probes, AppProbeRewrite::probers), null));
        proxy.set("env", env);
    }

    private static String probers(Map<String, AppProbe> probes) {
        return AppProbe.toJson(probes).replace("$", "$$");
    }

    private static String left(String field, String shown, String problem, int statusPort) {
        return field + ": " + shown + " " + problem + ", so this probe is left as it is (not moved to the status port " + statusPort + ")";
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
