package dev.sidecarinjector.proxy.route;

/**
 * The request's headers as route matching reads them, so that the engine adapts Netty's {@code HttpHeaders}
 * without copying them. Names are asked in lower case; header names compare case-insensitively.
 */
public interface RequestHeaders {

    /** The first value of the header, or null when the request has none. */
    String get(String lowerCaseName);
}
