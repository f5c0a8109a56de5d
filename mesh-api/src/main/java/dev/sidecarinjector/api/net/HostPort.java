package dev.sidecarinjector.api.net;

/** {@code host:port} as a URL, kubelet and Go's {@code net.JoinHostPort} write it, for both sides of the mesh. */
public final class HostPort {

    private HostPort() {
    }

    /** {@code host:port}, an IPv6 literal in brackets; a host already in brackets is left as it is. */
    public static String join(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
