package dev.sidecarinjector.proxy.http;

import dev.sidecarinjector.proxy.route.HeaderMutator;
import dev.sidecarinjector.proxy.route.RequestHeaders;
import io.netty.handler.codec.http.HttpHeaders;

/** Netty's headers as route matching reads them and as VirtualService header edits write them, without copying. */
record NettyHeaders(HttpHeaders headers) implements RequestHeaders, HeaderMutator {

    @Override
    public String get(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    @Override
    public void set(String name, String value) {
        headers.set(name, value);
    }

    @Override
    public void add(String name, String value) {
        headers.add(name, value);
    }

    @Override
    public void remove(String name) {
        headers.remove(name);
    }
}
