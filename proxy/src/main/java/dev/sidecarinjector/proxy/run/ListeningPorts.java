package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.proxy.cli.Flags;
import dev.sidecarinjector.proxy.cli.UsageException;
import dev.sidecarinjector.proxy.config.MeshSettings;
import java.util.HashMap;
import java.util.LinkedHashMap;

/**
 * The {@code run} flags that each open a listening port, checked together before anything binds: two on one port
 * would either fail at bind naming neither flag or, for the capture listeners (SO_REUSEPORT), share the port and split
 * its connections between inbound and outbound. Port 0 (tests: an ephemeral port) never clashes.
 */
final class ListeningPorts {

    private ListeningPorts() {
    }

    static void checkDistinct(Flags flags, ProxySettings settings, MeshSettings mesh) throws UsageException {
        var ports = new LinkedHashMap<String, Integer>();
        ports.put("--inbound-port", settings.inboundPort());
        ports.put("--outbound-port", settings.outboundPort());
        ports.put("--health-port", settings.healthPort());
        ports.put("--metrics-port", settings.metricsPort());
        ports.put("--status-port", settings.statusPort());
        if (mesh.meshEnabled()) {
            // Without a control plane there is no admin listener.
            ports.put("--admin-port", mesh.adminPort());
        }
        var byPort = new HashMap<Integer, String>();
        for (var entry : ports.entrySet()) {
            var port = entry.getValue();
            var first = port == 0 ? null : byPort.putIfAbsent(port, entry.getKey());
            if (first != null) {
                throw new UsageException("%s and %s are both %d: each listener needs a port of its own"
                        .formatted(shown(flags, first), shown(flags, entry.getKey()), port));
            }
        }
    }

    /** The flag, marked when the port is its default, so a clash with a default says why a flag not given is named. */
    private static String shown(Flags flags, String flag) {
        return flags.find(flag).isPresent() ? flag : flag + " (default)";
    }
}
