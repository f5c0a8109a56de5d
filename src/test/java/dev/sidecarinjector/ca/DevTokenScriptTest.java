package dev.sidecarinjector.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hack/dev-token.sh, which make run's users sign tokens with: its JWKS and tokens are what the JWKS check accepts. */
class DevTokenScriptTest {

    @TempDir
    Path dir;

    private String run(String... args) throws Exception {
        var command = new java.util.ArrayList<>(java.util.List.of("hack/dev-token.sh"));
        command.addAll(java.util.List.of(args));
        var builder = new ProcessBuilder(command);
        builder.environment().put("DEV_JWT_DIR", dir.toString());
        var process = builder.redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes()).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "hack/dev-token.sh did not finish");
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    @Test
    void aTokenOfTheScriptIsAcceptedForItsServiceAccount() throws Exception {
        run("--init");
        var authenticator = new JwksAuthenticator(dir.resolve("jwks.json"), "sidecar-injector-dev", "istio-ca", Duration.ofSeconds(60),
                Clock.systemUTC());
        assertEquals(new ServiceAccount("default", "productpage"), authenticator.authenticate(run("default", "productpage")));
        assertEquals(new ServiceAccount("shop", "cart"), authenticator.authenticate(run("shop", "cart", "60")), "the same key is kept");
    }
}
