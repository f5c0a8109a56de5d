package dev.sidecarinjector.proxy.route;

import dev.sidecarinjector.api.snapshot.Fault;
import dev.sidecarinjector.proxy.mesh.RandomSource;

/**
 * VirtualService {@code fault} for one request: whether to delay it (flag DI) and whether to abort it (flag FI),
 * each drawn independently with its percentage (fractions allowed: 0.1 is one request in a thousand). Envoy
 * delays first, then aborts.
 */
public final class FaultDecision {

    private FaultDecision() {
    }

    /** The delay to inject before forwarding, 0 for none. */
    public static long delayMs(Fault fault, RandomSource random) {
        return fault != null && fault.delayMs() > 0 && draws(fault.delayPercent(), random) ? fault.delayMs() : 0;
    }

    /** The status to answer with instead of forwarding, 0 for none. */
    public static int abortStatus(Fault fault, RandomSource random) {
        return fault != null && fault.abortStatus() > 0 && draws(fault.abortPercent(), random) ? fault.abortStatus() : 0;
    }

    private static boolean draws(double percent, RandomSource random) {
        return percent >= 100 || (percent > 0 && random.nextDouble() * 100 < percent);
    }
}
