package dev.sidecarinjector.api.ca;

/**
 * Keys reach a TLS context through PKCS#12 key stores that exist only in memory (Netty's and Vert.x's context
 * builders put the key in one and read it back), and the JDK protects each key put in one with 10,000 rounds of
 * PBKDF2-HMAC-SHA256, again when it is read: the webhook spent about 2 s of one CPU on them at start, the proxy about
 * 0.2 s for its three mTLS contexts at each certificate, more at start. Neither process writes a key store out, so the
 * rounds protect nothing; both set one round at start, before any key store is made.
 */
public final class KeyStoreRounds {

    /** The JDK's property (a system property overrides the security property of the same name). */
    public static final String PROPERTY = "keystore.pkcs12.keyPbeIterationCount";

    private KeyStoreRounds() {
    }

    /** One round, unless the property is already set (a {@code -D} on the command line is kept). */
    public static void useOne() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "1");
        }
    }
}
