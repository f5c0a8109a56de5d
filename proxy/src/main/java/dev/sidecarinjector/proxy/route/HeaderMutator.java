package dev.sidecarinjector.proxy.route;

/** Writes to a request's or response's headers (the engine's message heads take the edits on top of the bytes read). */
public interface HeaderMutator {

    /** Replaces every value of the header with this one. */
    void set(String name, String value);

    /** Appends a value, keeping those there. */
    void add(String name, String value);

    void remove(String name);
}
