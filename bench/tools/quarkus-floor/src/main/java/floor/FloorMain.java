package floor;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts Quarkus as the webhook's {@code Main} does for {@code serve}: first one PBKDF2 round for the key stores that
 * exist only in memory (mesh-api's {@code KeyStoreRounds}; the serving key passes through one), unless a {@code -D}
 * says otherwise, so that the floor's start-up pays for the framework and not for a setting the webhook changes.
 */
@QuarkusMain
public class FloorMain {

    private static final String KEY_STORE_ROUNDS = "keystore.pkcs12.keyPbeIterationCount";

    public static void main(String... args) {
        if (System.getProperty(KEY_STORE_ROUNDS) == null) {
            System.setProperty(KEY_STORE_ROUNDS, "1");
        }
        Quarkus.run(args);
    }
}
