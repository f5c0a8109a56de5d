package dev.sidecarinjector.mesh.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What the test reads about the mesh's state, as an operator would: the client proxy's admin port
 * ({@code /config_dump}, {@code /clusters}) and metrics from inside its namespace, the control plane's
 * {@code /debug/syncz} from the node namespace, and the proxy's sockets with {@code ss}.
 */
final class ProxyAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "http://127.0.0.1:15000";
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final MeshClient inPod;
    private final MeshClient onNode;
    private final ControlPlaneProcess controlPlane;
    private final MeshLab lab;
    private final String podNs;

    ProxyAdmin(MeshClient inPod, MeshClient onNode, ControlPlaneProcess controlPlane, MeshLab lab, String podNs) {
        this.inPod = inPod;
        this.onNode = onNode;
        this.controlPlane = controlPlane;
        this.lab = lab;
        this.podNs = podNs;
    }

    JsonNode configDump() throws Exception {
        var page = inPod.get(ADMIN + "/config_dump");
        if (page.status() != 200) {
            throw new IOException("/config_dump answered " + page.status() + ": " + page.body());
        }
        return JSON.readTree(page.body());
    }

    String version() throws Exception {
        return configDump().path("version").asText();
    }

    /** Polls /config_dump until it shows what is wanted (at most 10 s). */
    JsonNode awaitConfig(Predicate<JsonNode> wanted) throws Exception {
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode dump;
        do {
            dump = configDump();
            if (holds(wanted, dump)) {
                return dump;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the proxy's /config_dump did not show the change within 10 s (version "
                + dump.path("version").asText() + "); control plane log:\n" + LogText.tail(controlPlane.log(), 20));
    }

    String clusters() throws Exception {
        return inPod.get(ADMIN + "/clusters").body();
    }

    /** One {@code /clusters} line, {@code NAME::KEY::VALUE} (NAME a cluster, or a cluster and an endpoint). */
    String clustersLine(String name, String key) throws Exception {
        var prefix = name + "::" + key + "::";
        return clusters().lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("(no " + prefix + " line)");
    }

    int ready() throws Exception {
        return inPod.get("http://127.0.0.1:15021/healthz/ready").status();
    }

    String prometheus() throws Exception {
        var page = inPod.get("http://127.0.0.1:15090/stats/prometheus");
        if (page.status() != 200) {
            throw new IOException("/stats/prometheus answered " + page.status());
        }
        return page.body();
    }

    /** {@code istio_requests_total} with {@code reporter="source"} for one destination service, summed by response code. */
    Map<Integer, Long> sourceRequestsByCode(String destinationService) throws Exception {
        var counted = new TreeMap<Integer, Long>();
        for (var series : series(prometheus(), "istio_requests_total")) {
            var labels = series.labels();
            if ("source".equals(labels.get("reporter")) && destinationService.equals(labels.get("destination_service"))) {
                counted.merge(Integer.parseInt(labels.get("response_code")), (long) series.value(), Long::sum);
            }
        }
        return counted;
    }

    /** One series of a Prometheus text page: its labels and value. */
    record Series(Map<String, String> labels, double value) {
    }

    /** Every series of {@code metric} on a Prometheus text page (a page of the proxy's 15090), with labels or without. */
    static List<Series> series(String prometheus, String metric) {
        var all = new ArrayList<Series>();
        for (var line : prometheus.lines().filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " ")).toList()) {
            var labels = new TreeMap<String, String>();
            var matcher = LABEL.matcher(line.substring(0, Math.max(0, line.lastIndexOf('}'))));
            while (matcher.find()) {
                labels.put(matcher.group(1), matcher.group(2));
            }
            all.add(new Series(labels, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))));
        }
        return all;
    }

    /** Connections the proxy relayed at L4 to destinations outside the mesh's listeners. */
    long outboundConnectionsOpened() throws Exception {
        return prometheus().lines().filter(l -> l.startsWith("sidecar_proxy_connections_opened_total{direction=\"outbound\"}"))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** The proxy's established connections to pod addresses on {@code port}, by peer, as {@code ss} shows them. */
    Map<String, Integer> upstreamConnections(int port) throws Exception {
        var peers = new TreeMap<String, Integer>();
        for (var line : lab.exec(podNs, "ss", "-tnH", "state", "established", "( dport = :" + port + " )").lines().toList()) {
            var peer = line.trim().split("\\s+");
            if (peer[peer.length - 1].startsWith(lab.subnet + ".")) {
                peers.merge(peer[peer.length - 1], 1, Integer::sum);
            }
        }
        return peers;
    }

    /** Polls the control plane's /debug/syncz until the entry of {@code pod} matches (at most 30 s). */
    JsonNode awaitSyncz(String pod, Predicate<JsonNode> wanted) throws Exception {
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String body = "";
        while (System.nanoTime() < deadline) {
            try {
                body = onNode.get("https://" + controlPlane.address() + "/debug/syncz", controlPlane.rootCert).body();
                for (var status : JSON.readTree(body)) {
                    if (status.path("pod").asText().equals(pod) && holds(wanted, status)) {
                        return status;
                    }
                }
            } catch (IOException e) {
                body = e.getMessage(); // the control plane is starting
            }
            Thread.sleep(50);
        }
        throw new AssertionError("/debug/syncz did not show " + pod + " as expected within 30 s: " + body);
    }

    // ---- reading a snapshot

    static JsonNode find(JsonNode array, Predicate<JsonNode> wanted) {
        for (var item : array) {
            if (wanted.test(item)) {
                return item;
            }
        }
        throw new AssertionError("nothing matched in " + array);
    }

    static JsonNode routeTable(JsonNode dump, String name) {
        return find(dump.at("/snapshot/routeTables"), t -> t.path("name").asText().equals(name));
    }

    static JsonNode cluster(JsonNode dump, String name) {
        return find(dump.at("/snapshot/clusters"), c -> c.path("name").asText().equals(name));
    }

    /** The first route's destinations as {@code cluster=weight}. */
    static List<String> weights(JsonNode routeTable) {
        var weights = new ArrayList<String>();
        for (var destination : routeTable.at("/routes/0/destinations")) {
            weights.add(destination.path("cluster").asText() + "=" + destination.path("weight").asInt());
        }
        return weights;
    }

    /** A check that throws (a part of the snapshot not there yet) does not hold. */
    private static boolean holds(Predicate<JsonNode> wanted, JsonNode node) {
        try {
            return wanted.test(node);
        } catch (RuntimeException | AssertionError e) {
            return false;
        }
    }
}
