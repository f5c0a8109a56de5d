package dev.sidecarinjector.proxy.init;

import dev.sidecarinjector.api.net.Ipv6;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pod's own IPv6 addresses, from the network namespace's {@code /proc/net/if_inet6}: what decides whether
 * {@code init} writes the IPv6 rules. As Istio decides it: an address that is neither loopback nor link-local.
 * The file is absent when the kernel has no IPv6 at all ({@code ipv6.disable=1}).
 */
final class PodIpv6 {
    static final Path IF_INET6 = Path.of("/proc/net/if_inet6");

    private PodIpv6() {
    }

    static List<String> addresses(Path ifInet6) throws IOException {
        try {
            return addresses(Files.readAllLines(ifInet6));
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** Lines as the kernel writes them: address (32 hex digits), ifindex, prefix length, scope, flags, interface. */
    static List<String> addresses(List<String> lines) {
        var addresses = new ArrayList<String>();
        for (var line : lines) {
            var fields = line.strip().split("\\s+");
            if (fields.length < 6 || fields[0].length() != 32 || fields[5].equals("lo")) {
                // lo holds ::1 and the ::6 init itself adds: neither is the pod's.
                continue;
            }
            var high = Long.parseUnsignedLong(fields[0].substring(0, 16), 16);
            var low = Long.parseUnsignedLong(fields[0].substring(16), 16);
            var linkLocal = high >>> 54 == 0xFE80L >>> 6;
            if (!linkLocal) {
                addresses.add(Ipv6.format(high, low) + " (" + fields[5] + ")");
            }
        }
        return List.copyOf(addresses);
    }
}
