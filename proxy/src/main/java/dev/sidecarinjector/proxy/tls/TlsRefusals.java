package dev.sidecarinjector.proxy.tls;

import dev.sidecarinjector.proxy.run.EventLog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Log lines for connections refused over mutual TLS (a plaintext client on a STRICT port, a certificate not from the
 * mesh, a peer that is not who the endpoint should be), at most one a minute per remote address: a client retrying in
 * a loop must not fill the log. The refusals themselves are counted by the callers.
 */
public final class TlsRefusals {

    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Addresses remembered at most; beyond it the memory is dropped and starts again (a line more, never a leak). */
    private static final int MAX_ADDRESSES = 4096;

    private final ConcurrentHashMap<InetAddress, Long> lastLogged = new ConcurrentHashMap<>();

    /** Logs {@code message} unless a line for {@code remote} was logged within the last minute. */
    public void log(SocketAddress remote, String message) {
        var address = remote instanceof InetSocketAddress socket ? socket.getAddress() : null;
        if (address == null) {
            EventLog.info(message);
            return;
        }
        var now = System.nanoTime();
        var last = lastLogged.get(address);
        if (last != null && now - last < INTERVAL_NANOS) {
            return;
        }
        if (lastLogged.size() >= MAX_ADDRESSES) {
            lastLogged.clear();
        }
        lastLogged.put(address, now);
        EventLog.info(message + " (at most one line a minute for " + address.getHostAddress() + ")");
    }
}
