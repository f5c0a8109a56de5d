package dev.sidecarinjector.mesh.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Sends HTTP requests from inside a namespace through one long-lived {@link HttpAgent} process (no JVM start per
 * request), and counts every answer by target and status code, for comparing with the proxy's own counters.
 */
final class MeshClient implements AutoCloseable {

    /**
     * One answer: status 0 means none came (the body says why); version and pod are the app's headers; headers are
     * all of the answer's, by lower-case name (repeated ones joined with commas).
     */
    record Reply(int status, String version, String pod, String overloaded, long startMs, long elapsedMs, String body,
            Map<String, String> headers) {

        boolean ok() {
            return status == 200;
        }

        static Reply parse(String line) {
            var w = line.split(" ", 9);
            var headers = new TreeMap<String, String>();
            new String(Base64.getDecoder().decode(w.length > 8 ? w[8] : ""), StandardCharsets.ISO_8859_1).lines().forEach(h -> {
                int colon = h.indexOf(": ");
                headers.put(h.substring(0, colon), h.substring(colon + 2));
            });
            return new Reply(Integer.parseInt(w[1]), w[2], w[3], w[4], Long.parseLong(w[5]), Long.parseLong(w[6]),
                    new String(Base64.getDecoder().decode(w.length > 7 ? w[7] : ""), StandardCharsets.UTF_8), headers);
        }

        @Override
        public String toString() {
            return "%d %s %s overloaded=%s %d ms %s".formatted(status, version, pod, overloaded, elapsedMs, body.strip());
        }
    }

    /** A page read with {@code get}. */
    record Page(int status, String body) {
    }

    private final MeshLab lab;
    private final String ns;
    private final String name;
    private Process agent;
    private Writer commands;
    private BlockingQueue<String> lines;
    private final Map<String, Map<Integer, Long>> tally = new ConcurrentHashMap<>();
    private String loadTarget;

    private MeshClient(MeshLab lab, String ns, String name) {
        this.lab = lab;
        this.ns = ns;
        this.name = name;
    }

    /** Starts the agent in {@code ns} from this build's test classes (JDK classes only) and waits for it. */
    static MeshClient start(MeshLab lab, String ns, String name) throws IOException, InterruptedException {
        var client = new MeshClient(lab, ns, name);
        client.startAgent();
        return client;
    }

    private void startAgent() throws IOException, InterruptedException {
        var classes = Path.of(MeshClient.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var process = lab.startPiped(ns, lab.dir.resolve("agent-" + name + ".log"),
                List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classes, HttpAgent.class.getName()));
        var queue = new LinkedBlockingQueue<String>();
        Thread.ofPlatform().daemon().name("mesh-client-" + name).start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (var line = reader.readLine(); line != null; line = reader.readLine()) {
                    queue.add(line);
                }
            } catch (IOException e) {
                queue.add("error agent output: " + e);
            }
            queue.add("error agent exited");
            queue.add("end");
        });
        agent = process;
        lines = queue;
        commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        var first = queue.poll(30, TimeUnit.SECONDS);
        if (!"agent ready".equals(first)) {
            throw new IOException("the HTTP agent in " + ns + " did not start: " + first);
        }
    }

    /** {@code n} requests one after the other on the agent's keep-alive connection to {@code target}. */
    List<Reply> send(String target, int n, String path) throws IOException, InterruptedException {
        return send(target, n, "GET", path, Map.of());
    }

    /**
     * {@code n} requests with {@code method} and these extra headers, one after the other on the agent's keep-alive
     * connection to {@code target}.
     */
    List<Reply> send(String target, int n, String method, String path, Map<String, String> headers) throws IOException, InterruptedException {
        var command = new StringBuilder("send ").append(target).append(' ').append(n).append(' ').append(path).append(' ').append(method);
        headers.forEach((name, value) -> command.append(' ').append(name).append(':').append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return replies(target, command(command.toString(), 60 + n / 10));
    }

    Reply one(String target, String path) throws IOException, InterruptedException {
        return send(target, 1, path).getFirst();
    }

    /** {@code n} requests at the same moment, each on a new connection. */
    List<Reply> parallel(String target, int n, String path) throws IOException, InterruptedException {
        return replies(target, command("parallel " + target + " " + n + " " + path, 90));
    }

    /** Requests one after the other, {@code pauseMs} apart, until {@link #loadStop}. */
    void loadStart(String target, String path, long pauseMs) throws IOException, InterruptedException {
        command("load-start " + target + " " + path + " " + pauseMs, 10);
        loadTarget = target;
    }

    List<Reply> loadStop() throws IOException, InterruptedException {
        return replies(loadTarget, command("load-stop", 60));
    }

    Page get(String url) throws IOException, InterruptedException {
        return page(command("get " + url, 20));
    }

    Page get(String url, Path caPem) throws IOException, InterruptedException {
        return page(command("get " + url + " " + caPem, 20));
    }

    /** Every answer from {@code target} so far by status code (0: no answer). */
    Map<Integer, Long> tally(String target) {
        return new TreeMap<>(tally.getOrDefault(target, Map.of()));
    }

    private List<Reply> replies(String target, List<String> output) {
        var replies = output.stream().filter(l -> l.startsWith("reply ")).map(Reply::parse).toList();
        var counts = tally.computeIfAbsent(target, t -> new ConcurrentHashMap<>());
        replies.forEach(r -> counts.merge(r.status(), 1L, Long::sum));
        return replies;
    }

    private static Page page(List<String> output) {
        var body = output.stream().filter(l -> l.startsWith("body ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no page: " + output)).split(" ", 3);
        return new Page(Integer.parseInt(body[1]),
                new String(Base64.getDecoder().decode(body.length > 2 ? body[2] : ""), StandardCharsets.UTF_8));
    }

    /** Sends one command and collects its output up to {@code end}; an {@code error} line fails it. */
    private synchronized List<String> command(String command, long timeoutSeconds) throws IOException, InterruptedException {
        commands.write(command + "\n");
        commands.flush();
        var output = new ArrayList<String>();
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            var line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                // Its answer would come later, as the answer to the next command: start a fresh agent instead.
                loadTarget = null;
                agent.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                startAgent();
                throw new IOException("no answer to \"" + command + "\" within " + timeoutSeconds + " s (agent restarted)");
            }
            if (line.equals("end")) {
                break;
            }
            output.add(line);
        }
        var error = output.stream().filter(l -> l.startsWith("error ")).findFirst();
        if (error.isPresent()) {
            throw new IOException("\"" + command + "\": " + error.get().substring(6));
        }
        return output;
    }

    @Override
    public void close() {
        agent.destroy();
    }
}
