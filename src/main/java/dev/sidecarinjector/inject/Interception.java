package dev.sidecarinjector.inject;

import java.util.Locale;

/** How traffic reaches the proxy: an iptables init container (REDIRECT), or nothing (the app talks to the proxy itself). */
public enum Interception {
    IPTABLES,
    NONE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
