package dev.sidecarinjector.mesh.compile;

import dev.sidecarinjector.api.snapshot.Cluster;
import dev.sidecarinjector.api.snapshot.Listener;
import dev.sidecarinjector.api.snapshot.RouteTable;
import java.util.List;

/** The outbound part of the snapshots of one namespace's proxies: the same for all of them, compiled once per index. */
record Outbound(List<Listener> listeners, List<RouteTable> routeTables, List<Cluster> clusters, List<Problem> problems) {
}
