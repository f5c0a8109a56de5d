package dev.sidecarinjector.proxy.run;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;

/**
 * Recognises a destination that is the proxy itself (someone dialled 15001 directly, or a port was not
 * redirected): forwarding it would connect the proxy to itself forever.
 */
public record LoopGuard(Set<Integer> proxyPorts, Set<InetAddress> localAddresses) {

    /** Local addresses are read once at start: pod IPs do not change during a pod's life. */
    public static LoopGuard forThisHost(Set<Integer> proxyPorts) {
        var addresses = new HashSet<InetAddress>();
        try {
            for (Enumeration<NetworkInterface> nics = NetworkInterface.getNetworkInterfaces(); nics.hasMoreElements(); ) {
                for (Enumeration<InetAddress> own = nics.nextElement().getInetAddresses(); own.hasMoreElements(); ) {
                    addresses.add(own.nextElement());
                }
            }
        } catch (SocketException e) {
            // Loopback and the accepted socket's own address are still checked.
        }
        return new LoopGuard(Set.copyOf(proxyPorts), Set.copyOf(addresses));
    }

    public boolean isProxyItself(InetSocketAddress destination, InetSocketAddress acceptedOn) {
        if (!proxyPorts.contains(destination.getPort())) {
            return false;
        }
        InetAddress address = destination.getAddress();
        return address.isLoopbackAddress()
                || address.isAnyLocalAddress()
                || (acceptedOn != null && address.equals(acceptedOn.getAddress()))
                || localAddresses.contains(address);
    }
}
