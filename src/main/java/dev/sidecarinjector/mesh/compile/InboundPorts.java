package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.InboundPort;
import dev.sidecarinjector.api.snapshot.Limits;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.api.snapshot.RateLimit;
import dev.sidecarinjector.api.snapshot.ServiceRef;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ports of a proxy's own pod that Services target: every port of every Service of the pod's namespace whose
 * selector matches the pod, at its targetPort (a number, or a container port's name), with the protocol of the
 * first such Service (by FQDN) and all of them, what the PeerAuthentications let in on each, and the local rate limit
 * of each HTTP port.
 */
final class InboundPorts {

    private InboundPorts() {
    }

    static List<InboundPort> of(ServiceRegistry registry, PeerAuthentications peerAuthentications, RateLimitPolicies rateLimits, Pod pod,
                                String namespace,
                                Map<String, String> labels, List<Problem> problems) {
        var protocols = new TreeMap<Integer, Protocol>();
        var services = new TreeMap<Integer, List<ServiceRef>>();
        for (var service : registry.byNamespace.getOrDefault(namespace, List.of())) {
            var ref = service.ref();
            if (service.selector().isEmpty()
                    || !labels.entrySet().containsAll(service.selector().entrySet())) {
                continue;
            }
            for (var port : service.ports()) {
                var target = targetPort(pod, port);
                if (target < 0) {
                    problems.add(Problem.ignored("Service", ref.namespace(), ref.name(), "spec.ports[" + port.port() + "].targetPort",
                            port.targetPort().getStrVal(), "is not a container port of pod " + namespace + "/" + pod.getMetadata().getName()));
                    continue;
                }
                if (!Limits.isPort(target)) {
                    problems.add(Problem.ignored("Pod", namespace, pod.getMetadata().getName(), "spec.containers[].ports[].containerPort",
                            String.valueOf(target), "is not a port (" + Limits.MIN_PORT + "-" + Limits.MAX_PORT + "); Service "
                                    + ref.namespace() + "/" + ref.name() + " targets it by the name " + port.targetPort().getStrVal() + ", the port is left out"));
                    continue;
                }
                protocols.putIfAbsent(target, port.protocol());
                var refs = services.computeIfAbsent(target, k -> new ArrayList<>());
                if (!refs.contains(ref)) {
                    refs.add(ref);
                }
            }
        }
        var inbound = new ArrayList<InboundPort>();
        for (var entry : services.entrySet()) {
            var port = entry.getKey();
            var protocol = protocols.get(port);
            RateLimit limit = null;
            if (protocol == Protocol.HTTP) {
                limit = rateLimits.limit(namespace, labels, port);
            } else {
                var naming = rateLimits.namingPort(namespace, labels, port);
                if (naming != null) {
                    problems.add(Problem.ignored(RateLimitPolicies.KIND, namespace, naming, "spec.port", String.valueOf(port),
                            "is a TCP port of pod " + namespace + "/" + pod.getMetadata().getName() + ": rate limits apply to HTTP ports"));
                }
            }
            inbound.add(new InboundPort(port, protocol, entry.getValue(), peerAuthentications.mode(namespace, labels, port), limit));
        }
        return List.copyOf(inbound);
    }

    private static int targetPort(Pod pod, ServiceRegistry.Port port) {
        var target = port.targetPort();
        if (target == null || target.getIntVal() == null && target.getStrVal() == null) {
            return port.port();
        }
        if (target.getIntVal() != null) {
            return target.getIntVal();
        }
        if (pod.getSpec() != null && pod.getSpec().getContainers() != null) {
            for (var container : pod.getSpec().getContainers()) {
                for (var containerPort : container.getPorts() == null ? List.<io.fabric8.kubernetes.api.model.ContainerPort>of() : container.getPorts()) {
                    if (target.getStrVal().equals(containerPort.getName()) && containerPort.getContainerPort() != null) {
                        return containerPort.getContainerPort();
                    }
                }
            }
        }
        return -1;
    }
}
