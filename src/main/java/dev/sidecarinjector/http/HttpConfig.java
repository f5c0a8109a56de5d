package dev.sidecarinjector.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Limits on how a client sends a request, beyond what {@code quarkus.http.*} offers. */
@ConfigMapping(prefix = "injector.http")
public interface HttpConfig {

    /**
     * How long after its headers a request's body must be complete; after that the request is answered 408 and
     * its connection closed. kube-apiserver sends the whole body at once, so only a stalled or abusive client
     * meets it. The idle timeout does not bound a body dripped byte by byte: every byte resets it.
     */
    @WithDefault("10s")
    Duration bodyTimeout();
}
