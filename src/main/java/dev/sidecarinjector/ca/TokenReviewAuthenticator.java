package dev.sidecarinjector.ca;

import dev.sidecarinjector.ca.AuthenticationException.Reason;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Locale;

/**
 * Asks the API server who holds a token, as istiod's KubeJWTAuthenticator does: a TokenReview for the CA's audience
 * ({@code istio-ca}). The token is accepted when the review is authenticated, for that audience, and names a
 * ServiceAccount (group {@code system:serviceaccounts}, username {@code system:serviceaccount:NS:NAME}). The API
 * server checks the signature, the expiry and whether the pod and the ServiceAccount still exist.
 */
public final class TokenReviewAuthenticator implements TokenAuthenticator {

    static final String SERVICE_ACCOUNTS_GROUP = "system:serviceaccounts";

    private final KubernetesClient client;
    private final String audience;

    public TokenReviewAuthenticator(KubernetesClient client, String audience) {
        this.client = client;
        this.audience = audience;
    }

    @Override
    public String describe() {
        return "TokenReview at " + client.getMasterUrl() + " for audience " + audience;
    }

    @Override
    public ServiceAccount authenticate(String token) throws AuthenticationException, Unavailable {
        var request = new TokenReviewBuilder().withNewSpec().withToken(token).withAudiences(audience).endSpec().build();
        io.fabric8.kubernetes.api.model.authentication.TokenReview review;
        try {
            review = client.authentication().v1().tokenReviews().create(request);
        } catch (KubernetesClientException e) {
            throw new Unavailable("the TokenReview failed: " + (e.getCode() > 0 ? "HTTP " + e.getCode() + ": " : "") + e.getMessage(), e);
        }
        var status = review == null ? null : review.getStatus();
        if (status == null) {
            throw new Unavailable("the TokenReview came back without a status", null);
        }
        if (!Boolean.TRUE.equals(status.getAuthenticated())) {
            throw unauthenticated(status.getError());
        }
        var audiences = status.getAudiences() == null ? List.<String>of() : status.getAudiences();
        // An API server that ignores spec.audiences answers with the token's own ones, or none: accept only ours.
        if (!audiences.isEmpty() && !audiences.contains(audience)) {
            throw new AuthenticationException(Reason.WRONG_AUDIENCE, "the token's audiences " + audiences + " do not include " + audience);
        }
        var user = status.getUser();
        var username = user == null ? null : user.getUsername();
        var groups = user == null || user.getGroups() == null ? List.<String>of() : user.getGroups();
        if (!groups.contains(SERVICE_ACCOUNTS_GROUP)) {
            throw new AuthenticationException(Reason.NOT_SERVICE_ACCOUNT, "the token belongs to \"" + username
                    + "\", not to a ServiceAccount (group " + SERVICE_ACCOUNTS_GROUP + ")");
        }
        return ServiceAccount.fromUsername(username).orElseThrow(() -> new AuthenticationException(Reason.NOT_SERVICE_ACCOUNT,
                "the token's user \"" + username + "\" is not system:serviceaccount:NAMESPACE:NAME"));
    }

    /** The API server's error says why in free text; the reason is read from it where it is clear. */
    static AuthenticationException unauthenticated(String error) {
        var text = error == null || error.isBlank() ? "the API server did not authenticate the token" : "the API server did not authenticate the token: " + error;
        var lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("expired")) {
            return new AuthenticationException(Reason.EXPIRED, text);
        }
        if (lower.contains("audience")) {
            return new AuthenticationException(Reason.WRONG_AUDIENCE, text);
        }
        if (lower.contains("signature") || lower.contains("cryptographic") || lower.contains("verif")) {
            return new AuthenticationException(Reason.BAD_SIGNATURE, text);
        }
        return new AuthenticationException(Reason.REJECTED, text);
    }
}
