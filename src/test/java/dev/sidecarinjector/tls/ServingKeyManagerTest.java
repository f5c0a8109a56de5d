package dev.sidecarinjector.tls;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.Socket;
import java.security.KeyPairGenerator;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.Test;

class ServingKeyManagerTest {

    /** One key pair under the alias "serving", as Vert.x's PEM key manager holds it. */
    private record OnePair(PrivateKey key, X509Certificate[] chain) implements X509KeyManager {

        static OnePair generate() throws Exception {
            return new OnePair(KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate(), new X509Certificate[0]);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return "serving";
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[] {"serving"};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return "serving".equals(alias) ? chain : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return "serving".equals(alias) ? key : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    @Test
    void aHandshakeUnderWayKeepsThePairItChoseWhileNewHandshakesGetTheNewOne() throws Exception {
        var serving = new ServingKeyManager();
        var old = OnePair.generate();
        var rotated = OnePair.generate();
        serving.use(old);
        var chosenBefore = serving.chooseEngineServerAlias("EC", null, null);
        serving.use(rotated);
        var chosenAfter = serving.chooseEngineServerAlias("EC", null, null);

        assertSame(old.key(), serving.getPrivateKey(chosenBefore));
        assertSame(old.chain(), serving.getCertificateChain(chosenBefore));
        assertSame(rotated.key(), serving.getPrivateKey(chosenAfter));
        assertSame(rotated.chain(), serving.getCertificateChain(chosenAfter));
    }

    @Test
    void unknownAliasesAndAnEmptyManagerServeNothing() throws Exception {
        var serving = new ServingKeyManager();
        assertNull(serving.chooseEngineServerAlias("EC", null, null));
        serving.use(OnePair.generate());
        assertNull(serving.getPrivateKey("serving"));
        assertNull(serving.getPrivateKey("99:serving"));
        assertNull(serving.getCertificateChain(null));
    }
}
