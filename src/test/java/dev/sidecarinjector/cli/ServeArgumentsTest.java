package dev.sidecarinjector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@code serve} starts with no arguments, prints its usage for a help flag, and refuses anything else instead of ignoring it. */
class ServeArgumentsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void noArgumentsStart() {
        assertEquals(OptionalInt.empty(), serve());
        assertEquals("", text(out) + text(err));
    }

    @Test
    void aHelpFlagPrintsTheUsage() {
        for (var flag : new String[] {"--help", "-h", "help"}) {
            out.reset();
            assertEquals(OptionalInt.of(0), serve(flag));
            assertEquals(Main.SERVE_USAGE + "\n", text(out));
        }
        assertEquals("", text(err));
    }

    @Test
    void anythingElseIsRefusedNamingIt() {
        assertEquals(OptionalInt.of(2), serve("--port", "9443"));
        assertTrue(text(err).startsWith("error: serve takes no arguments, got \"--port 9443\"\nusage: sidecar-injector serve\n"), text(err));
        assertEquals("", text(out));
    }

    private OptionalInt serve(String... args) {
        return Main.serveArguments(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
