package dev.sidecarinjector.proxy.tls;

import io.netty.buffer.ByteBuf;

/**
 * Tells, from the first bytes a client sent, whether it opened mesh mutual TLS (a TLS ClientHello offering one of
 * Istio's ALPN values), other TLS, or something else, as Envoy's TLS inspector does for Istio's PERMISSIVE ports.
 * Reads the buffer without moving its indexes or allocating. Only the first TLS record is read: a ClientHello split
 * over several records (over 16 KiB) is taken as TLS that is not the mesh's.
 */
public final class ClientHello {

    /** What the first bytes are. */
    public enum Kind {
        /** Not enough bytes yet to tell. */
        NEED_MORE,
        /** Not TLS: plaintext for the application. */
        PLAINTEXT,
        /** TLS, but not offering a mesh ALPN: the application's own TLS, passed on as it is. */
        TLS,
        /** A ClientHello offering a mesh ALPN ({@link MeshTls#MESH_ALPN}). */
        MESH_TLS
    }

    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int ALPN_EXTENSION = 16;
    private static final int RECORD_HEADER = 5;
    private static final String[] MESH = MeshTls.MESH_ALPN.toArray(new String[0]);
    /** The largest TLS plaintext record (2^14) and what compression could add; longer is not a TLS record. */
    static final int MAX_RECORD = (1 << 14) + 2048;

    private ClientHello() {
    }

    public static Kind inspect(ByteBuf in) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        if (readable < 1) {
            return Kind.NEED_MORE;
        }
        if (in.getUnsignedByte(start) != HANDSHAKE) {
            return Kind.PLAINTEXT;
        }
        if (readable < RECORD_HEADER) {
            return Kind.NEED_MORE;
        }
        int length = in.getUnsignedShort(start + 3);
        if (in.getUnsignedByte(start + 1) != 3 || length == 0 || length > MAX_RECORD) {
            return Kind.PLAINTEXT;
        }
        if (readable < RECORD_HEADER + length) {
            return Kind.NEED_MORE;
        }
        return offersMeshAlpn(in, start + RECORD_HEADER, start + RECORD_HEADER + length) ? Kind.MESH_TLS : Kind.TLS;
    }

    /** Walks the ClientHello in {@code [at, end)} to its ALPN extension; anything malformed answers false. */
    private static boolean offersMeshAlpn(ByteBuf in, int at, int end) {
        if (at + 4 > end || in.getUnsignedByte(at) != CLIENT_HELLO) {
            return false;
        }
        int helloEnd = at + 4 + in.getUnsignedMedium(at + 1);
        if (helloEnd > end) {
            return false; // continued in the next record
        }
        int p = at + 4 + 2 + 32; // client_version, random
        if (p + 1 > helloEnd) {
            return false;
        }
        p += 1 + in.getUnsignedByte(p); // session_id
        if (p + 2 > helloEnd) {
            return false;
        }
        p += 2 + in.getUnsignedShort(p); // cipher_suites
        if (p + 1 > helloEnd) {
            return false;
        }
        p += 1 + in.getUnsignedByte(p); // compression_methods
        if (p + 2 > helloEnd) {
            return false;
        }
        int extensionsEnd = Math.min(helloEnd, p + 2 + in.getUnsignedShort(p));
        p += 2;
        while (p + 4 <= extensionsEnd) {
            int type = in.getUnsignedShort(p);
            int length = in.getUnsignedShort(p + 2);
            p += 4;
            if (p + length > extensionsEnd) {
                return false;
            }
            if (type == ALPN_EXTENSION) {
                return alpnHasMesh(in, p, p + length);
            }
            p += length;
        }
        return false;
    }

    private static boolean alpnHasMesh(ByteBuf in, int at, int end) {
        if (at + 2 > end) {
            return false;
        }
        int listEnd = Math.min(end, at + 2 + in.getUnsignedShort(at));
        int p = at + 2;
        while (p < listEnd) {
            int length = in.getUnsignedByte(p);
            p++;
            if (p + length > listEnd) {
                return false;
            }
            if (isMesh(in, p, length)) {
                return true;
            }
            p += length;
        }
        return false;
    }

    private static boolean isMesh(ByteBuf in, int at, int length) {
        for (var protocol : MESH) {
            if (protocol.length() == length && sameAscii(in, at, protocol)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameAscii(ByteBuf in, int at, String text) {
        for (int i = 0; i < text.length(); i++) {
            if (in.getByte(at + i) != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
