package dev.sidecarinjector.mesh.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.mesh.e2e.ReviewsMesh.Pod;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The running parts every netns test with the mesh CA on shares ({@link MtlsE2E}, {@link PolicyE2E}): a
 * {@link MeshLab}, the control plane with its CA ({@link ControlPlaneProcess#prepareWithCa}; the test writes its
 * mesh directory, then starts it), the pods' proxies, each with a token for its own ServiceAccount, the clients the
 * test starts, and a client on the node that scrapes the proxies' 15090 as Prometheus does. {@link #close} stops all
 * of it, prints the logs when a case failed, and checks nothing is left.
 */
final class MtlsLab {

    /** A pod of the lab: its Kubernetes namespace, its network namespace and its proxy. */
    record MeshPod(Pod pod, String namespace, String serviceAccount, String ns, SidecarProcess proxy) {

        /** Its SPIFFE identity, as the proxies' metrics name it. */
        String spiffeId() {
            return "spiffe://cluster.local/ns/" + namespace + "/sa/" + serviceAccount;
        }
    }

    final String test;
    final BuiltJars jars;
    final MeshLab lab;
    final ControlPlaneProcess controlPlane;
    private final List<MeshPod> pods = new ArrayList<>();
    private final List<MeshClient> clients = new ArrayList<>();
    private MeshClient node;

    private MtlsLab(String test, BuiltJars jars, MeshLab lab, ControlPlaneProcess controlPlane) {
        this.test = test;
        this.jars = jars;
        this.lab = lab;
        this.controlPlane = controlPlane;
    }

    /**
     * The lab and the control plane prepared with its CA issuing certificates valid {@code certTtl}; skipped (failed
     * with CI=true) without root, the tools or the jars ({@link BuiltJars#require}, and {@code commands}).
     */
    static MtlsLab create(String test, Duration certTtl, String... commands) throws Exception {
        var jars = BuiltJars.require(test, commands);
        var lab = MeshLab.create();
        try {
            return new MtlsLab(test, jars, lab, ControlPlaneProcess.prepareWithCa(lab, jars.controlPlane(), certTtl));
        } catch (Exception | AssertionError e) {
            lab.close();
            throw e;
        }
    }

    /**
     * The proxy of {@code pod} in its network namespace {@code ns}, as the injector sets it up: init as root, then run
     * as uid 1337 with the downward API's identity, any other variable in {@code env}, and a token for its
     * ServiceAccount. Does not wait for it to be ready.
     */
    MeshPod startProxy(Pod pod, String namespace, String serviceAccount, String ns, Map<String, String> env) throws Exception {
        var proxy = SidecarProcess.stage(lab, ns, jars.proxy());
        proxy.init();
        var all = new LinkedHashMap<>(env);
        all.putAll(Map.of("POD_NAME", pod.name(), "POD_NAMESPACE", namespace, "INSTANCE_IP", pod.ip(), "SERVICE_ACCOUNT", serviceAccount));
        proxy.run(all, controlPlane.address(), controlPlane.rootCert, controlPlane.token(namespace, serviceAccount));
        var started = new MeshPod(pod, namespace, serviceAccount, ns, proxy);
        pods.add(started);
        return started;
    }

    /** An HTTP client in {@code ns}, closed with the lab. */
    MeshClient client(String ns, String name) throws IOException, InterruptedException {
        var client = MeshClient.start(lab, ns, name);
        clients.add(client);
        return client;
    }

    /** The client on the node, started at the first use. */
    MeshClient node() throws IOException, InterruptedException {
        if (node == null) {
            node = client(lab.node, "node");
        }
        return node;
    }

    /** The proxy's 15090, from the node, as Prometheus scrapes a pod. */
    String metrics(MeshPod pod) throws Exception {
        var page = node().get("http://" + pod.pod().ip() + ":15090/stats/prometheus");
        if (page.status() != 200) {
            throw new IOException(pod.pod().name() + "'s /stats/prometheus answered " + page.status());
        }
        return page.body();
    }

    /** The proxy's {@code istio_requests_total} series with {@code reporter="destination"}: the requests it served. */
    List<ProxyAdmin.Series> destinationRequests(MeshPod pod) throws Exception {
        return ProxyAdmin.series(metrics(pod), "istio_requests_total").stream()
                .filter(s -> "destination".equals(s.labels().get("reporter"))).toList();
    }

    /** A word unique to one request or case ({@code what-RANDOM}), to find it in an app's log. */
    static String key(String what) {
        return what + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
    }

    /**
     * Stops everything; after a failure first prints the end of each proxy's log and of the control plane's. Fails if
     * anything the lab made is left.
     */
    void close(boolean failed) throws Exception {
        if (failed) {
            for (var pod : pods) {
                System.err.println("---- " + pod.pod().name() + " proxy log (last 40 lines)\n" + LogText.tail(pod.proxy().log(), 40));
            }
            System.err.println("---- control plane log (last 40 lines)\n" + LogText.tail(controlPlane.log(), 40));
        }
        clients.forEach(MeshClient::close);
        controlPlane.close();
        lab.close();
        var left = lab.leftovers();
        assertTrue(left.isEmpty(), "cleanup left " + left);
        System.out.println(test + " cleanup: " + lab.namespaces().size() + " namespaces, their links and every process removed");
    }
}
