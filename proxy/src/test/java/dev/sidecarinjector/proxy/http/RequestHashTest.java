package dev.sidecarinjector.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sidecarinjector.api.snapshot.ConsistentHash;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestHashTest {

    @Test
    void aCookieIsFoundByItsExactNameWithoutItsQuotes() {
        assertEquals("abc", RequestHash.cookie(List.of("a=1; user=abc; b=2"), "user"));
        assertEquals("abc", RequestHash.cookie(List.of("a=1", "user=\"abc\""), "user"));
        assertEquals("", RequestHash.cookie(List.of("user="), "user"));
        assertNull(RequestHash.cookie(List.of("username=abc; User=x"), "user"));
        assertNull(RequestHash.cookie(List.of(), "user"));
    }

    @Test
    void aGeneratedCookieIsSetAsEnvoySetsIt() {
        var session = new ConsistentHash(ConsistentHash.Source.COOKIE, "user", null, 0L, 1024);
        assertEquals("user=\"00ff\"; HttpOnly", RequestHash.setCookie(session, "00ff"));
        var lasting = new ConsistentHash(ConsistentHash.Source.COOKIE, "user", "/shop", 3_600_500L, 1024);
        assertEquals("user=\"00ff\"; Max-Age=3600; Path=/shop; HttpOnly", RequestHash.setCookie(lasting, "00ff"));
        var one = RequestHash.generatedCookie(new InetSocketAddress("10.0.0.1", 40000), new InetSocketAddress("10.0.0.2", 15001));
        assertEquals(16, one.length());
        assertEquals(one, RequestHash.generatedCookie(new InetSocketAddress("10.0.0.1", 40000), new InetSocketAddress("10.0.0.2", 15001)),
                "the same for every request of a connection");
    }
}
