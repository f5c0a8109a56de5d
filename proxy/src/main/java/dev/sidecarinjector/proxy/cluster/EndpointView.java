package dev.sidecarinjector.proxy.cluster;

/**
 * One endpoint as the admin port's {@code /clusters} shows it, read at one moment. {@link #health()} is Envoy's
 * health flag text: {@code healthy}, or {@code /failed_outlier_check} while ejected.
 */
public record EndpointView(String address, int port, int activeRequests, boolean ejected, int timesEjected) {

    public String health() {
        return ejected ? "/failed_outlier_check" : "healthy";
    }
}
