package dev.sidecarinjector.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** Telling mesh TLS from other TLS and from plaintext by the first bytes, on ClientHellos the JDK really sends. */
class ClientHelloTest {

    /** The first record a JDK client sends, offering {@code alpn} (none when empty). */
    static byte[] clientHello(String... alpn) throws Exception {
        var context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        var engine = context.createSSLEngine("reviews", 9080);
        engine.setUseClientMode(true);
        var parameters = engine.getSSLParameters();
        parameters.setApplicationProtocols(alpn);
        engine.setSSLParameters(parameters);
        engine.beginHandshake();
        var out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        var bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    private static ClientHello.Kind inspect(byte[] bytes) {
        return ClientHello.inspect(Unpooled.wrappedBuffer(bytes));
    }

    @Test
    void aClientHelloWithAMeshAlpnIsMeshTls() throws Exception {
        assertEquals(ClientHello.Kind.MESH_TLS, inspect(clientHello("istio-http/1.1", "istio")));
        assertEquals(ClientHello.Kind.MESH_TLS, inspect(clientHello("istio-peer-exchange", "istio")));
        assertEquals(ClientHello.Kind.MESH_TLS, inspect(clientHello("h2", "istio")));
    }

    @Test
    void otherTlsIsTheApplicationsOwn() throws Exception {
        assertEquals(ClientHello.Kind.TLS, inspect(clientHello("h2", "http/1.1")));
        assertEquals(ClientHello.Kind.TLS, inspect(clientHello()));
        assertEquals(ClientHello.Kind.TLS, inspect(clientHello("istio-", "istiox")), "only Istio's exact values count");
    }

    @Test
    void plaintextIsToldByItsFirstByte() {
        assertEquals(ClientHello.Kind.PLAINTEXT, inspect("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ClientHello.Kind.PLAINTEXT, inspect(new byte[] {'P'}));
        assertEquals(ClientHello.Kind.PLAINTEXT, inspect(new byte[] {22, 2, 0, 0, 5}), "not TLS 1.x");
        assertEquals(ClientHello.Kind.PLAINTEXT, inspect(new byte[] {22, 3, 1, (byte) 0xFF, (byte) 0xFF}), "a record too long for TLS");
    }

    @Test
    void aPartialRecordNeedsMoreAndTheBufferIsNotMoved() throws Exception {
        var hello = clientHello("istio");
        assertEquals(ClientHello.Kind.NEED_MORE, inspect(new byte[0]));
        assertEquals(ClientHello.Kind.NEED_MORE, inspect(java.util.Arrays.copyOf(hello, 4)));
        assertEquals(ClientHello.Kind.NEED_MORE, inspect(java.util.Arrays.copyOf(hello, hello.length - 1)));
        ByteBuf buffer = Unpooled.buffer().writeBytes("xyz".getBytes(StandardCharsets.US_ASCII)).writeBytes(hello);
        buffer.skipBytes(3);
        assertEquals(ClientHello.Kind.MESH_TLS, ClientHello.inspect(buffer));
        assertEquals(3, buffer.readerIndex());
        assertEquals(hello.length, buffer.readableBytes());
    }

    @Test
    void aMalformedHelloIsTlsThatIsNotTheMeshs() throws Exception {
        var hello = clientHello("istio");
        var cut = hello.clone();
        // The handshake claims more than the record holds (a ClientHello continued in a second record).
        cut[6] = 0x7F;
        assertEquals(ClientHello.Kind.TLS, inspect(cut));
        assertEquals(ClientHello.Kind.TLS, inspect(new byte[] {22, 3, 1, 0, 4, 2, 0, 0, 0}), "a handshake that is not a ClientHello");
        assertEquals(ClientHello.Kind.TLS, inspect(new byte[] {22, 3, 1, 0, 4, 1, 0, 0, 0}), "an empty ClientHello");
    }
}
