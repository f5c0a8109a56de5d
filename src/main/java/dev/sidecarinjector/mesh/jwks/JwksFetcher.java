package dev.sidecarinjector.mesh.jwks;

import dev.sidecarinjector.mesh.compile.JwksDocument;
import dev.sidecarinjector.mesh.compile.JwksLookup;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Fetches the key sets of RequestAuthentication {@code jwksUri}s for the proxies, as istiod does, so that proxies
 * never call out: each uri in use is fetched when it first appears, then refreshed every {@code refresh} (Istio's 20
 * minutes); a uri with no keys yet is retried every {@code retry}. HTTPS is checked against the JDK's trust store;
 * a fetch is bounded in time and size, and its answer must be a usable key set ({@link JwksDocument}). A failed
 * fetch keeps the last good keys and is logged, once per distinct error. Listeners hear of every change of keys, so
 * the snapshots carrying them are pushed. One daemon thread does all fetching; lookups are lock-free reads.
 */
public final class JwksFetcher implements JwksLookup, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(JwksFetcher.class);

    /** How often keys are refreshed, retried while missing, how long a fetch may take and how big an answer may be. */
    public record Settings(Duration refresh, Duration retry, Duration timeout, int maxBytes) {
    }

    private static final class Entry {
        volatile String jwks;
        volatile Instant fetchedAt;
        String error;
        ScheduledFuture<?> next;
    }

    private final Settings settings;
    /**
     * Made at the first fetch, on the executor: a JDK client loads the default trust store and its TLS at creation
     * (about a tenth of a second of one CPU at start), and most meshes have no jwksUri.
     */
    private volatile HttpClient client;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mesh-jwks").factory());
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public JwksFetcher(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String jwks(String uri) {
        var entry = entries.get(uri);
        return entry == null ? null : entry.jwks;
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** The uris now in use: new ones are fetched at once, those no longer used are forgotten. */
    public void track(Set<String> uris) {
        var wanted = Set.copyOf(uris);
        executor.execute(() -> {
            for (var uri : new HashSet<>(entries.keySet())) {
                if (!wanted.contains(uri)) {
                    var gone = entries.remove(uri);
                    if (gone.next != null) {
                        gone.next.cancel(false);
                    }
                }
            }
            for (var uri : wanted) {
                if (!entries.containsKey(uri)) {
                    entries.put(uri, new Entry());
                    fetch(uri);
                }
            }
        });
    }

    /** When the keys of {@code uri} were last fetched, null before the first success (for tests and status). */
    public Instant fetchedAt(String uri) {
        var entry = entries.get(uri);
        return entry == null ? null : entry.fetchedAt;
    }

    private void fetch(String uri) {
        var entry = entries.get(uri);
        if (entry == null) {
            return;
        }
        var changed = false;
        try {
            var body = get(uri);
            var problem = JwksDocument.problem(body);
            if (problem != null) {
                throw new IOException("the answer " + problem);
            }
            changed = !body.equals(entry.jwks);
            entry.jwks = body;
            entry.fetchedAt = Instant.now();
            if (entry.error != null) {
                LOG.infof("jwksUri %s: fetched again after: %s", uri, entry.error);
                entry.error = null;
            } else if (changed) {
                LOG.infof("jwksUri %s: keys fetched", uri);
            }
        } catch (IOException e) {
            var error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (!error.equals(entry.error)) {
                LOG.warnf("jwksUri %s: fetch failed: %s; %s", uri, error, entry.jwks == null
                        ? "no keys yet: tokens of its issuer are refused until a fetch succeeds"
                        : "the keys fetched at " + entry.fetchedAt + " stay in use");
                entry.error = error;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        var delay = entry.jwks == null ? settings.retry() : settings.refresh();
        entry.next = executor.schedule(new Refetch(this, uri), delay.toMillis(), TimeUnit.MILLISECONDS);
        if (changed) {
            for (var listener : listeners) {
                listener.run();
            }
        }
    }

    private String get(String uri) throws IOException, InterruptedException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(uri)).timeout(settings.timeout()).header("Accept", "application/json").GET().build();
        } catch (IllegalArgumentException e) {
            throw new IOException("not a URL: " + e.getMessage());
        }
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        var response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP status " + response.statusCode());
            }
            var bytes = body.readNBytes(settings.maxBytes() + 1);
            if (bytes.length > settings.maxBytes()) {
                throw new IOException("the answer is larger than " + settings.maxBytes() + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        var made = client;
        if (made != null) {
            made.shutdownNow();
        }
    }

    /** A named task, so a thread dump says what it is. */
    private record Refetch(JwksFetcher fetcher, String uri) implements Runnable {
        @Override
        public void run() {
            fetcher.fetch(uri);
        }
    }
}
