package dev.sidecarinjector.ca;

import java.util.Optional;

/** A Kubernetes ServiceAccount, as a token names it: {@code system:serviceaccount:NAMESPACE:NAME}. */
public record ServiceAccount(String namespace, String name) {

    static final String PREFIX = "system:serviceaccount:";

    /** The ServiceAccount of a username or {@code sub} claim; empty when it names something else (a user, a node). */
    public static Optional<ServiceAccount> fromUsername(String username) {
        if (username == null || !username.startsWith(PREFIX)) {
            return Optional.empty();
        }
        var parts = username.substring(PREFIX.length()).split(":", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ServiceAccount(parts[0], parts[1]));
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
