package dev.sidecarinjector.proxy.identity;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The workload certificate in force (null before the first), read by the TLS contexts of the traffic path with one
 * volatile read; the manager installs each new one and tells the listeners (which rebuild their TLS contexts).
 */
public final class IdentityHolder {

    /** Told of every newly installed certificate, on the manager's thread. */
    public interface Listener {
        void installed(WorkloadCertificate certificate);
    }

    private volatile WorkloadCertificate current;
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

    public WorkloadCertificate current() {
        return current;
    }

    public void onInstall(Listener listener) {
        listeners.add(listener);
    }

    /** Puts {@code certificate} in force and tells the listeners; the identity manager's (and tests') way in. */
    public void install(WorkloadCertificate certificate) {
        current = certificate;
        for (var listener : listeners) {
            listener.installed(certificate);
        }
    }
}
