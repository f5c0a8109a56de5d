package dev.sidecarinjector.mesh.e2e;

import static dev.sidecarinjector.mesh.e2e.MtlsLab.key;
import static dev.sidecarinjector.mesh.e2e.PolicyMesh.CHARGE;
import static dev.sidecarinjector.mesh.e2e.PolicyMesh.REFUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sidecarinjector.mesh.e2e.MeshClient.Reply;
import dev.sidecarinjector.mesh.e2e.MtlsLab.MeshPod;
import dev.sidecarinjector.mesh.e2e.ReviewsMesh.Pod;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * AuthorizationPolicy with real parts and no cluster: the control plane (its own process, the directory source, the
 * mesh CA on) and the design document's {@code payment} in namespace {@code production}, STRICT, with its
 * {@code payment-service-policy} (only {@code order-service} and {@code refund-service} may POST to
 * {@code /api/v1/charge} and {@code /api/v1/refund}); three client pods with the real proxy, each with its own
 * ServiceAccount and certificate: order-service, refund-service and catalog. Policies are files of the control
 * plane's directory ({@link PolicyMesh}), added, rewritten and removed while everything runs.
 * <p>
 * Each case is one method, ordered; the last reads the payment proxy's counters and compares them with every answer
 * the clients received in the cases before it. A case (a JWT required on a path, a client over a rate limit, or a new
 * one) goes before it: it asks with {@link #ask} (headers such as {@code Authorization} included), says which rule it
 * expects each 403 to come from with {@link #expectDenied} and adds the requests the policies let through to
 * {@link #allowedByPolicies} (whatever their answer: a 429 after the policies, say; a 401 of RequestAuthentication
 * never reaches them), so the counters case still adds up; it removes the files it added. Each case prints one line of
 * figures ({@code PolicyE2E case}). Needs root, iproute2, iptables and setpriv: skipped without them or the jars,
 * except with CI=true, where it fails.
 */
@TestMethodOrder(OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PolicyE2E {

    static final String PAYMENT = PolicyMesh.CLUSTER_IP + ":" + PolicyMesh.SERVICE_PORT;
    static final Map<String, String> HEADERS = Map.of("Host", PolicyMesh.HOST);
    static final String DENIED = "RBAC: access denied";
    static final String DENY_POLICY = "deny-refund-charge";
    /** The RBAC counters' {@code policy} when ALLOW policies exist and none of their rules matched. */
    static final String NO_RULE = "none";
    /** A policy change is enforced within this, from the file's write to the first answer that shows it (issue 12). */
    static final long ENFORCED_WITHIN_MS = 2_000;
    static final int N = 10;
    static final String JWT_POLICY = "require-jwt";
    static final String JWT_ISSUER = "https://accounts.example.com";
    static final String JWT_AUDIENCE = "payments";
    static final String JWT_KEY_ID = "payments-2026";
    static final String RATE_POLICY = "payment-api";
    static final int OVERRIDE_RPS = 5;
    static final int IDENTITY_RPS = 100;
    /** Requests sent at once, one after the other, against a bucket of {@link #OVERRIDE_RPS}. */
    static final int BURST = 25;

    /** A client pod: its proxy and the HTTP client in its namespace. */
    record Caller(String name, MeshPod pod, MeshClient client) {
    }

    static MtlsLab mesh;
    static PolicyMesh files;
    static MeshPod payment;
    static Caller order;
    static Caller refund;
    static Caller catalog;
    /** Every 403 the clients received, by the rule the case expected to deny it ({@code none}: no ALLOW rule matched). */
    static final Map<String, Long> deniedByRule = new TreeMap<>();
    /** Every request the policies let through, as the clients saw it (here: every 200). */
    static long allowedByPolicies;

    @RegisterExtension
    static final FailureWatch FAILURES = new FailureWatch();

    @BeforeAll
    static void startTheMesh() throws Exception {
        long began = System.nanoTime();
        mesh = MtlsLab.create("PolicyE2E", Duration.ofHours(1));
        var lab = mesh.lab;
        var paymentPod = new Pod("payment-7d4b9c8f6d-q2w3e", "v1", lab.ip(10));
        var paymentNs = lab.addPod("payment", 10);
        var clients = new ArrayList<PolicyMesh.Client>();
        var clientNs = new ArrayList<String>();
        for (var app : List.of("order-service", "refund-service", "catalog")) {
            int host = 11 + clients.size();
            clients.add(new PolicyMesh.Client(new Pod(app + "-5b8d7c6f9a-x" + host, "v1", lab.ip(host)), app));
            clientNs.add(lab.addPod(app, host));
        }
        AppProcess.start(lab, paymentNs, paymentPod, PolicyMesh.APP_PORT);
        files = new PolicyMesh(mesh.controlPlane.meshDirectory);
        files.writeWorkloads(paymentPod, clients);
        files.writeDesignPolicy(PolicyMesh.DESIGN_CALLERS);
        mesh.controlPlane.start();
        long controlPlaneMs = (System.nanoTime() - began) / 1_000_000;

        payment = mesh.startProxy(paymentPod, PolicyMesh.NAMESPACE, "payment", paymentNs, Map.of());
        var callers = new ArrayList<Caller>();
        for (int i = 0; i < clients.size(); i++) {
            var client = clients.get(i);
            var pod = mesh.startProxy(client.pod(), PolicyMesh.NAMESPACE, client.app(), clientNs.get(i), Map.of());
            callers.add(new Caller(client.app(), pod, mesh.client(clientNs.get(i), client.app())));
        }
        payment.proxy().awaitReady(60);
        for (var caller : callers) {
            caller.pod().proxy().awaitReady(60);
        }
        order = callers.get(0);
        refund = callers.get(1);
        catalog = callers.get(2);
        System.out.printf("PolicyE2E setup: node %s, pods on %s.0/24, control plane with its CA listening after %d ms, four proxies"
                + " ready with their certificates and clients started after %d ms%n", lab.node, lab.subnet, controlPlaneMs,
                (System.nanoTime() - began) / 1_000_000);
    }

    @AfterAll
    static void stopTheMesh() throws Exception {
        if (mesh != null) {
            mesh.close(FAILURES.failed());
        }
    }

    /**
     * The design document's policy as written: order-service and refund-service POST to both paths and get 200, and the
     * app sees each of their requests; catalog gets 403 {@code RBAC: access denied} and the app sees none; a GET is 403
     * from everyone, the policy's own callers included. Plaintext from the node, with no certificate, is refused
     * before any policy (STRICT).
     */
    @Test
    @Order(0)
    void onlyOrderAndRefundServiceMayPostToChargeAndRefund() throws Exception {
        var figures = new ArrayList<String>();
        for (var caller : List.of(order, refund)) {
            for (var path : List.of(CHARGE, REFUND)) {
                var served = expectServed(caller, path);
                figures.add(caller.name() + " POST " + path + " " + served + "/" + N + " 200 seen by the app");
            }
        }
        for (var path : List.of(CHARGE, REFUND)) {
            expectDenied(catalog, "POST", path, NO_RULE);
        }
        figures.add("catalog POST both paths " + 2 * N + " x 403, none seen by the app");
        for (var caller : List.of(order, refund, catalog)) {
            expectDenied(caller, "GET", CHARGE, NO_RULE);
        }
        figures.add("GET " + CHARGE + " 403 from all three (" + 3 * N + ")");
        var plainKey = key("plaintext");
        var plain = assertThrows(IOException.class, () -> mesh.node().get("http://" + payment.pod().ip() + ":" + PolicyMesh.APP_PORT
                + CHARGE + "?key=" + plainKey));
        assertEquals(List.of(), appSaw(plainKey), "plaintext reached the app");
        figures.add("plaintext from the node refused (" + plain.getMessage() + ")");
        System.out.println("PolicyE2E case 0: payment-service-policy: " + String.join("; ", figures));
    }

    /**
     * A DENY policy beats the ALLOW: denying refund-service on {@code /api/v1/charge} (a new file) turns its POSTs
     * there to 403, by the DENY policy's rule, while its POSTs to {@code /api/v1/refund} and order-service's to
     * {@code /api/v1/charge} stay 200.
     */
    @Test
    @Order(1)
    void aDenyPolicyBeatsTheAllow() throws Exception {
        var rule = PolicyMesh.firstRule(DENY_POLICY);
        var change = enforced(() -> files.writeDenyPolicy(DENY_POLICY, "refund-service", CHARGE), refund, CHARGE, 403, rule);
        expectDenied(refund, "POST", CHARGE, rule);
        expectServed(refund, REFUND);
        expectServed(order, CHARGE);
        System.out.printf("PolicyE2E case 1: DENY %s added: refund-service POST %s 403 after %d ms (%d request(s) still 200 while"
                + " it spread); then %d x 403 by %s, refund-service POST %s and order-service POST %s %d x 200 each%n",
                DENY_POLICY, CHARGE, change.ms(), change.before(), N, rule, REFUND, CHARGE, N);
    }

    /**
     * The design policy rewritten in its file, then rewritten back: catalog added to its principals gets 200 (the
     * app sees it; its GET stays 403), then 403 again once removed, each within 2 s of the write; neither the control
     * plane nor any proxy restarted.
     */
    @Test
    @Order(2)
    void aPolicyRewrittenInTheDirectoryIsEnforcedWithoutARestart() throws Exception {
        var pids = pids();
        var widened = new ArrayList<>(PolicyMesh.DESIGN_CALLERS);
        widened.add("catalog");
        var granted = enforced(() -> files.writeDesignPolicy(widened), catalog, CHARGE, 200, NO_RULE);
        expectServed(catalog, CHARGE);
        expectDenied(catalog, "GET", CHARGE, NO_RULE);
        var revoked = enforced(() -> files.writeDesignPolicy(PolicyMesh.DESIGN_CALLERS), catalog, CHARGE, 403, NO_RULE);
        expectDenied(catalog, "POST", CHARGE, NO_RULE);
        System.out.printf("PolicyE2E case 2: %s rewritten with catalog: its POST %s 200 after %d ms (%d request(s) still 403"
                + " before); rewritten back: 403 after %d ms (%d still 200 before); processes %s unchanged%n",
                PolicyMesh.DESIGN_POLICY, CHARGE, granted.ms(), granted.before(), revoked.ms(), revoked.before(), pids);
        assertTrue(granted.ms() <= ENFORCED_WITHIN_MS && revoked.ms() <= ENFORCED_WITHIN_MS,
                "enforced after " + granted.ms() + " and " + revoked.ms() + " ms, more than " + ENFORCED_WITHIN_MS);
        assertEquals(pids, pids(), "no restart");
    }

    /**
     * A JWT required on {@code /api/v1/refund} as docs/mesh.md writes it (a RequestAuthentication for payment with its
     * key set inline and a DENY on {@code notRequestPrincipals: ["*"]} for that path, one new file; the design policy
     * is the ALLOW that lets order-service in): order-service's POSTs there with no token are 403 by the DENY rule; a
     * token signed by another key with the same {@code kid}, and one expired beyond the 60 s clock skew, are 401 with
     * {@code WWW-Authenticate}; a good RS256 token is 200 and the app sees no {@code Authorization} header (the token
     * is removed, {@code forwardOriginalToken} being false). {@code /api/v1/charge} needs none: a POST there with a
     * {@code Basic} Authorization header (not a token: no {@code Bearer} prefix) is 200 and reaches the app with it,
     * which shows the app logs the header when it comes. Last, the file is removed: no token is needed again.
     */
    @Test
    @Order(3)
    void aJwtIsRequiredOnRefund() throws Exception {
        var signer = RsaJwkGenerator.generateJwk(2048);
        signer.setKeyId(JWT_KEY_ID);
        var stranger = RsaJwkGenerator.generateJwk(2048);
        stranger.setKeyId(JWT_KEY_ID);
        var jwks = new JsonWebKeySet(signer).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        var rule = PolicyMesh.firstRule(JWT_POLICY);
        var change = enforced(() -> files.writeRequireJwt(JWT_POLICY, JWT_ISSUER, JWT_AUDIENCE, jwks, REFUND), order, REFUND, 403,
                rule);
        expectDenied(order, "POST", REFUND, rule);
        long now = System.currentTimeMillis() / 1000;
        var otherKey = expectUnauthenticated(order, REFUND, bearer(stranger, now - 10, now + 300));
        var expired = expectUnauthenticated(order, REFUND, bearer(signer, now - 600, now - 120));
        var good = bearer(signer, now - 10, now + 300);
        var seen = expectServed(order, REFUND, Map.of("Authorization", good));
        assertTrue(seen.stream().allMatch(l -> l.contains(" authorization=- ")), "the app saw the token: " + seen);
        var basic = expectServed(order, CHARGE, Map.of("Authorization", "Basic b3JkZXItc2VydmljZTpzZWNyZXQ="));
        assertTrue(basic.stream().allMatch(l -> l.contains(" authorization=Basic ")), "the app did not log the header: " + basic);
        var removed = enforced(() -> files.remove(JWT_POLICY), order, REFUND, 200, rule);
        System.out.printf("PolicyE2E case 3: %s (RequestAuthentication, inline JWKS, and DENY on notRequestPrincipals for %s)"
                + " added: order-service POST %s with no token 403 after %d ms (%d request(s) still 200 before); then %d x 403"
                + " by %s; a token of another key with kid %s: %d x 401 (%s), an expired one: %d x 401 (%s), both with"
                + " WWW-Authenticate; a good RS256 token: %d x 200, the app saw no Authorization header; POST %s with a Basic"
                + " Authorization header: %d x 200, the app saw it; file removed: no token 200 again after %d ms (%d still 403 before)%n",
                JWT_POLICY, REFUND, REFUND, change.ms(), change.before(), N, rule, JWT_KEY_ID, N, otherKey, N, expired, seen.size(), CHARGE,
                basic.size(), removed.ms(), removed.before());
    }

    /**
     * A client over the limit: an HTTPLocalRateLimitPolicy for payment's port ({@value #OVERRIDE_RPS} requests a second
     * for order-service by an override, {@value #IDENTITY_RPS} for each other client) gives order-service, once its
     * bucket is full, {@value #OVERRIDE_RPS} x 200 on a burst of {@value #BURST} and 429 {@code local_rate_limited} for
     * some of the rest, each with {@code x-ratelimit-limit}, {@code x-ratelimit-remaining: 0} and {@code retry-after},
     * none reaching the app; refund-service, with its own bucket, is served meanwhile. Then the policy's file is
     * removed and order-service's bursts are all 200 again; payment's
     * {@code envoy_http_local_rate_limit_rate_limited{scope="override"}} and
     * {@code istio_requests_total{response_code="429",response_flags="RL"}} equal the 429s order-service received.
     */
    @Test
    @Order(4)
    void aClientOverTheLimitGets429AndTheCountersAgree() throws Exception {
        var change = enforced(() -> files.writeRateLimit(RATE_POLICY, IDENTITY_RPS, "order-service", OVERRIDE_RPS), order, CHARGE, 429,
                NO_RULE);
        // The bucket holds one second's worth: after a second without requests it is full.
        Thread.sleep(1_100);
        var key = key("order-service-burst");
        var burst = ask(order, BURST, "POST", CHARGE + "?key=" + key, Map.of());
        burst.forEach(r -> countPolicies(r, NO_RULE));
        var limited = burst.stream().filter(r -> r.status() == 429).toList();
        long served = burst.stream().filter(r -> r.status() == 200).count();
        assertEquals(BURST, served + limited.size(), "only 200 and 429: " + burst);
        assertTrue(burst.subList(0, OVERRIDE_RPS).stream().allMatch(Reply::ok),
                "a full bucket serves " + OVERRIDE_RPS + ": " + burst);
        assertTrue(!limited.isEmpty(), "a burst of " + BURST + " over " + OVERRIDE_RPS + "/s was never limited: " + burst);
        for (var reply : limited) {
            var headers = reply.headers();
            assertTrue(reply.body().equals("local_rate_limited") && reply.pod().equals("-")
                    && headers.getOrDefault("x-ratelimit-limit", "").equals(Integer.toString(OVERRIDE_RPS))
                    && headers.getOrDefault("x-ratelimit-remaining", "").equals("0")
                    && Integer.parseInt(headers.getOrDefault("retry-after", "0")) >= 1, reply + " " + headers);
        }
        assertEquals(served, appSaw(key).size(), "the app saw the 200s, and only them");
        expectServed(refund, REFUND);
        var first = limited.getFirst().headers();
        var removed = enforcedEverywhere(() -> files.remove(RATE_POLICY));

        long got = order.client().tally(PAYMENT).getOrDefault(429, 0L);
        var policy = PolicyMesh.NAMESPACE + "/" + RATE_POLICY;
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        var page = mesh.metrics(payment);
        while (!(rateLimited(page, policy) == got && limitedRequests(page) == got) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            page = mesh.metrics(payment);
        }
        var counters = ProxyAdmin.series(page, "envoy_http_local_rate_limit_rate_limited");
        System.out.printf("PolicyE2E case 4: %s (order-service %d/s by override, identity %d/s) added: order-service POST %s 429"
                + " after %d ms (%d request(s) before); a burst of %d from a full bucket: %d x 200 and %d x 429 local_rate_limited"
                + " (x-ratelimit-limit %s, x-ratelimit-remaining %s, retry-after %s), the app saw the %d; refund-service %d x 200"
                + " meanwhile (POST %s); file removed: a burst of %d all 200 after %d ms (%d burst(s) before); order-service"
                + " received %d x 429"
                + " in all, payment counted %s and istio_requests_total{response_code=\"429\",response_flags=\"RL\"} %d%n",
                RATE_POLICY, OVERRIDE_RPS, IDENTITY_RPS, CHARGE, change.ms(), change.before(), BURST, served, limited.size(),
                first.get("x-ratelimit-limit"), first.get("x-ratelimit-remaining"), first.get("retry-after"), served, N, REFUND, BURST,
                removed.ms(), removed.before(), got, counters, limitedRequests(page));
        assertEquals(got, rateLimited(page, policy), "envoy_http_local_rate_limit_rate_limited{policy=\"" + policy
                + "\",scope=\"override\"}: " + counters);
        assertEquals(got, limitedRequests(page), "istio_requests_total{response_code=\"429\",response_flags=\"RL\"}");
    }

    /**
     * Last, so it covers every request before it: payment's proxy counted what the clients received. Its
     * {@code istio_requests_total{reporter="destination"}} by {@code source_principal} and {@code response_code} equals
     * each client's answers, a 403 with {@code response_flags="-"}; {@code envoy_http_rbac_allowed} is the requests
     * the policies let through (the 200s) and
     * {@code envoy_http_rbac_denied} by {@code policy} the 403s by the rule each case expected.
     */
    @Test
    @Order(99)
    void thePaymentProxysCountersAgreeWithWhatTheClientsReceived() throws Exception {
        var received = new TreeMap<String, Map<Integer, Long>>();
        for (var caller : List.of(order, refund, catalog)) {
            received.put(caller.pod().spiffeId(), caller.client().tally(PAYMENT));
        }
        var byCode = new TreeMap<Integer, Long>();
        received.values().forEach(t -> t.forEach((code, n) -> byCode.merge(code, n, Long::sum)));
        // The proxy counts a request when its answer is written, the client as it reads it: wait for the last one (at most 5 s).
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        var page = mesh.metrics(payment);
        while (!(countedByPrincipal(page).equals(received) && loggedDenials().equals(deniedByRule)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            page = mesh.metrics(payment);
        }
        var requests = ProxyAdmin.series(page, "istio_requests_total").stream().filter(s -> "destination".equals(s.labels().get("reporter"))).toList();
        var allowed = ProxyAdmin.series(page, "envoy_http_rbac_allowed").stream().mapToLong(s -> (long) s.value()).sum();
        var rbacDenied = ProxyAdmin.series(page, "envoy_http_rbac_denied").stream()
                .collect(Collectors.toMap(s -> s.labels().get("policy"), s -> (long) s.value(), Long::sum, TreeMap::new));
        var flags = requests.stream().filter(s -> "403".equals(s.labels().get("response_code"))).map(s -> s.labels().get("response_flags"))
                .collect(Collectors.toSet());
        System.out.printf("PolicyE2E case 5: %d requests, by code %s; the clients received %s; payment's"
                + " istio_requests_total{reporter=\"destination\"} by source_principal and response_code %s (403 with response_flags %s);"
                + " envoy_http_rbac_allowed %d, envoy_http_rbac_denied by policy %s; its log's denials by rule %s%n",
                byCode.values().stream().mapToLong(Long::longValue).sum(), byCode, received, countedByPrincipal(page), flags, allowed,
                rbacDenied, loggedDenials());
        assertTrue(received.values().stream().noneMatch(t -> t.containsKey(0)), "every request was answered: " + received);
        assertEquals(received, countedByPrincipal(page));
        assertEquals(Set.of("-"), flags);
        assertEquals(allowedByPolicies, allowed, "envoy_http_rbac_allowed");
        assertEquals(deniedByRule, rbacDenied, "envoy_http_rbac_denied by policy");
        assertEquals(deniedByRule, loggedDenials(), "one log line per denial, naming the rule");
    }

    // ---- asking payment

    /** {@code n} requests from {@code caller} to the payment Service, one after the other on its kept-alive connection. */
    static List<Reply> ask(Caller caller, int n, String method, String path, Map<String, String> headers) throws Exception {
        var all = new TreeMap<>(HEADERS);
        all.putAll(headers);
        return caller.client().send(PAYMENT, n, method, path, all);
    }

    /** {@link #N} POSTs to {@code path}: each 200 from the payment pod, and each seen by its app as sent; how many. */
    static int expectServed(Caller caller, String path) throws Exception {
        return expectServed(caller, path, Map.of()).size();
    }

    /**
     * {@link #N} POSTs to {@code path} with these headers: each 200 from the payment pod, and each seen by its app as
     * sent; the app's log lines of them.
     */
    static List<String> expectServed(Caller caller, String path, Map<String, String> headers) throws Exception {
        var key = key(caller.name());
        var replies = ask(caller, N, "POST", path + "?key=" + key, headers);
        assertTrue(replies.stream().allMatch(r -> r.status() == 200 && r.pod().equals(payment.pod().name())),
                caller.name() + " POST " + path + ": " + replies);
        var seen = appSaw(key);
        allowedByPolicies += replies.size();
        assertEquals(N, seen.size(), "the app saw " + seen);
        assertTrue(seen.stream().allMatch(l -> l.endsWith(" method=POST path=" + path)), seen.toString());
        return seen;
    }

    /**
     * {@link #N} requests: each 403 {@code RBAC: access denied} by the proxy ({@code rule}, as the RBAC counters name
     * it), and none reaches the app.
     */
    static void expectDenied(Caller caller, String method, String path, String rule) throws Exception {
        var key = key(caller.name());
        var replies = ask(caller, N, method, path + "?key=" + key, Map.of());
        assertTrue(replies.stream().allMatch(r -> r.status() == 403 && r.body().equals(DENIED) && r.pod().equals("-")),
                caller.name() + " " + method + " " + path + ": " + replies);
        deniedByRule.merge(rule, (long) replies.size(), Long::sum);
        assertEquals(List.of(), appSaw(key), "denied requests reached the app");
    }

    /**
     * {@link #N} POSTs with this {@code Authorization} header: each 401 from the proxy's RequestAuthentication (before
     * any policy) with Envoy's {@code WWW-Authenticate: Bearer ... error="invalid_token"}, and none reaches the app;
     * the body of the first.
     */
    static String expectUnauthenticated(Caller caller, String path, String authorization) throws Exception {
        var key = key(caller.name());
        var replies = ask(caller, N, "POST", path + "?key=" + key, Map.of("Authorization", authorization));
        assertTrue(replies.stream().allMatch(r -> r.status() == 401 && r.pod().equals("-")
                && r.headers().getOrDefault("www-authenticate", "").startsWith("Bearer ")
                && r.headers().get("www-authenticate").contains("error=\"invalid_token\"")),
                caller.name() + " POST " + path + ": " + replies + " " + replies.getFirst().headers());
        assertEquals(List.of(), appSaw(key), "refused requests reached the app");
        return replies.getFirst().body().strip();
    }

    /** The app's log lines of requests with {@code key}. */
    static List<String> appSaw(String key) throws Exception {
        return AppProcess.log(mesh.lab, payment.pod()).lines().filter(l -> l.contains(" " + key + " ")).toList();
    }

    /** A file change: how long until the first answer that showed it, and how many answers before it did not. */
    record Change(long ms, int before) {
    }

    interface FileWrite {
        void write() throws Exception;
    }

    /**
     * Makes the change, then has {@code caller} POST to {@code path} every 20 ms until the answer is {@code wanted}
     * (at most 10 s); a 403 among those answers is counted for {@code rule}, a 200 or a 429 as let through.
     */
    static Change enforced(FileWrite change, Caller caller, String path, int wanted, String rule) throws Exception {
        var key = key(caller.name() + "-poll");
        change.write();
        long written = System.nanoTime();
        var deadline = written + TimeUnit.SECONDS.toNanos(10);
        int before = 0;
        while (true) {
            var reply = ask(caller, 1, "POST", path + "?key=" + key, Map.of()).getFirst();
            countPolicies(reply, rule);
            if (reply.status() == wanted) {
                return new Change((System.nanoTime() - written) / 1_000_000, before);
            }
            assertTrue(System.nanoTime() < deadline, "the change was not enforced within 10 s; last answer " + reply);
            before++;
            Thread.sleep(20);
        }
    }

    /**
     * Counts an answer of a request that reached the AuthorizationPolicies: a 403 as denied by {@code rule}, a 200 or
     * a 429 (the rate limit runs after them) as let through.
     */
    static void countPolicies(Reply reply, String rule) {
        if (reply.status() == 403) {
            deniedByRule.merge(rule, 1L, Long::sum);
        } else if (reply.status() == 200 || reply.status() == 429) {
            allowedByPolicies++;
        }
    }

    /** {@code Authorization: Bearer} with an RS256 token of {@link #JWT_ISSUER} for order-service, signed by {@code key}. */
    static String bearer(RsaJsonWebKey key, long issuedAt, long expiresAt) throws Exception {
        var claims = new JwtClaims();
        claims.setIssuer(JWT_ISSUER);
        claims.setSubject("order-service");
        claims.setAudience(JWT_AUDIENCE);
        claims.setIssuedAt(NumericDate.fromSeconds(issuedAt));
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt));
        var jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return "Bearer " + jws.getCompactSerialization();
    }

    /**
     * Makes the change, then has order-service send bursts of {@link #BURST} POSTs to {@code /api/v1/charge}, 50 ms
     * apart, until a whole burst is 200 (at most 10 s): the rate limit is gone. Each answer is counted as let through.
     */
    static Change enforcedEverywhere(FileWrite change) throws Exception {
        var key = key("order-service-poll");
        change.write();
        long written = System.nanoTime();
        var deadline = written + TimeUnit.SECONDS.toNanos(10);
        int before = 0;
        while (true) {
            var burst = ask(order, BURST, "POST", CHARGE + "?key=" + key, Map.of());
            burst.forEach(r -> countPolicies(r, NO_RULE));
            if (burst.stream().allMatch(Reply::ok)) {
                return new Change((System.nanoTime() - written) / 1_000_000, before);
            }
            assertTrue(System.nanoTime() < deadline, "the change was not enforced within 10 s; last burst " + burst);
            before++;
            Thread.sleep(50);
        }
    }

    // ---- reading what happened

    /** payment's {@code envoy_http_local_rate_limit_rate_limited{policy, scope="override"}}. */
    private static long rateLimited(String page, String policy) {
        return ProxyAdmin.series(page, "envoy_http_local_rate_limit_rate_limited").stream()
                .filter(s -> policy.equals(s.labels().get("policy")) && "override".equals(s.labels().get("scope")))
                .mapToLong(s -> (long) s.value()).sum();
    }

    /** payment's {@code istio_requests_total{reporter="destination", response_code="429", response_flags="RL"}}. */
    private static long limitedRequests(String page) {
        return ProxyAdmin.series(page, "istio_requests_total").stream()
                .filter(s -> "destination".equals(s.labels().get("reporter")) && "429".equals(s.labels().get("response_code"))
                        && "RL".equals(s.labels().get("response_flags")))
                .mapToLong(s -> (long) s.value()).sum();
    }

    /** payment's {@code istio_requests_total{reporter="destination"}}: by source principal, the count by response code. */
    private static Map<String, Map<Integer, Long>> countedByPrincipal(String page) {
        var counted = new TreeMap<String, Map<Integer, Long>>();
        for (var series : ProxyAdmin.series(page, "istio_requests_total")) {
            var labels = series.labels();
            if ("destination".equals(labels.get("reporter"))) {
                counted.computeIfAbsent(labels.get("source_principal"), p -> new TreeMap<>())
                        .merge(Integer.parseInt(labels.get("response_code")), (long) series.value(), Long::sum);
            }
        }
        return counted;
    }

    private static final Pattern DENIAL = Pattern.compile("rbac: denied inbound HTTP \\S+ \\S+ from \\S+ \\(\\S+\\) to :"
            + PolicyMesh.APP_PORT + "(?:: no ALLOW rule matched| by (\\S+))$", Pattern.MULTILINE);

    /** The denials payment's proxy logged (one line each), by the rule it names. */
    private static Map<String, Long> loggedDenials() throws Exception {
        return DENIAL.matcher(payment.proxy().log()).results().map(m -> m.group(1) == null ? NO_RULE : m.group(1))
                .collect(Collectors.groupingBy(rule -> rule, TreeMap::new, Collectors.counting()));
    }

    /** The process ids of the control plane and the four proxies, -1 for one no longer running. */
    private static List<Long> pids() {
        var processes = new ArrayList<Process>();
        processes.add(mesh.controlPlane.process());
        for (var pod : List.of(payment, order.pod(), refund.pod(), catalog.pod())) {
            processes.add(pod.proxy().process());
        }
        return processes.stream().map(p -> p.isAlive() ? p.pid() : -1).toList();
    }
}
