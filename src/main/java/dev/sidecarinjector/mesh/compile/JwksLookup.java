package dev.sidecarinjector.mesh.compile;

/**
 * The JSON Web Key Sets the control plane fetched for RequestAuthentication {@code jwksUri}s, so that compiling
 * stays pure: the compiler only looks up what the fetcher last got. {@link #NONE} knows no keys (tests, and the CLI
 * without network).
 */
public interface JwksLookup {

    JwksLookup NONE = new None();

    /** The key set last fetched from {@code uri} (checked: at least one RSA or EC public key), or null when none yet. */
    String jwks(String uri);

    /** Calls {@code listener} whenever the keys of any uri changed (any thread): the snapshots that carry them change. */
    default void onChange(Runnable listener) {
    }

    /** A named class, so {@code NONE} prints as what it is. */
    final class None implements JwksLookup {
        @Override
        public String jwks(String uri) {
            return null;
        }
    }
}
