package dev.sidecarinjector.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidecarinjector.ca.AuthenticationException.Reason;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TokenReview authenticator against fabric8's mock API server in expectations mode, answering as kube-apiserver does. */
@EnableKubernetesMockClient(https = false)
class TokenReviewAuthenticatorTest {

    private static final String PATH = "/apis/authentication.k8s.io/v1/tokenreviews";

    KubernetesClient client;
    KubernetesMockServer server;

    private TokenReviewAuthenticator authenticator() {
        return new TokenReviewAuthenticator(client, "istio-ca");
    }

    private static TokenReview authenticated(String username, List<String> groups, List<String> audiences) {
        return new TokenReviewBuilder().withNewStatus().withAuthenticated(true).withAudiences(audiences)
                .withNewUser().withUsername(username).withGroups(groups).endUser().endStatus().build();
    }

    private static TokenReview unauthenticated(String error) {
        return new TokenReviewBuilder().withNewStatus().withAuthenticated(false).withError(error).endStatus().build();
    }

    @Test
    void anAuthenticatedServiceAccountIsTheIdentityAndTheReviewAsksForIstioCa() throws Exception {
        server.expect().post().withPath(PATH).andReturn(201, authenticated("system:serviceaccount:default:productpage",
                List.of("system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"), List.of("istio-ca"))).once();

        assertEquals(new ServiceAccount("default", "productpage"), authenticator().authenticate("the-token"));

        var sent = new ObjectMapper().readValue(server.takeRequest().getBody().readUtf8(), TokenReview.class);
        assertEquals("the-token", sent.getSpec().getToken());
        assertEquals(List.of("istio-ca"), sent.getSpec().getAudiences());
    }

    @Test
    void anUnauthenticatedTokenIsRefusedWithTheApiServersReason() {
        server.expect().post().withPath(PATH).andReturn(201, unauthenticated("[invalid bearer token, service account token has expired]")).once();
        var expired = assertThrows(AuthenticationException.class, () -> authenticator().authenticate("old"));
        assertEquals(Reason.EXPIRED, expired.reason());
        assertEquals("the API server did not authenticate the token: [invalid bearer token, service account token has expired]", expired.getMessage());

        server.expect().post().withPath(PATH).andReturn(201, unauthenticated("[invalid bearer token, square/go-jose: error in cryptographic primitive]")).once();
        assertEquals(Reason.BAD_SIGNATURE, assertThrows(AuthenticationException.class, () -> authenticator().authenticate("forged")).reason());

        server.expect().post().withPath(PATH).andReturn(201, unauthenticated("")).once();
        assertEquals(Reason.REJECTED, assertThrows(AuthenticationException.class, () -> authenticator().authenticate("x")).reason());
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        // kube-apiserver refuses it itself...
        server.expect().post().withPath(PATH).andReturn(201,
                unauthenticated("[invalid bearer token, token audiences [\"https://kubernetes.default.svc\"] is invalid for the target audiences [\"istio-ca\"]]")).once();
        assertEquals(Reason.WRONG_AUDIENCE, assertThrows(AuthenticationException.class, () -> authenticator().authenticate("x")).reason());
        // ...and an API server that ignores spec.audiences is not believed either.
        server.expect().post().withPath(PATH).andReturn(201, authenticated("system:serviceaccount:default:app", List.of("system:serviceaccounts"),
                List.of("https://kubernetes.default.svc"))).once();
        var wrong = assertThrows(AuthenticationException.class, () -> authenticator().authenticate("x"));
        assertEquals(Reason.WRONG_AUDIENCE, wrong.reason());
        assertEquals("the token's audiences [https://kubernetes.default.svc] do not include istio-ca", wrong.getMessage());
    }

    @Test
    void aUserOrNodeTokenIsNotAServiceAccount() {
        server.expect().post().withPath(PATH).andReturn(201, authenticated("system:node:worker-1", List.of("system:nodes", "system:authenticated"),
                List.of("istio-ca"))).once();
        var node = assertThrows(AuthenticationException.class, () -> authenticator().authenticate("x"));
        assertEquals(Reason.NOT_SERVICE_ACCOUNT, node.reason());
        assertEquals("the token belongs to \"system:node:worker-1\", not to a ServiceAccount (group system:serviceaccounts)", node.getMessage());
    }

    @Test
    void anApiServerThatCannotBeAskedIsUnavailableNotARefusal() {
        server.expect().post().withPath(PATH).andReturn(403, "{\"kind\":\"Status\",\"message\":\"tokenreviews is forbidden\"}").once();
        var down = assertThrows(TokenAuthenticator.Unavailable.class, () -> authenticator().authenticate("x"));
        assertTrue(down.getMessage().startsWith("the TokenReview failed: HTTP 403"), down.getMessage());
    }
}
