package dev.sidecarinjector.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlagsTest {
    @Test
    void emptyValueIsPresentAndDiffersFromAbsent() throws Exception {
        Flags flags = Flags.parse(List.of("--a=", "--b", ""), Set.of("--a", "--b", "--c"), Set.of());
        assertEquals(Optional.of(""), flags.find("--a"));
        assertEquals(Optional.of(""), flags.find("--b"));
        assertEquals(Optional.empty(), flags.find("--c"));
    }

    @Test
    void switchesTakeNoValue() throws Exception {
        Flags flags = Flags.parse(List.of("--dry-run", "--port", "80"), Set.of("--port"), Set.of("--dry-run", "--cleanup"));
        assertTrue(flags.isSet("--dry-run"));
        assertFalse(flags.isSet("--cleanup"));
        assertEquals(80, flags.port("--port", 1));
    }

    @Test
    void portListsDropDuplicatesAndRefuseBlankItemsAsTheWebhookDoes() throws Exception {
        assertEquals(List.of(80, 443), NetValues.ports("--p", " 80, 443,80 ", false).ports());
        var error = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class, () -> NetValues.ports("--p", " 80, 443,,80 ", false));
        assertEquals("--p: \" 80, 443,,80 \" holds an empty item, which is not a port", error.getMessage());
    }
}
