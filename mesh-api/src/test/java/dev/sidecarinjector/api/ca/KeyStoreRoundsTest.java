package dev.sidecarinjector.api.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeyStoreRoundsTest {

    private String before;

    @BeforeEach
    void save() {
        before = System.getProperty(KeyStoreRounds.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(KeyStoreRounds.PROPERTY);
        } else {
            System.setProperty(KeyStoreRounds.PROPERTY, before);
        }
    }

    @Test
    void unsetItBecomesOneRound() {
        System.clearProperty(KeyStoreRounds.PROPERTY);
        KeyStoreRounds.useOne();
        assertEquals("1", System.getProperty("keystore.pkcs12.keyPbeIterationCount"));
    }

    @Test
    void aValueGivenOnTheCommandLineIsKept() {
        System.setProperty(KeyStoreRounds.PROPERTY, "20000");
        KeyStoreRounds.useOne();
        assertEquals("20000", System.getProperty(KeyStoreRounds.PROPERTY));
    }
}
