package dev.sidecarinjector.mesh.source;

import dev.sidecarinjector.mesh.compile.Problem;
import dev.sidecarinjector.mesh.index.MeshDocumentException;
import dev.sidecarinjector.mesh.index.MeshDocuments;
import dev.sidecarinjector.mesh.index.MeshIndex;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The mesh from a directory: every {@code *.yaml}, {@code *.yml} and {@code *.json} file in it (not below it),
 * polled for changes (a changed size, modification time, status change time or file identity) and re-read. A file
 * that is not YAML (half written, say) or is larger than the limit keeps its last good content and is named in the
 * log with the error, once per error; a missing directory is an empty mesh until it appears. Polling works the same
 * on every filesystem, ConfigMap volumes included, where a WatchService can miss the symlink swap. A poll that fails
 * (whatever the cause) is logged and the next one runs: the poller never stops.
 */
public final class DirectoryMeshSource implements MeshSource {

    private static final Logger LOG = Logger.getLogger(DirectoryMeshSource.class);

    /** Kubernetes objects are at most ~1.5 MiB; a file may hold many. Larger files are refused unread. */
    public static final long DEFAULT_MAX_FILE_BYTES = 4L * 1024 * 1024;
    public static final long DEFAULT_MAX_TOTAL_BYTES = 8L * 1024 * 1024;

    /**
     * What tells a changed file: size, modification time, and where the filesystem has them the status change time
     * (which nobody can set back) and the file's identity (inode), so a same-size replacement with the old
     * modification time is seen too.
     */
    private record Stamp(long size, FileTime modified, Object changed, Object key) {
    }

    private record FileState(Stamp stamp, List<HasMetadata> resources, List<Problem> problems, String error) {
    }

    private final Path directory;
    private final Duration interval;
    private final long maxFileBytes;
    private final long maxTotalBytes;
    /** The total last said to be over the limit, so that it is logged once while it lasts. */
    private long overLogged = -1;
    /** Why the last scan read nothing (the files over the total limit), or null. */
    private String totalError;
    private final IndexPublication publication = new IndexPublication();
    private final Map<Path, FileState> files = new TreeMap<>();
    private volatile List<Problem> problems = List.of();
    /** The file each published object came from, by kind and namespace/name: the one in force when a second appears. */
    private Map<String, Path> owners = Map.of();
    private volatile boolean ready;
    private volatile boolean missingLogged;
    /** Only a polling source logs: a one-off read (the CLI) reports through {@link #fileErrors()}. */
    private volatile boolean logging;
    private Thread poller;

    public DirectoryMeshSource(Path directory, Duration interval) {
        this(directory, interval, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TOTAL_BYTES);
    }

    /**
     * A file larger than {@code maxFileBytes} is refused with its size (injector.mesh.directory-max-file-size); files
     * holding more than {@code maxTotalBytes} together are not read at all (injector.mesh.directory-max-total-size).
     */
    public DirectoryMeshSource(Path directory, Duration interval, long maxFileBytes, long maxTotalBytes) {
        this.directory = directory;
        this.interval = interval;
        this.maxFileBytes = maxFileBytes;
        this.maxTotalBytes = maxTotalBytes;
    }

    /** Reads the directory once, with no polling (the CLI's way). */
    public DirectoryMeshSource load() {
        scan();
        ready = true;
        return this;
    }

    /** Reads the directory once, then polls it on a daemon thread. */
    public DirectoryMeshSource start() {
        logging = true;
        load();
        poller = Thread.ofPlatform().daemon().name("mesh-directory").start(this::poll);
        return this;
    }

    private void poll() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
            try {
                scan();
            } catch (OutOfMemoryError e) {
                // What the files hold, not a defect: no stack trace, the way out instead.
                LOG.errorf("mesh directory %s: reading it ran out of memory (the Java heap); the last good view stays, the next poll tries again: "
                        + "hold less in it (injector.mesh.directory-max-total-size) or give the webhook more memory", directory);
            } catch (RuntimeException | Error e) {
                // Even an Error (a stack overflow) is one poll's: the next may succeed, a dead poller never would.
                LOG.errorf(e, "mesh directory %s: reading failed; the last good view stays, the next poll tries again", directory);
            }
        }
    }

    /** Re-reads what changed; publishes a new index when anything did. Returns whether it did. */
    synchronized boolean scan() {
        var seen = new HashMap<Path, Boolean>();
        var changed = false;
        var stamps = new TreeMap<Path, Stamp>();
        var total = 0L;
        for (var file : list()) {
            try {
                var stamp = stamp(file);
                stamps.put(file, stamp);
                // A file over its own limit is refused unread: it counts only up to that limit.
                total += Math.min(stamp.size(), maxFileBytes + 1);
            } catch (IOException e) {
                // Gone since it was listed: as if it were not there.
            }
        }
        if (total > maxTotalBytes) {
            overTotal(stamps.size(), total);
            return false;
        }
        overLogged = -1;
        totalError = null;
        for (var entry : stamps.entrySet()) {
            var file = entry.getKey();
            var stamp = entry.getValue();
            seen.put(file, Boolean.TRUE);
            var old = files.get(file);
            if (old != null && old.stamp.equals(stamp)) {
                continue;
            }
            files.put(file, read(file, stamp, old));
            changed = true;
        }
        changed |= files.keySet().removeIf(file -> !seen.containsKey(file));
        if (changed || publication.current() == MeshIndex.EMPTY) {
            publish();
        }
        return changed;
    }

    /** Files over the total limit: nothing is read, the last good view stays; said once while the total lasts, and readable by the CLI. */
    private void overTotal(int count, long total) {
        var message = "mesh directory " + directory + ": its " + count + " files hold " + total + " bytes, more than the limit of " + maxTotalBytes
                + " bytes (injector.mesh.directory-max-total-size; held in memory several times over, more could exhaust the heap): "
                + "not read; " + (files.isEmpty() ? "the mesh is empty" : "the last good view stays") + " until they hold less";
        totalError = message;
        if (logging && overLogged != total) {
            LOG.error(message);
        }
        overLogged = total;
        if (publication.current() == MeshIndex.EMPTY) {
            publish();
        }
    }

    private static Stamp stamp(Path file) throws IOException {
        var attributes = Files.readAttributes(file, BasicFileAttributes.class);
        Object changed;
        try {
            changed = Files.getAttribute(file, "unix:ctime");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            changed = null;
        }
        return new Stamp(attributes.size(), attributes.lastModifiedTime(), changed, attributes.fileKey());
    }

    private FileState read(Path file, Stamp stamp, FileState old) {
        var name = file.getFileName().toString();
        try {
            var parsed = MeshDocuments.read(text(file, name), name);
            return keepLastGood(new FileState(stamp, parsed.resources(), parsed.problems(), null), old);
        } catch (MeshDocumentException | IOException e) {
            var message = e instanceof MeshDocumentException ? e.getMessage() : name + ": cannot be read: " + e.getMessage();
            if (logging && (old == null || !message.equals(old.error))) {
                LOG.warnf("mesh directory: %s; %s", message, old == null ? "the file is skipped" : "its last good content stays");
            }
            return old == null ? new FileState(stamp, List.of(), List.of(), message)
                    : new FileState(stamp, old.resources, old.problems, message);
        }
    }

    /**
     * An object of the file that was good and is now refused (a typo in a field, an unknown enum value) keeps its last
     * good version, as the API server keeps the stored object when it refuses a {@code kubectl apply}: a DENY policy
     * edited into a typo must not vanish and allow what it denied. The problem is then a warning saying so; an object
     * that was never good (new, or first read) is left out.
     */
    private static FileState keepLastGood(FileState now, FileState old) {
        if (old == null || now.problems.stream().noneMatch(Problem::leftOut)) {
            return now;
        }
        var resources = new ArrayList<>(now.resources);
        var problems = new ArrayList<Problem>();
        for (var problem : now.problems) {
            var previous = !problem.leftOut() ? null : old.resources.stream()
                    .filter(r -> r.getKind().equals(problem.kind()) && r.getMetadata().getName().equals(problem.name())
                            && MeshIndex.namespace(r).equals(problem.namespace()))
                    .filter(r -> resources.stream().noneMatch(n -> n.getKind().equals(r.getKind()) && MeshIndex.key(n).equals(MeshIndex.key(r))))
                    .findFirst().orElse(null);
            if (previous == null) {
                problems.add(problem);
            } else {
                resources.add(previous);
                problems.add(problem.kept("its last good version stays, as the API server would have refused the change"));
            }
        }
        return new FileState(now.stamp, List.copyOf(resources), List.copyOf(problems), null);
    }

    /** The file's text; refused unread past the limit (it may grow while read: never more than the limit is held). */
    private String text(Path file, String name) throws IOException, MeshDocumentException {
        byte[] bytes;
        try (var in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxFileBytes + 1));
            if (bytes.length > maxFileBytes) {
                throw new MeshDocumentException(name + ": " + Files.size(file) + " bytes, larger than the limit of " + maxFileBytes
                        + " bytes (injector.mesh.directory-max-file-size): not read");
            }
        }
        return MeshDocuments.text(bytes, name);
    }

    /**
     * Kubernetes holds one object of a kind and namespace/name. When the files hold two, the one in force is kept (from
     * the file it came from in the last publication): a new file must not take an object over, nor break what
     * refers to it; when none was in force, the first in file-name order (then document order). The other is left
     * out and named with both files.
     */
    private void publish() {
        var chosen = new LinkedHashMap<String, Path>();
        for (var entry : files.entrySet()) {
            for (var resource : entry.getValue().resources) {
                var key = resource.getKind() + " " + MeshIndex.key(resource);
                var inForce = owners.get(key);
                chosen.merge(key, entry.getKey(), (first, later) -> later.equals(inForce) && !first.equals(inForce) ? later : first);
            }
        }
        var resources = new ArrayList<HasMetadata>();
        var found = new ArrayList<Problem>();
        var taken = new HashMap<String, Boolean>();
        for (var entry : files.entrySet()) {
            for (var resource : entry.getValue().resources) {
                var key = resource.getKind() + " " + MeshIndex.key(resource);
                var kept = chosen.get(key);
                if (kept.equals(entry.getKey()) && taken.putIfAbsent(key, Boolean.TRUE) == null) {
                    resources.add(resource);
                } else {
                    var why = kept.equals(owners.get(key)) ? "kept: the one in force" : "kept: the first in file-name order";
                    found.add(Problem.ignored(resource.getKind(), MeshIndex.namespace(resource), resource.getMetadata().getName(),
                            "metadata.name", null, "is defined twice: in " + kept.getFileName() + " (" + why + ") and in "
                                    + entry.getKey().getFileName() + " (this copy is left out)"));
                }
            }
            found.addAll(entry.getValue().problems);
        }
        owners = Map.copyOf(chosen);
        problems = List.copyOf(found);
        publication.publish(resources);
    }

    private List<Path> list() {
        if (!Files.isDirectory(directory)) {
            if (logging && !missingLogged) {
                LOG.warnf("mesh directory %s does not exist: the mesh is empty until it does", directory);
                missingLogged = true;
            }
            return List.of();
        }
        missingLogged = false;
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(DirectoryMeshSource::isManifest).sorted().toList();
        } catch (IOException e) {
            LOG.warnf("mesh directory %s cannot be listed: %s", directory, e.getMessage());
            return new ArrayList<>(files.keySet());
        }
    }

    private static boolean isManifest(Path file) {
        var name = file.getFileName().toString();
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"))
                && Files.isRegularFile(file);
    }

    @Override
    public MeshIndex current() {
        return publication.current();
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public List<Problem> readProblems() {
        return problems;
    }

    /** The files that cannot be used now (not YAML or JSON, too large, unreadable), with the error; each keeps its last good content, if it had one. */
    public synchronized List<String> fileErrors() {
        var errors = new ArrayList<String>();
        if (totalError != null) {
            errors.add(totalError);
        }
        for (var state : files.values()) {
            if (state.error != null) {
                errors.add(state.error);
            }
        }
        return errors;
    }

    @Override
    public void addListener(MeshIndexListener listener) {
        publication.addListener(listener);
    }

    @Override
    public String describe() {
        return "directory " + directory + " (" + publication.current().size() + " objects, re-read every " + interval.toMillis() + " ms)";
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.interrupt();
        }
    }
}
