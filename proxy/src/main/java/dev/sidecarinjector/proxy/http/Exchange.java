package dev.sidecarinjector.proxy.http;

import dev.sidecarinjector.api.snapshot.ClusterTls;
import dev.sidecarinjector.api.snapshot.ConsistentHash;
import dev.sidecarinjector.api.snapshot.Cors;
import dev.sidecarinjector.api.snapshot.RetryPolicy;
import dev.sidecarinjector.api.snapshot.Workload;
import dev.sidecarinjector.proxy.cluster.ClusterState;
import dev.sidecarinjector.proxy.cluster.EndpointPicker;
import dev.sidecarinjector.proxy.cluster.EndpointState;
import dev.sidecarinjector.proxy.cluster.Hash64;
import dev.sidecarinjector.proxy.cluster.TriedEndpoints;
import dev.sidecarinjector.proxy.authn.JwtAuthenticator;
import dev.sidecarinjector.proxy.codec.BadMessage;
import dev.sidecarinjector.proxy.codec.BodyFramer;
import dev.sidecarinjector.proxy.codec.MessageHead;
import dev.sidecarinjector.proxy.mesh.ResponseFlag;
import dev.sidecarinjector.proxy.policy.RequestAuth;
import dev.sidecarinjector.proxy.retry.RetryBackoff;
import dev.sidecarinjector.proxy.retry.RetryDecision;
import dev.sidecarinjector.proxy.retry.RetryRules;
import dev.sidecarinjector.proxy.retry.TryOutcome;
import dev.sidecarinjector.proxy.route.CompiledRoute;
import dev.sidecarinjector.proxy.route.FaultDecision;
import dev.sidecarinjector.proxy.route.HeaderEdits;
import dev.sidecarinjector.proxy.route.HeaderMutator;
import dev.sidecarinjector.proxy.route.HttpRequestLine;
import dev.sidecarinjector.proxy.route.MatchedRoute;
import dev.sidecarinjector.proxy.route.RedirectLocation;
import dev.sidecarinjector.proxy.route.UriRewrite;
import dev.sidecarinjector.proxy.run.EventLog;
import dev.sidecarinjector.proxy.run.Tunnel;
import dev.sidecarinjector.proxy.tls.MeshTls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP request and its response, as Envoy's router serves it: route (VirtualService match, weighted
 * destination, rewrite, header edits, fault, redirect), then tries: pick an endpoint (another one on a retry),
 * take a pooled connection or open one within the cluster's limits, send the request, and either pass the response
 * on or, while none has been passed on yet, retry by the route's policy. The route timeout (504, UT) covers every
 * try; the per-try timeout one. Request bodies up to {@link RetryRules#MAX_BUFFERED_BODY} are kept for retries while
 * they stream to the first try. Lives on its downstream connection's event loop.
 */
final class Exchange {

    private static final HttpResponseStatus UPSTREAM_TIMEOUT = HttpResponseStatus.GATEWAY_TIMEOUT;
    private static final ByteBuf CONTINUE = Unpooled.unreleasableBuffer(
            Unpooled.copiedBuffer("HTTP/1.1 100 Continue\r\n\r\n", StandardCharsets.US_ASCII).asReadOnly());

    private final DownstreamHttp down;
    private final HttpEngine engine;
    /** The request's head; null when it was refused ({@link #refuse}). */
    private final MessageHead request;
    private final BodyFramer requestBody;
    private final EventLoop loop;
    private final long started = System.nanoTime();
    private final boolean clientKeepAlive;
    private boolean http10;
    private boolean upgrade;
    private boolean idempotent;

    /**
     * What RequestAuthentication established about the request's JWT (inbound), null when it carried none: the
     * request identity AuthorizationPolicy matches {@code requestPrincipals} and {@code request.auth.*} against.
     */
    private RequestAuth requestAuth;

    // What routing decided.
    private CompiledRoute route;
    private int destination = -1;
    private ClusterState cluster;
    /** The request's consistent hash for its cluster, when {@link #hashed}; tries and retries keep it. */
    private long hash;
    private boolean hashed;
    /** A cookie the proxy made for the cluster's consistent hash, set on the response; or null. */
    private String setCookie;
    /** The request's Origin when the route's CORS policy allows it: the response gets its CORS headers. */
    private String corsOrigin;
    /** The address for a destination outside any cluster (inbound, passthrough); null: pick from the cluster. */
    private InetSocketAddress fixedAddress;
    private RetryPolicy retries;
    private boolean holdsRequest;

    // The request body, in slices of the reads as it came (framing included): kept (for retries) while small enough,
    // queued while no try can take it.
    private final ArrayList<ByteBuf> kept = new ArrayList<>(2);
    private ArrayList<ByteBuf> queued;
    private long queuedBytes;
    private boolean keepable = true;
    private long requestBytes;
    private boolean requestComplete;
    private boolean requestFlushPending;

    // The current try.
    private UpstreamConnection connection;
    private boolean tryReady;
    private boolean reusedConnection;
    private boolean staleRetried;
    private int retriesDone;
    private boolean holdsRetry;
    private TriedEndpoints tried;
    private int endpoint = EndpointPicker.NONE;
    private EndpointState endpointState;
    private InetSocketAddress address;
    /** The try's mutual TLS (null: plaintext) and the workload its peer must be. */
    private MeshTls.Contexts mtls;
    private Workload expectedPeer;
    /** The mutual TLS principal of the endpoint whose connection the last try used (null: plaintext), for the metrics. */
    private String upstreamPrincipal;
    private boolean waiting;
    private ScheduledFuture<?> routeTimer;
    private ScheduledFuture<?> tryTimer;

    // The response.
    private boolean responseStarted;
    private BodyFramer responseBody;
    private boolean keepAlive;
    /** The upstream's response lets its connection serve another request. */
    private boolean upstreamKeepAlive;
    private int status;
    private long responseBytes;
    private ResponseFlag flag = ResponseFlag.NONE;
    private boolean done;
    /** Answered with keep-alive before the request's end was read: it is read (and dropped) first. */
    private boolean awaitingRequestEnd;
    private boolean wantsUpstreamRead;

    /** {@code request} and its body's framing; both null for a head that was refused. */
    Exchange(DownstreamHttp down, MessageHead request, BodyFramer requestBody) {
        this.down = down;
        this.engine = down.engine();
        this.request = request;
        this.requestBody = requestBody;
        this.loop = down.channel().eventLoop();
        this.clientKeepAlive = request != null && HopByHop.keepAlive(request);
        this.requestComplete = requestBody == null || !requestBody.hasBody();
    }

    EventLoop loop() {
        return loop;
    }

    InetSocketAddress address() {
        return address;
    }

    /** Whether the current try wants mutual TLS, with a peer of {@link #expectedPeer()}'s identity. */
    boolean wantsMtls() {
        return mtls != null;
    }

    Workload expectedPeer() {
        return expectedPeer;
    }

    boolean requestComplete() {
        return requestComplete;
    }

    // ---- The request head: checks, routing, the first try.

    /** The request's head (or its body's framing) was refused: 400, or 431 for a head over the limit; the connection closes. */
    void refuse(BadMessage bad) {
        keepable = false;
        if (bad.tooLarge()) {
            respondLocally(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request Header Fields Too Large", ResponseFlag.NONE, true);
        } else {
            respondLocally(HttpResponseStatus.BAD_REQUEST, "Bad Request", ResponseFlag.NONE, true);
        }
    }

    /** The request's chunked body broke its framing: 400 if nothing was answered yet, else the response is cut. */
    void refuseBody() {
        requestComplete = true;
        keepable = false;
        if (responseStarted) {
            abortDownstream(ResponseFlag.NONE);
        } else {
            respondLocally(HttpResponseStatus.BAD_REQUEST, "Bad Request", ResponseFlag.NONE, true);
        }
    }

    void start() {
        upgrade = HopByHop.isUpgrade(request);
        idempotent = isIdempotent(request.method());
        var expectContinue = false;
        if (request.contains("expect")) {
            // Only HTTP/1.1 may ask for 100-continue; any other expectation is refused, as Envoy does.
            for (var value : request.getAll("expect")) {
                expectContinue |= request.minorVersion() == 1 && value.equalsIgnoreCase("100-continue");
            }
            if (!expectContinue) {
                respondLocally(HttpResponseStatus.EXPECTATION_FAILED, "", ResponseFlag.NONE, true);
                return;
            }
            request.remove("expect");
        }
        var limit = engine.maxRequestBodyBytes();
        if (limit > 0 && requestBody.contentLength() > limit) {
            respondLocally(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "Payload Too Large", ResponseFlag.NONE, true);
            return;
        }
        if (down.target().isInbound() && (!authenticate() || !authorized() || !withinRateLimit())) {
            return;
        }
        HopByHop.strip(request, upgrade);
        if (!request.contains("x-request-id")) {
            request.add("x-request-id", RequestIds.next());
        }
        if (!request.contains("x-forwarded-proto")) {
            request.add("x-forwarded-proto", "http");
        }
        var target = down.target();
        if (upgrade) {
            keepable = false;
        }
        if (target.isInbound()) {
            fixedAddress = target.originalDestination();
        } else if (!route()) {
            return;
        }
        if (request.minorVersion() == 0) {
            // Upstream always speaks HTTP/1.1 (as Envoy), so its connection can be pooled; 1.1 needs a Host.
            http10 = true;
            if (!request.contains("host")) {
                request.add("host", authority());
            }
            request.setMinorVersion(1);
        }
        if (expectContinue) {
            down.write(CONTINUE.duplicate());
            down.flush();
        }
        var timeout = route == null ? 0 : route.route().timeoutMs();
        if (timeout > 0) {
            routeTimer = loop.schedule(new RouteTimeout(this), timeout, TimeUnit.MILLISECONDS);
        }
        var delay = route == null ? 0 : FaultDecision.delayMs(route.route().fault(), engine.random());
        if (delay > 0) {
            flag = ResponseFlag.DELAY_INJECTED;
            loop.schedule(new DelayOver(this), delay, TimeUnit.MILLISECONDS);
        } else {
            afterDelay();
        }
    }

    /**
     * Inbound: RequestAuthentication. A refused token is answered as Envoy answers (401, or 403 for audiences, with
     * {@code WWW-Authenticate}); false then. Else the request goes on, its token removed unless forwarded.
     */
    private boolean authenticate() {
        var jwt = engine.holder().current().jwt();
        if (jwt.isEmpty()) {
            return true;
        }
        var outcome = jwt.authenticate(request, System.currentTimeMillis() / 1000);
        if (outcome.refused()) {
            var response = LocalResponse.text(HttpResponseStatus.valueOf(outcome.failure().status()), outcome.failure().message());
            response.set("www-authenticate", JwtAuthenticator.challenge(request));
            sendLocal(response, ResponseFlag.NONE, false);
            return false;
        }
        requestAuth = outcome.auth();
        return true;
    }

    /**
     * Inbound: the workload's AuthorizationPolicies, as Envoy's RBAC filter runs after JWT authentication and before
     * the router: the request's principals and claims are those {@link #authenticate()} established; false when denied (403).
     */
    private boolean authorized() {
        var authorizer = engine.holder().current().authorizer(false);
        if (authorizer.isEmpty()) {
            return true;
        }
        if (InboundAuthorization.check(authorizer, down, request, requestAuth, authority(), originForm()).allowed()) {
            return true;
        }
        respondLocally(HttpResponseStatus.FORBIDDEN, InboundAuthorization.DENIED_BODY, ResponseFlag.NONE, false);
        return false;
    }

    /**
     * Inbound: the port's local rate limit, after the AuthorizationPolicies (a denied request takes no token); false
     * when over it: 429 with Envoy's body, the limit, what is left of it and when to retry.
     */
    private boolean withinRateLimit() {
        var port = engine.holder().current().inboundPort(down.target().originalDestination().getPort());
        var limiter = engine.rateLimiters().forPort(port);
        if (limiter == null) {
            return true;
        }
        var principal = down.peerPrincipal();
        var client = principal == null || principal.isEmpty() ? clientAddress() : null;
        var refusal = limiter.acquire(principal, client, engine.rateLimiters().now());
        if (refusal == null) {
            return true;
        }
        var scope = refusal.scope().name().toLowerCase(java.util.Locale.ROOT);
        engine.observer().rateLimited(limiter.spec().policy(), scope);
        var response = LocalResponse.text(HttpResponseStatus.TOO_MANY_REQUESTS, "local_rate_limited")
                .set("x-ratelimit-limit", Integer.toString(refusal.limit()))
                .set("x-ratelimit-remaining", Integer.toString(refusal.remaining()))
                .set("retry-after", Long.toString(refusal.retryAfterSeconds()));
        sendLocal(response, ResponseFlag.RATE_LIMITED, false);
        return false;
    }

    /**
     * The route's {@code corsPolicy}, before anything else of the route, as Envoy's CORS filter runs before its router:
     * false when the proxy answered the request (a preflight from an allowed origin, or from any origin when unmatched
     * preflights are ignored). An allowed origin is remembered, for the response's headers.
     */
    private boolean cors(Cors policy) {
        var origin = request.get("origin");
        if (origin == null || origin.isEmpty()) {
            return true;
        }
        var allowed = policy.allows(origin);
        if (request.method().equals("OPTIONS") && request.get("access-control-request-method") != null) {
            if (!allowed && !policy.ignoreUnmatchedPreflights()) {
                return true;
            }
            var response = LocalResponse.text(HttpResponseStatus.OK, "");
            if (allowed) {
                var headers = response.edits();
                allowOrigin(headers, policy, origin);
                if (!policy.allowMethods().isEmpty()) {
                    headers.set("access-control-allow-methods", String.join(",", policy.allowMethods()));
                }
                if (!policy.allowHeaders().isEmpty()) {
                    headers.set("access-control-allow-headers", String.join(",", policy.allowHeaders()));
                }
                if (policy.maxAgeSeconds() != null) {
                    headers.set("access-control-max-age", Long.toString(policy.maxAgeSeconds()));
                }
            }
            sendLocal(response, ResponseFlag.NONE, false);
            return false;
        }
        corsOrigin = allowed ? origin : null;
        return true;
    }

    /** The CORS headers of a response to an allowed origin (Envoy's: origin, credentials, exposed headers). */
    private void corsHeaders(HeaderMutator headers) {
        if (corsOrigin == null) {
            return;
        }
        var policy = route.route().cors();
        allowOrigin(headers, policy, corsOrigin);
        if (!policy.exposeHeaders().isEmpty()) {
            headers.set("access-control-expose-headers", String.join(",", policy.exposeHeaders()));
        }
    }

    /** What a preflight's answer and a response to an allowed origin both carry: the origin, and credentials if allowed. */
    private static void allowOrigin(HeaderMutator headers, Cors policy, String origin) {
        headers.set("access-control-allow-origin", origin);
        if (policy.allowCredentials()) {
            headers.set("access-control-allow-credentials", "true");
        }
    }

    /** The request's key for the cluster's consistent hash, if it balances by one (a cookie made when asked for). */
    private void hashFor(ClusterState chosen, HttpRequestLine line) {
        var spec = chosen.consistentHash();
        hashed = false;
        setCookie = null;
        if (spec == null) {
            return;
        }
        var key = RequestHash.key(spec, request, line, clientAddress());
        if (key == null && spec.source() == ConsistentHash.Source.COOKIE && spec.cookieTtlMs() != null) {
            key = RequestHash.generatedCookie(down.channel().remoteAddress(), down.channel().localAddress());
            setCookie = RequestHash.setCookie(spec, key);
        }
        if (key != null) {
            hash = Hash64.of(key);
            hashed = true;
        }
    }

    private String clientAddress() {
        return down.channel().remoteAddress() instanceof InetSocketAddress remote && remote.getAddress() != null
                ? remote.getAddress().getHostAddress() : "unknown";
    }

    /** Outbound: selects the route and its destination; false when the request was answered locally. */
    private boolean route() {
        var target = down.target();
        var listener = engine.holder().current().listener(target.address(), target.listener().port());
        if (listener == null || !listener.http()) {
            // The Service or its port is gone from the configuration: the request goes where it was sent.
            fixedAddress = target.originalDestination();
            return true;
        }
        var table = listener.routeTable();
        var authority = authority();
        var line = HttpRequestLine.of(request.method(), originForm(), authority, "http", listener.port());
        MatchedRoute matched = table == null ? null : table.select(line, request);
        if (matched == null) {
            respondLocally(HttpResponseStatus.NOT_FOUND, "", ResponseFlag.NO_ROUTE, false);
            return false;
        }
        route = matched.route();
        var spec = route.route();
        if (spec.cors() != null && !cors(spec.cors())) {
            return false;
        }
        if (spec.redirect() != null) {
            var response = LocalResponse.text(HttpResponseStatus.valueOf(spec.redirect().status()), "")
                    .set("location", RedirectLocation.build(spec.redirect(), line));
            sendLocal(response, ResponseFlag.NONE, false);
            return false;
        }
        if (spec.directResponse() != null) {
            var response = LocalResponse.bytes(HttpResponseStatus.valueOf(spec.directResponse().status()), route.directResponseBody());
            HeaderEdits.applyToResponse(route, -1, response.edits());
            sendLocal(response, ResponseFlag.NONE, false);
            return false;
        }
        destination = route.pickDestination(engine.random());
        if (destination < 0) {
            respondLocally(HttpResponseStatus.SERVICE_UNAVAILABLE, "no healthy upstream", ResponseFlag.NO_HEALTHY_UPSTREAM, false);
            return false;
        }
        cluster = route.destination(destination);
        hashFor(cluster, line);
        if (spec.rewrite() != null) {
            if (spec.rewrite().uri() != null) {
                request.setTarget(UriRewrite.rewrite(line, matched.match(), spec.rewrite().uri()));
            } else if (route.regexRewrite() != null) {
                request.setTarget(route.regexRewrite().rewrite(line));
            }
            if (spec.rewrite().authority() != null) {
                request.set("host", spec.rewrite().authority());
            }
        } else if (!request.target().startsWith("/") && !request.target().equals("*")) {
            request.setTarget(line.target());
        }
        HeaderEdits.applyToRequest(route, destination, request);
        retries = upgrade ? null : spec.retries();
        if (cluster.passthrough()) {
            fixedAddress = down.target().originalDestination();
        }
        if (!cluster.breaker().tryAcquireRequest()) {
            respondOverloaded();
            return false;
        }
        holdsRequest = true;
        return true;
    }

    private void afterDelay() {
        if (done) {
            return;
        }
        if (route != null) {
            var abort = FaultDecision.abortStatus(route.route().fault(), engine.random());
            if (abort > 0) {
                respondLocally(HttpResponseStatus.valueOf(abort), "fault filter abort", ResponseFlag.FAULT_INJECTED, false);
                return;
            }
        }
        startTry();
    }

    /** The Host header, or the original destination for a request without one (HTTP/1.0). */
    private String authority() {
        var host = request.get("host");
        if (host != null) {
            return host;
        }
        var uri = request.target();
        if (uri.startsWith("http://")) {
            var end = uri.indexOf('/', 7);
            return end < 0 ? uri.substring(7) : uri.substring(7, end);
        }
        var original = down.target().originalDestination();
        // [fd00::1]:80 for an IPv6 destination, as a Host header writes it.
        return io.netty.util.NetUtil.toSocketAddressString(original);
    }

    /** The request target as a path: an absolute-form target ({@code http://host/p}) loses its scheme and host. */
    private String originForm() {
        var uri = request.target();
        if (uri.startsWith("http://")) {
            var slash = uri.indexOf('/', 7);
            return slash < 0 ? "/" : uri.substring(slash);
        }
        return uri;
    }

    // ---- Tries.

    private void startTry() {
        if (done) {
            return;
        }
        if (fixedAddress != null) {
            address = fixedAddress;
        } else {
            endpoint = hashed ? cluster.pick(tried, engine.random(), hash) : cluster.pick(tried, engine.random());
            if (endpoint == EndpointPicker.NONE) {
                respondLocally(HttpResponseStatus.SERVICE_UNAVAILABLE, "no healthy upstream", ResponseFlag.NO_HEALTHY_UPSTREAM, false);
                return;
            }
            address = cluster.address(endpoint);
            endpointState = cluster.state(endpoint);
            endpointState.requestStarted();
        }
        if (retries != null && retries.perTryTimeoutMs() > 0) {
            tryTimer = loop.schedule(new TryTimeout(this, retriesDone), retries.perTryTimeoutMs(), TimeUnit.MILLISECONDS);
        }
        if (!chooseTls()) {
            upstreamFailed(null, true);
            return;
        }
        acquire();
    }

    /**
     * Whether this try's connection is mutual TLS (see {@link MeshTls#outboundMtls}); false when the DestinationRule
     * demands ISTIO_MUTUAL and the proxy has no certificate yet: the try fails as a connect failure (UF).
     */
    private boolean chooseTls() {
        mtls = null;
        expectedPeer = null;
        if (fixedAddress != null) {
            return true;
        }
        var chosen = cluster.endpoint(endpoint);
        if (!MeshTls.outboundMtls(cluster.cluster().tls(), chosen)) {
            return true;
        }
        var tls = engine.tls();
        mtls = tls == null ? null : tls.current();
        expectedPeer = chosen.workload();
        if (mtls == null && cluster.cluster().tls() == ClusterTls.ISTIO_MUTUAL) {
            var line = "mtls: " + cluster.name() + " requires ISTIO_MUTUAL and the proxy has no workload certificate yet: " + address
                    + " not tried (UF)";
            if (tls != null) {
                tls.refusals().log(address, line);
            } else {
                EventLog.info(line);
            }
            return false;
        }
        return true;
    }

    private void acquire() {
        var poolCluster = fixedAddress != null ? null : cluster;
        switch (engine.pool(loop).acquire(address, poolCluster, this, loop, mtls, expectedPeer)) {
            case CONNECTION -> {
                if (connection.connected()) {
                    upstreamReady(connection);
                }
            }
            case PENDING -> waiting = true;
            case OVERFLOW -> respondOverloaded();
            case FAILED -> {
                connection = null;
                upstreamFailed(null, true);
            }
        }
    }

    void attach(UpstreamConnection connection, boolean reused) {
        this.connection = connection;
        this.reusedConnection = reused;
    }

    /** A connection slot was freed (on any loop): try to take it. */
    void wake() {
        loop.execute(new Wake(this));
    }

    private void woken() {
        if (!waiting || done) {
            return;
        }
        waiting = false;
        cluster.breaker().releasePending();
        acquire();
    }

    /** A connection of this loop to this endpoint came free and is handed over directly. */
    void handOver(UpstreamConnection free) {
        waiting = false;
        cluster.breaker().releasePending();
        free.assign(this);
        attach(free, true);
        upstreamReady(free);
    }

    /** The try's connection is up: send the head and what there is of the body. */
    void upstreamReady(UpstreamConnection ready) {
        if (ready != connection || done) {
            return;
        }
        tryReady = true;
        upstreamPrincipal = ready.peerPrincipal();
        var channel = ready.channel;
        ready.expectResponseTo(request.method());
        channel.write(request.encode(channel.alloc()), channel.voidPromise());
        if (keepable) {
            for (var content : kept) {
                channel.write(content.retainedDuplicate(), channel.voidPromise());
            }
        } else if (queued != null) {
            for (var content : queued) {
                channel.write(content, channel.voidPromise());
            }
            queued.clear();
            queuedBytes = 0;
        }
        channel.flush();
        channel.read();
        down.readIfWanted();
    }

    /** A part of the request's body (with its framing), the last one when {@code last}. */
    void requestContent(ByteBuf content, boolean last) {
        if (done) {
            content.release();
            if (awaitingRequestEnd && last) {
                requestComplete = true;
                awaitingRequestEnd = false;
                down.exchangeDone(this, true);
            }
            return;
        }
        requestBytes = requestBody.dataBytes();
        if (last) {
            requestComplete = true;
        }
        var limit = engine.maxRequestBodyBytes();
        if (limit > 0 && requestBytes > limit) {
            content.release();
            if (!responseStarted) {
                dropTry();
                respondLocally(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "Payload Too Large", ResponseFlag.NONE, true);
            } else {
                abortDownstream(ResponseFlag.NONE);
            }
            return;
        }
        var keptCopy = false;
        if (keepable) {
            if (requestBytes <= RetryRules.MAX_BUFFERED_BODY) {
                kept.add(content.retainedDuplicate());
                keptCopy = true;
            } else {
                // Too large to keep: no retry for this request; what was kept and not yet sent is queued instead.
                keepable = false;
                if (!tryReady) {
                    queue(kept);
                } else {
                    release(kept);
                }
                kept.clear();
            }
        }
        if (tryReady) {
            connection.channel.write(content, connection.channel.voidPromise());
            requestFlushPending = true;
        } else if (keptCopy) {
            // the kept copy is what the try will send
            content.release();
        } else {
            queue(content);
        }
    }

    private void queue(ArrayList<ByteBuf> contents) {
        for (var content : contents) {
            queue(content);
        }
    }

    private void queue(ByteBuf content) {
        if (queued == null) {
            queued = new ArrayList<>(4);
        }
        queued.add(content);
        queuedBytes += content.readableBytes();
    }

    /** End of a downstream read batch: what was written upstream goes out in one flush. */
    void flushUpstream() {
        if (requestFlushPending && connection != null) {
            requestFlushPending = false;
            connection.channel.flush();
        }
    }

    boolean wantsRequestBody() {
        if (awaitingRequestEnd) {
            return true;
        }
        if (requestComplete || done) {
            return false;
        }
        if (tryReady) {
            return connection.channel.isWritable();
        }
        return keepable ? requestBytes <= RetryRules.MAX_BUFFERED_BODY : queuedBytes < RetryRules.MAX_BUFFERED_BODY;
    }

    void upstreamWritable() {
        down.readIfWanted();
    }

    // ---- The response.

    /** The try's response head (no 1xx but 101: {@link UpstreamConnection} drops them) and its body's framing. */
    void responseHead(UpstreamConnection from, MessageHead response, BodyFramer body) {
        if (from != connection || done) {
            return;
        }
        var code = response.status();
        if (!responseStarted) {
            endTryTimer();
            feedOutlier(code);
            if (retries != null) {
                var decision = decideRetry(TryOutcome.RESPONSE, code);
                if (decision == RetryDecision.RETRY) {
                    retry();
                    return;
                }
                if (decision == RetryDecision.EXHAUSTED) {
                    flag = ResponseFlag.UPSTREAM_RETRY_LIMIT_EXCEEDED;
                }
            }
        }
        responseStarted = true;
        responseBody = body;
        status = code;
        upstreamKeepAlive = HopByHop.keepAlive(response) && !body.untilClose();
        var switching = code == 101 && upgrade;
        HopByHop.strip(response, switching);
        if (route != null) {
            HeaderEdits.applyToResponse(route, destination, response);
        }
        if (setCookie != null) {
            response.add("set-cookie", setCookie);
        }
        corsHeaders(response);
        // A body that runs to the close (and a 101 or a CONNECT's answer, whose bytes are no HTTP) ends the connection.
        var framed = !body.untilClose() && code != 101 && !request.method().equals("CONNECT");
        keepAlive = clientKeepAlive && requestComplete && framed && !engine.draining() && !switching;
        if (!keepAlive && !switching) {
            response.set("connection", "close");
        }
        if (http10) {
            // An HTTP/1.0 client knows no chunks: the body is sent as it comes and ended by the close.
            if (body.chunked()) {
                response.remove("transfer-encoding");
                body.dechunk();
                keepAlive = false;
                response.set("connection", "close");
            }
            response.setMinorVersion(0);
            if (keepAlive) {
                response.set("connection", "keep-alive");
            }
        } else {
            response.setMinorVersion(1);
        }
        if (switching) {
            cancelTimers();
        }
        down.write(response.encode(down.alloc()));
    }

    /** A part of the response's body (null: none, at a close-delimited body's end), the last one when {@code last}. */
    void responseContent(UpstreamConnection from, ByteBuf content, boolean last) {
        if (from != connection || done || !responseStarted) {
            ReferenceCountUtil.release(content);
            return;
        }
        responseBytes = responseBody.dataBytes();
        if (last && status == 101 && upgrade) {
            ReferenceCountUtil.release(content);
            tunnel();
            return;
        }
        if (content != null) {
            down.write(content);
        }
        if (last) {
            var reusable = requestComplete && upstreamKeepAlive;
            finishTry(reusable);
            complete(keepAlive);
        }
    }

    void upstreamReadComplete(UpstreamConnection from) {
        if (from != connection) {
            return;
        }
        down.flush();
        if (done || !tryReady) {
            return;
        }
        if (down.writable()) {
            connection.channel.read();
        } else {
            wantsUpstreamRead = true;
        }
    }

    void downstreamWritable() {
        if (wantsUpstreamRead && connection != null && tryReady) {
            wantsUpstreamRead = false;
            connection.channel.read();
        }
    }

    /** The WebSocket (or other) upgrade was accepted: both connections become one byte tunnel. */
    private void tunnel() {
        var upstream = connection;
        connection = null;
        releaseEndpoint();
        done = true;
        releaseBody();
        releaseBreaker();
        record();
        Tunnel.join(down.channel(), upstream.channel, engine.connectionMetrics(), engine.idleTimeout(), down.takeHeld(), upstream.tunnelled());
    }

    // ---- Failures, retries and timeouts.

    /** The try's connection failed before a response was passed on (connect failure, reset, close), or after. */
    void upstreamFailed(UpstreamConnection from, boolean connectFailed) {
        if (from != connection || done) {
            return;
        }
        connection = null;
        tryReady = false;
        if (responseStarted) {
            releaseEndpoint();
            abortDownstream(ResponseFlag.UPSTREAM_CONNECTION_TERMINATION);
            return;
        }
        if (!connectFailed && reusedConnection && !staleRetried && keepable && idempotent) {
            // A pooled connection the server had closed as it was reused: try again on a new one, not as a retry.
            staleRetried = true;
            releaseEndpoint();
            endTryTimer();
            startTry();
            return;
        }
        endTryTimer();
        feedLocalFailure();
        var outcome = connectFailed ? TryOutcome.CONNECT_FAILURE : TryOutcome.RESET;
        var decision = retries == null ? RetryDecision.DONE : decideRetry(outcome, 0);
        if (decision == RetryDecision.RETRY) {
            retry();
            return;
        }
        releaseEndpoint();
        var failure = connectFailed ? ResponseFlag.UPSTREAM_CONNECTION_FAILURE : ResponseFlag.UPSTREAM_CONNECTION_TERMINATION;
        respondLocally(HttpResponseStatus.SERVICE_UNAVAILABLE, "upstream connect error or disconnect/reset before headers. reset reason: "
                + (connectFailed ? "connection failure" : "connection termination"),
                decision == RetryDecision.EXHAUSTED ? ResponseFlag.UPSTREAM_RETRY_LIMIT_EXCEEDED : failure, false);
    }

    private RetryDecision decideRetry(TryOutcome outcome, int code) {
        if (holdsRetry) {
            holdsRetry = false;
            cluster.breaker().releaseRetry();
        }
        var breaker = cluster == null ? null : cluster.breaker();
        var decision = RetryRules.decide(retries, outcome, code, retriesDone, keepable, breaker);
        holdsRetry = decision == RetryDecision.RETRY && breaker != null;
        return decision;
    }

    private void retry() {
        dropTry();
        retriesDone++;
        if (endpoint != EndpointPicker.NONE) {
            if (tried == null) {
                tried = new TriedEndpoints();
            }
            tried.add(endpoint);
        }
        releaseEndpoint();
        loop.schedule(new NextTry(this), Math.max(1, RetryBackoff.delayMs(retriesDone, engine.random())), TimeUnit.MILLISECONDS);
    }

    void perTryTimeout(int tryNumber) {
        if (done || responseStarted || tryNumber != retriesDone) {
            return;
        }
        tryTimer = null;
        dropTry();
        feedLocalFailure();
        var decision = decideRetry(TryOutcome.PER_TRY_TIMEOUT, 0);
        if (decision == RetryDecision.RETRY) {
            retry();
            return;
        }
        releaseEndpoint();
        respondLocally(UPSTREAM_TIMEOUT, "upstream request timeout", ResponseFlag.UPSTREAM_REQUEST_TIMEOUT, false);
    }

    void routeTimeout() {
        routeTimer = null;
        if (done) {
            return;
        }
        if (responseStarted) {
            dropTry();
            releaseEndpoint();
            abortDownstream(ResponseFlag.UPSTREAM_REQUEST_TIMEOUT);
            return;
        }
        if (connection != null) {
            feedLocalFailure();
        }
        dropTry();
        releaseEndpoint();
        respondLocally(UPSTREAM_TIMEOUT, "upstream request timeout", ResponseFlag.UPSTREAM_REQUEST_TIMEOUT, false);
    }

    /** The client closed the connection before the response was complete (flag DC). */
    void downstreamClosed() {
        if (done) {
            return;
        }
        dropTry();
        releaseEndpoint();
        flag = ResponseFlag.DOWNSTREAM_CONNECTION_TERMINATION;
        if (!responseStarted) {
            status = 0;
        }
        finish();
    }

    private void feedOutlier(int code) {
        var detector = cluster == null ? null : cluster.outlierDetector();
        if (detector != null && endpointState != null) {
            detector.onResponse(endpointState, code, nowMs());
        }
    }

    private void feedLocalFailure() {
        var detector = cluster == null ? null : cluster.outlierDetector();
        if (detector != null && endpointState != null) {
            detector.onLocalFailure(endpointState, nowMs());
        }
    }

    private static long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    // ---- Ending.

    private void respondOverloaded() {
        var response = LocalResponse.text(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "upstream connect error or disconnect/reset before headers. reset reason: overflow").set("x-envoy-overloaded", "true");
        sendLocal(response, ResponseFlag.UPSTREAM_OVERFLOW, false);
    }

    private void respondLocally(HttpResponseStatus status, String body, ResponseFlag reason, boolean close) {
        sendLocal(LocalResponse.text(status, body), reason, close);
    }

    /** Answers in the proxy's name (no upstream response was passed on): the try, if any, is dropped. */
    private void sendLocal(LocalResponse response, ResponseFlag reason, boolean close) {
        if (done) {
            return;
        }
        dropTry();
        releaseEndpoint();
        if (reason != ResponseFlag.NONE || flag == ResponseFlag.NONE) {
            flag = reason;
        }
        status = response.status();
        responseBytes = response.bodyBytes();
        responseStarted = true;
        // A request still sending a body would have to be read to its end first: only one without a body stays.
        keepAlive = !close && clientKeepAlive && !engine.draining() && requestComplete;
        response.set("x-request-id", request == null ? "" : request.get("x-request-id", ""));
        corsHeaders(response.edits());
        if (!keepAlive) {
            response.set("connection", "close");
        }
        down.write(response.encode(down.alloc()));
        // Counted before it leaves: whoever reads the answer and then the metrics finds it there.
        finish();
        down.flush();
        complete(keepAlive);
    }

    /** The response was cut after it started: the client sees the connection end, not a complete answer. */
    private void abortDownstream(ResponseFlag reason) {
        flag = reason;
        finish();
        down.abort();
    }

    private void complete(boolean keepDownstream) {
        finish();
        if (keepDownstream && !requestComplete) {
            // The answer went out before the request's (empty) end was read: the connection goes on after it.
            awaitingRequestEnd = true;
            return;
        }
        down.exchangeDone(this, keepDownstream);
    }

    private void finish() {
        if (done) {
            return;
        }
        done = true;
        cancelTimers();
        leavePendingQueue();
        releaseBody();
        releaseBreaker();
        record();
    }

    private void record() {
        Workload peer = null;
        if (cluster != null && endpoint != EndpointPicker.NONE) {
            peer = cluster.endpoint(endpoint).workload();
        }
        engine.observer().completed(engine.inbound(), down.target().service(), peer, status, flag,
                System.nanoTime() - started, requestBytes, responseBytes, engine.inbound() ? down.peerPrincipal() : upstreamPrincipal);
    }

    /** Ends the current try successfully: its connection goes back to the pool if it can serve another request. */
    private void finishTry(boolean reusable) {
        var used = connection;
        connection = null;
        tryReady = false;
        releaseEndpoint();
        if (used != null) {
            engine.pool(loop).release(used, reusable);
        }
    }

    /** Abandons the current try: its connection is closed (a late answer must not reach the next request). */
    private void dropTry() {
        endTryTimer();
        var used = connection;
        connection = null;
        tryReady = false;
        if (used != null) {
            used.detach();
            used.channel.close();
        }
        leavePendingQueue();
    }

    /** A request waiting for a connection slot gives its place (and its pending count) back. */
    private void leavePendingQueue() {
        if (waiting) {
            waiting = false;
            if (engine.waiting(cluster.name()).remove(this)) {
                cluster.breaker().releasePending();
            }
        }
    }

    private void releaseEndpoint() {
        if (endpointState != null) {
            endpointState.requestEnded();
            endpointState = null;
        }
    }

    private void releaseBreaker() {
        if (holdsRetry) {
            holdsRetry = false;
            cluster.breaker().releaseRetry();
        }
        if (holdsRequest) {
            holdsRequest = false;
            cluster.breaker().releaseRequest();
        }
    }

    private void releaseBody() {
        release(kept);
        kept.clear();
        if (queued != null) {
            release(queued);
            queued.clear();
        }
    }

    private static void release(ArrayList<ByteBuf> contents) {
        for (var content : contents) {
            content.release();
        }
    }

    private void endTryTimer() {
        if (tryTimer != null) {
            tryTimer.cancel(false);
            tryTimer = null;
        }
    }

    private void cancelTimers() {
        endTryTimer();
        if (routeTimer != null) {
            routeTimer.cancel(false);
            routeTimer = null;
        }
    }

    private static boolean isIdempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" -> true;
            default -> false;
        };
    }

    // Timer and hand-off tasks: named classes, not lambdas (docs/proxy.md).
    private record RouteTimeout(Exchange exchange) implements Runnable {
        @Override
        public void run() {
            exchange.routeTimeout();
        }
    }

    private record TryTimeout(Exchange exchange, int tryNumber) implements Runnable {
        @Override
        public void run() {
            exchange.perTryTimeout(tryNumber);
        }
    }

    private record DelayOver(Exchange exchange) implements Runnable {
        @Override
        public void run() {
            exchange.afterDelay();
        }
    }

    private record NextTry(Exchange exchange) implements Runnable {
        @Override
        public void run() {
            exchange.startTry();
        }
    }

    private record Wake(Exchange exchange) implements Runnable {
        @Override
        public void run() {
            exchange.woken();
        }
    }
}
