package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.net.Ipv4;
import dev.sidecarinjector.api.net.Ipv6;
import dev.sidecarinjector.api.snapshot.Endpoint;
import dev.sidecarinjector.api.snapshot.Limits;
import dev.sidecarinjector.api.snapshot.MtlsMode;
import dev.sidecarinjector.api.snapshot.Protocol;
import dev.sidecarinjector.api.snapshot.ServiceRef;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.mesh.index.MeshIndex;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Services of one index by FQDN, each port with its protocol and its ready endpoints (from the Service's
 * EndpointSlices, with the labels of the endpoint's pod for subsets). Built once per index and shared by every
 * namespace's compile.
 */
final class ServiceRegistry {

    /** Istio's label on a pod whose sidecar accepts the mesh's mutual TLS ({@code istio}); the injector adds it. */
    static final String TLS_MODE_LABEL = "security.istio.io/tlsMode";
    private static final String NOT_A_PORT = "is not a port (" + Limits.MIN_PORT + "-" + Limits.MAX_PORT + "); the port is left out";

    /** A Service port: its number, protocol and ready endpoints (sorted by address). */
    record Port(String name, int port, Protocol protocol, IntOrString targetPort, List<LabelledEndpoint> endpoints) {
    }

    /** An endpoint with its pod's labels, for DestinationRule subsets. */
    record LabelledEndpoint(Endpoint endpoint, Map<String, String> labels) {
    }

    /** A Service: its metrics name, ClusterIP (null when headless or none), selector and ports. */
    record ServiceEntry(ServiceRef ref, String clusterIp, Map<String, String> selector, List<Port> ports) {
        Port port(int number) {
            for (var port : ports) {
                if (port.port == number) {
                    return port;
                }
            }
            return null;
        }
    }

    final MeshIndex index;
    final String domain;
    final TreeMap<String, ServiceEntry> byHost = new TreeMap<>();
    /** The Services of each namespace, in host order: a proxy's inbound ports look only at its own namespace's. */
    final Map<String, List<ServiceEntry>> byNamespace = new HashMap<>();
    final Map<String, Workload> workloads = new ConcurrentHashMap<>();
    private final PeerAuthentications peerAuthentications;
    /** Each pod's workload as an endpoint carries it ({@link Workload#asPeer}), one instance a pod. */
    private final Map<String, Workload> peers = new ConcurrentHashMap<>();

    /** Problems of Services and EndpointSlices go to {@code problems}: a bad port or address is left out, the rest kept. */
    ServiceRegistry(MeshIndex index, String domain, PeerAuthentications peerAuthentications, List<Problem> problems) {
        this.index = index;
        this.domain = domain;
        this.peerAuthentications = peerAuthentications;
        var slicesByService = new HashMap<String, List<EndpointSlice>>();
        for (var slice : index.endpointSlices().values()) {
            var labels = slice.getMetadata().getLabels();
            var service = labels == null ? null : labels.get("kubernetes.io/service-name");
            if (service != null) {
                reportBadPortsAndAddresses(slice, problems);
                slicesByService.computeIfAbsent(MeshIndex.namespace(slice) + "/" + service, k -> new ArrayList<>()).add(slice);
            }
        }
        for (var entry : index.services().entrySet()) {
            var service = entry.getValue();
            var namespace = MeshIndex.namespace(service);
            var name = service.getMetadata().getName();
            var host = name + "." + namespace + ".svc." + domain;
            var spec = service.getSpec();
            if (spec == null || "ExternalName".equals(spec.getType())) {
                continue;
            }
            var clusterIp = spec.getClusterIP();
            if (clusterIp != null && !clusterIp.isEmpty() && !clusterIp.equals("None") && Ipv4.parse(clusterIp) < 0
                    && Ipv6.parse(clusterIp) == null) {
                problems.add(Problem.ignored("Service", namespace, name, "spec.clusterIP", clusterIp,
                        "is not an IP address (nor None); the address is left out, the Service is treated as headless"));
            }
            if (clusterIp == null || clusterIp.equals("None") || Ipv4.parse(clusterIp) < 0) {
                clusterIp = null;
            }
            var ports = new ArrayList<Port>();
            var slices = slicesByService.getOrDefault(entry.getKey(), List.of());
            var given = spec.getPorts() == null ? List.<io.fabric8.kubernetes.api.model.ServicePort>of() : spec.getPorts();
            for (var i = 0; i < given.size(); i++) {
                var port = given.get(i);
                if (port.getPort() == null || port.getProtocol() != null && !port.getProtocol().equals("TCP")) {
                    continue;
                }
                var target = port.getTargetPort() == null ? null : port.getTargetPort().getIntVal();
                if (!Limits.isPort(port.getPort()) || target != null && !Limits.isPort(target)) {
                    var field = Limits.isPort(port.getPort()) ? "targetPort" : "port";
                    problems.add(Problem.ignored("Service", namespace, name, "spec.ports[" + i + "]." + field,
                            String.valueOf(field.equals("port") ? port.getPort() : target), NOT_A_PORT));
                    continue;
                }
                ports.add(new Port(port.getName(), port.getPort(), protocol(port.getName(), port.getAppProtocol()),
                        port.getTargetPort(), endpoints(port.getName(), slices)));
            }
            byHost.put(host, new ServiceEntry(new ServiceRef(host, name, namespace), clusterIp,
                    spec.getSelector() == null ? Map.of() : spec.getSelector(), List.copyOf(ports)));
        }
        for (var entry : byHost.values()) {
            byNamespace.computeIfAbsent(entry.ref().namespace(), k -> new ArrayList<>()).add(entry);
        }
    }

    private static void reportBadPortsAndAddresses(EndpointSlice slice, List<Problem> problems) {
        var namespace = MeshIndex.namespace(slice);
        var name = slice.getMetadata().getName();
        var ports = slice.getPorts() == null ? List.<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort>of() : slice.getPorts();
        for (var i = 0; i < ports.size(); i++) {
            var number = ports.get(i).getPort();
            if (number != null && !Limits.isPort(number)) {
                problems.add(Problem.ignored("EndpointSlice", namespace, name, "ports[" + i + "].port", String.valueOf(number), NOT_A_PORT));
            }
        }
        if (!isIpv4(slice) || slice.getEndpoints() == null) {
            return;
        }
        for (var j = 0; j < slice.getEndpoints().size(); j++) {
            var addresses = slice.getEndpoints().get(j).getAddresses();
            for (var k = 0; addresses != null && k < addresses.size(); k++) {
                var problem = endpointAddressProblem(addresses.get(k));
                if (problem != null) {
                    problems.add(Problem.ignored("EndpointSlice", namespace, name, "endpoints[" + j + "].addresses[" + k + "]",
                            addresses.get(k), problem + "; the address is left out"));
                }
            }
        }
    }

    private static boolean isIpv4(EndpointSlice slice) {
        return slice.getAddressType() == null || slice.getAddressType().equals("IPv4");
    }

    /**
     * Why {@code address} cannot be an endpoint, or null: not an IPv4 address, or one the API server refuses for an
     * endpoint (unspecified, loopback, link-local, multicast): a proxy would connect to itself or to nothing.
     */
    static String endpointAddressProblem(String address) {
        var ip = address == null ? -1 : Ipv4.parse(address);
        if (ip < 0) {
            return "is not an IPv4 address";
        }
        if (ip == 0) {
            return "is the unspecified address, which Kubernetes refuses for an endpoint";
        }
        if (ip >>> 24 == 127) {
            return "is a loopback address (127.0.0.0/8), which Kubernetes refuses for an endpoint";
        }
        if (ip >>> 16 == (169L << 8 | 254)) {
            return "is a link-local address (169.254.0.0/16), which Kubernetes refuses for an endpoint";
        }
        if (ip >>> 28 == 14) {
            return "is a multicast address (224.0.0.0/4), which cannot be an endpoint";
        }
        return null;
    }

    /** Istio's rule for a Service port: name {@code http} or {@code http-*}, or appProtocol {@code http}, is HTTP; the rest TCP for now. */
    static Protocol protocol(String name, String appProtocol) {
        if (appProtocol != null && !appProtocol.isEmpty()) {
            return appProtocol.toLowerCase(Locale.ROOT).equals("http") ? Protocol.HTTP : Protocol.TCP;
        }
        if (name == null) {
            return Protocol.TCP;
        }
        var lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("http") || lower.startsWith("http-") ? Protocol.HTTP : Protocol.TCP;
    }

    private List<LabelledEndpoint> endpoints(String portName, List<EndpointSlice> slices) {
        var wanted = portName == null ? "" : portName;
        var byAddress = new LinkedHashMap<String, LabelledEndpoint>();
        for (var slice : slices) {
            if (!isIpv4(slice) || slice.getPorts() == null
                    || slice.getEndpoints() == null) {
                continue;
            }
            Integer number = null;
            for (var port : slice.getPorts()) {
                var name = port.getName() == null ? "" : port.getName();
                if (name.equals(wanted) && port.getPort() != null && Limits.isPort(port.getPort())) {
                    number = port.getPort();
                }
            }
            if (number == null) {
                continue;
            }
            for (var endpoint : slice.getEndpoints()) {
                var conditions = endpoint.getConditions();
                if (conditions != null && Boolean.FALSE.equals(conditions.getReady()) || endpoint.getAddresses() == null) {
                    continue;
                }
                var ref = endpoint.getTargetRef();
                var pod = ref != null && "Pod".equals(ref.getKind())
                        ? index.pods().get((ref.getNamespace() == null ? MeshIndex.namespace(slice) : ref.getNamespace()) + "/" + ref.getName())
                        : null;
                var workload = pod == null ? null : workloads.computeIfAbsent(MeshIndex.key(pod), k -> Workloads.of(pod));
                var peer = workload == null ? null : peers.computeIfAbsent(MeshIndex.key(pod), k -> workload.asPeer());
                var tlsMode = tlsMode(workload, number);
                for (var address : endpoint.getAddresses()) {
                    if (endpointAddressProblem(address) == null) {
                        byAddress.putIfAbsent(address + ":" + number, new LabelledEndpoint(new Endpoint(address, number, peer, tlsMode),
                                workload == null ? Map.of() : workload.labels()));
                    }
                }
            }
        }
        var list = new ArrayList<>(byAddress.values());
        list.sort(Comparator.comparingLong((LabelledEndpoint e) -> Ipv4.parse(e.endpoint().address()))
                .thenComparingInt(e -> e.endpoint().port()));
        return List.copyOf(list);
    }

    /**
     * The endpoint's {@code tlsMode}: its pod's {@code security.istio.io/tlsMode} label, except where the pod's own
     * PeerAuthentication disables mutual TLS on the port, which Istio's auto mTLS reaches in plaintext.
     */
    private String tlsMode(Workload workload, int targetPort) {
        var label = workload == null ? null : workload.labels().get(TLS_MODE_LABEL);
        if (label != null && peerAuthentications.mode(workload.namespace(), workload.labels(), targetPort) == MtlsMode.DISABLE) {
            return null;
        }
        return label;
    }

    /** The Service an FQDN names, or null. */
    ServiceEntry service(String host) {
        return byHost.get(host);
    }

    /** The Workload of a pod of the index, or null. */
    Workload workload(String namespace, String pod) {
        var resource = index.pods().get(namespace + "/" + pod);
        return resource == null ? null : workloads.computeIfAbsent(namespace + "/" + pod, k -> Workloads.of(resource));
    }

    Service resource(ServiceEntry entry) {
        return index.services().get(entry.ref().namespace() + "/" + entry.ref().name());
    }
}
