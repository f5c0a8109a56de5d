package dev.sidecarinjector.proxy.codec;

import java.nio.charset.StandardCharsets;

/** The request methods the proxy sees every request, as constants: reading one makes no new String. */
final class Methods {

    private static final String[] COMMON = {"GET", "POST", "PUT", "HEAD", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"};

    private Methods() {
    }

    static String of(byte[] bytes, int length) {
        for (var method : COMMON) {
            if (method.length() == length && matches(bytes, method)) {
                return method;
            }
        }
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }

    private static boolean matches(byte[] bytes, String method) {
        for (var i = 0; i < method.length(); i++) {
            if (bytes[i] != method.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
