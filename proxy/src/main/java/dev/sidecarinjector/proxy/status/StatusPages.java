package dev.sidecarinjector.proxy.status;

import dev.sidecarinjector.api.probe.AppProbe;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * What the status port (15020, Istio's pilot-agent port) answers besides its fixed pages: the application's probes
 * at {@code GET /app-health/<container>/readyz|livez|startupz}, run on a virtual thread and answered with their
 * result, and {@code POST /quitquitquit}, which ends the proxy (from loopback only: a Job's last command).
 */
public final class StatusPages {

    /** What to answer, and the proxy's way out. */
    public interface Responder {
        void answer(int status, String body);
    }

    private final Map<String, AppProbe> probes;
    private final ProbeRunner runner;
    private final Runnable quit;

    public StatusPages(Map<String, AppProbe> probes, java.net.InetAddress source, java.net.InetAddress application, Runnable quit) {
        this.probes = probes;
        this.runner = new ProbeRunner(source, application);
        this.quit = quit;
    }

    /** Whether this path is one of the status port's own; false leaves the request to a 404. */
    public boolean serve(String method, String path, InetSocketAddress peer, Responder responder) {
        if (path.equals("/quitquitquit")) {
            if (!method.equals("POST")) {
                responder.answer(405, "use POST\n");
            } else if (peer == null || !peer.getAddress().isLoopbackAddress()) {
                responder.answer(403, "only from the pod itself (localhost)\n");
            } else {
                responder.answer(200, "OK\n");
                Thread.ofPlatform().name("quitquitquit").start(quit);
            }
            return true;
        }
        if (!path.startsWith("/app-health/")) {
            return false;
        }
        var probe = probes.get(path);
        if (probe == null) {
            responder.answer(404, "no probe at " + path + "\n");
        } else if (!method.equals("GET")) {
            responder.answer(405, "use GET\n");
        } else {
            Thread.ofVirtual().name("probe").start(new RunProbe(runner, probe, responder));
        }
        return true;
    }

    public int probeCount() {
        return probes.size();
    }

    private record RunProbe(ProbeRunner runner, AppProbe probe, Responder responder) implements Runnable {
        @Override
        public void run() {
            var result = runner.run(probe);
            responder.answer(result.status(), result.reason() + "\n");
        }
    }
}
