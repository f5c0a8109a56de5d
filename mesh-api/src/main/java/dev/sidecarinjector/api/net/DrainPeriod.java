package dev.sidecarinjector.api.net;

/**
 * The bounds of the proxy's drain period ({@code run --drain-seconds}, Istio's terminationDrainDuration), so the
 * injector never renders a value the proxy refuses at start.
 */
public final class DrainPeriod {

    /** The longest drain the proxy takes, in seconds: an hour, far above any pod's terminationGracePeriodSeconds. */
    public static final int MAX_SECONDS = 3600;

    private DrainPeriod() {
    }
}
