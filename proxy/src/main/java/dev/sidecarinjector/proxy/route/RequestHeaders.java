package dev.sidecarinjector.proxy.route;

/**
 * The request's headers as route matching reads them (the engine's parsed request head, read in place). Names are
 * asked in lower case; header names compare case-insensitively.
 */
public interface RequestHeaders {

    /** The first value of the header, or null when the request has none. */
    String get(String lowerCaseName);
}
