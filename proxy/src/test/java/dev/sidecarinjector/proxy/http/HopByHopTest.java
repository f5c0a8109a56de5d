package dev.sidecarinjector.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.proxy.codec.Heads;
import dev.sidecarinjector.proxy.codec.MessageHead;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class HopByHopTest {

    private static MessageHead headers(String... namesAndValues) {
        return Heads.request("GET", "/", namesAndValues);
    }

    @Test
    void connectionHeadersAndTheHeadersTheyNameAreRemoved() {
        var headers = headers("connection", "keep-alive, X-Private", "connection", "x-other", "x-private", "1", "x-other", "2",
                "keep-alive", "timeout=5", "proxy-connection", "keep-alive", "te", "gzip", "upgrade", "h2c", "x-kept", "3");
        HopByHop.strip(headers, false);
        assertEquals(1, headers.size(), headers.toString());
        assertEquals("3", headers.get("x-kept"));
    }

    @Test
    void teTrailersAndTheBodyFramingStay() {
        var headers = headers("te", "trailers", "connection", "content-length, transfer-encoding", "content-length", "5",
                "transfer-encoding", "chunked");
        HopByHop.strip(headers, false);
        assertEquals("trailers", headers.get("te"));
        assertEquals("5", headers.get("content-length"));
        assertEquals("chunked", headers.get("transfer-encoding"));
    }

    @Test
    void anUpgradeKeepsUpgradeAndSaysSoInConnection() {
        var headers = headers("connection", "Upgrade, x-private", "upgrade", "websocket", "x-private", "1");
        assertTrue(HopByHop.isUpgrade(headers));
        HopByHop.strip(headers, true);
        assertEquals("websocket", headers.get("upgrade"));
        assertEquals("upgrade", headers.get("connection"));
        assertFalse(headers.contains("x-private"));
    }

    @Test
    void upgradeNeedsBothHeaders() {
        assertFalse(HopByHop.isUpgrade(headers("upgrade", "websocket")));
        assertFalse(HopByHop.isUpgrade(headers("connection", "upgrade")));
    }

    @Test
    void requestIdsAreVersion4UuidsAndDiffer() {
        var seen = new HashSet<String>();
        for (var i = 0; i < 1000; i++) {
            var id = RequestIds.next();
            assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), id);
            seen.add(id);
        }
        assertEquals(1000, seen.size());
    }
}
