package dev.sidecarinjector.proxy.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class QueryParametersTest {

    @Test
    void readsTheFirstRawValueByExactName() {
        assertEquals("1", QueryParameters.value("a=1&b=2", "a"));
        assertEquals("2", QueryParameters.value("a=1&b=2", "b"));
        assertEquals("x", QueryParameters.value("a=x&a=y", "a"));
        assertEquals("", QueryParameters.value("flag&b=2", "flag"));
        assertEquals("", QueryParameters.value("a=", "a"));
        assertEquals("%20", QueryParameters.value("a=%20", "a"));
        assertEquals("b=c", QueryParameters.value("a=b=c", "a"));
        assertNull(QueryParameters.value("ab=1", "a"));
        assertNull(QueryParameters.value("b=a", "a"));
        assertNull(QueryParameters.value("", "a"));
        assertNull(QueryParameters.value(null, "a"));
        assertEquals("3", QueryParameters.value("&&a=3", "a"));
    }
}
