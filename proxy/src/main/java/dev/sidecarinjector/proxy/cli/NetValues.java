package dev.sidecarinjector.proxy.cli;

import dev.sidecarinjector.api.net.CidrList;
import dev.sidecarinjector.api.net.InvalidListException;
import dev.sidecarinjector.api.net.PortList;

/**
 * Port and CIDR flag values, parsed by the parsers the webhook uses too (mesh-api), so what the webhook
 * renders is what the proxy reads. The one place their error becomes a {@link UsageException}, same message.
 */
public final class NetValues {
    private NetValues() {
    }

    /** A TCP port, 1 to 65535. */
    public static int port(String flag, String value) throws UsageException {
        try {
            return PortList.port(flag, value);
        } catch (InvalidListException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** A port list; {@code wildcardAllowed} says whether {@code *} means every port here. */
    public static PortList ports(String flag, String value, boolean wildcardAllowed) throws UsageException {
        try {
            return PortList.parse(flag, value, wildcardAllowed);
        } catch (InvalidListException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** An IPv4 CIDR list; {@code wildcardAllowed} says whether {@code *} means every destination here. */
    public static CidrList cidrs(String flag, String value, boolean wildcardAllowed) throws UsageException {
        try {
            return CidrList.parse(flag, value, wildcardAllowed);
        } catch (InvalidListException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
