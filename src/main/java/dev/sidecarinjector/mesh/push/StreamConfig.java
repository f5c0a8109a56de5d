package dev.sidecarinjector.mesh.push;

import dev.sidecarinjector.api.net.MeshPorts;
import dev.sidecarinjector.config.StrictBoolean;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The configuration stream to the proxies (istiod's port 15012), served with the webhook's certificate. */
@ConfigMapping(prefix = "injector.mesh.stream")
public interface StreamConfig {

    /** Serve the stream at all; off, no proxy can get configuration and they relay at L4. */
    @WithDefault("true")
    @WithConverter(StrictBoolean.class)
    boolean enabled();

    /** TLS port of the stream ({@code /v1/stream}) and of {@code GET /debug/syncz}; 0 picks a free one. */
    @WithDefault("" + MeshPorts.CONTROL_PLANE)
    int port();

    /** Address to bind; unset, every address of both families ({@code ::}, or {@code 0.0.0.0} without IPv6). */
    Optional<String> host();

    /** A change is pushed once nothing else changed for this long... */
    @WithDefault("100ms")
    Duration debounceQuiet();

    /** ...or at the latest this long after the first change of a burst. */
    @WithDefault("1s")
    Duration debounceMax();

    /** A connection that has not said hello within this long is closed. */
    @WithDefault("10s")
    Duration helloTimeout();

    /** A proxy waiting for the caches to sync is closed after this long (it reconnects with backoff). */
    @WithDefault("5m")
    Duration syncTimeout();
}
