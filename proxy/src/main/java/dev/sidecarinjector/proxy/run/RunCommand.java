package dev.sidecarinjector.proxy.run;

import dev.sidecarinjector.proxy.cli.Flags;
import dev.sidecarinjector.proxy.cli.UsageException;
import dev.sidecarinjector.proxy.config.MeshRuntime;
import dev.sidecarinjector.proxy.config.MeshSettings;
import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import dev.sidecarinjector.api.json.JsonException;
import dev.sidecarinjector.api.probe.AppProbe;
import dev.sidecarinjector.proxy.status.StatusPages;
import dev.sidecarinjector.proxy.tls.TlsProvider;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code sidecar-proxy run}: starts the sidecar and drains it on SIGTERM (exit 0), as the kubelet expects. */
public final class RunCommand {
    private RunCommand() {
    }

    public static int run(List<String> args) throws UsageException {
        var valued = new HashSet<>(ProxySettings.FLAGS);
        valued.addAll(MeshSettings.FLAGS);
        var flags = Flags.parse(args, valued, ProxySettings.SWITCHES);
        ProxySettings settings = ProxySettings.from(flags, System.getenv());
        MeshSettings mesh = MeshSettings.from(flags, System.getenv());
        ListeningPorts.checkDistinct(flags, settings, mesh);
        try {
            TlsProvider.check();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if ("true".equals(flags.find("--dry-run").orElse(null))) {
            // Lets the webhook's tests check that the rendered container's arguments are ones this command takes.
            System.out.println(settings);
            if (mesh.meshEnabled()) {
                System.out.println(mesh);
            }
            return 0;
        }
        Map<String, AppProbe> probes;
        try {
            probes = AppProbe.parse(System.getenv(AppProbe.VARIABLE));
        } catch (JsonException e) {
            throw new UsageException("bad application probes: " + e.getMessage());
        }
        NettyLog.install();
        SidecarProxy proxy;
        // Without --control-plane the proxy is the L4 relay it always was: no gate, no config client, no admin port.
        var holder = mesh.meshEnabled() ? new SnapshotHolder() : null;
        try {
            proxy = new SidecarProxy(settings, DestinationResolver.originalDestination(), holder);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            EventLog.info("proxy cannot use native epoll: " + e);
            return 1;
        }
        MeshRuntime meshRuntime;
        try {
            meshRuntime = holder != null ? MeshRuntime.prepare(mesh, holder, proxy.readiness(), proxy.loops()) : null;
        } catch (java.io.IOException e) {
            EventLog.info("proxy failed to start: " + e.getMessage());
            proxy.close();
            return 1;
        }
        var stopped = new CountDownLatch(1);
        try {
            proxy.statusPages(new StatusPages(probes, InetAddress.getByName("127.0.0.6"), applicationAddress(),
                    new QuitNow(proxy, stopped)));
            if (meshRuntime != null) {
                proxy.identity(meshRuntime.identity());
            }
            proxy.start();
            if (meshRuntime != null) {
                meshRuntime.start(proxy.loops());
            }
        } catch (Exception e) {
            EventLog.info("proxy failed to start: " + e);
            proxy.close();
            return 1;
        }
        // A signal handler rather than a shutdown hook: a hook cannot choose exit code 0.
        var drainOnce = new DrainOnce(proxy, stopped);
        Signal.handle(new Signal("TERM"), drainOnce);
        Signal.handle(new Signal("INT"), drainOnce);
        while (true) {
            try {
                stopped.await();
                return 0;
            } catch (InterruptedException e) {
                // only the drain thread ends the proxy
            }
        }
    }

    /** Where the application's probes go: the pod's IP, as kubelet's would, else loopback. */
    private static InetAddress applicationAddress() throws java.net.UnknownHostException {
        var ip = System.getenv("INSTANCE_IP");
        return ip == null || ip.isBlank() ? InetAddress.getLoopbackAddress() : InetAddress.getByName(ip.trim());
    }

    /** {@code POST /quitquitquit}: stops at once, without the drain (a Job is done; nothing is routed to it). */
    private record QuitNow(SidecarProxy proxy, CountDownLatch stopped) implements Runnable {
        @Override
        public void run() {
            EventLog.info("quitquitquit: stopping now");
            proxy.close();
            EventLog.info("proxy stopped");
            stopped.countDown();
        }
    }

    /** Drains and stops the proxy once, however many signals arrive. */
    private record DrainOnce(SidecarProxy proxy, CountDownLatch stopped) implements Runnable, SignalHandler {
        /** On the signal thread, which must not block: the drain runs on a thread of its own. */
        @Override
        public void handle(Signal signal) {
            Thread.ofPlatform().name("drain").start(this);
        }

        @Override
        public void run() {
            synchronized (this) {
                if (stopped.getCount() == 0) {
                    return;
                }
                try {
                    proxy.drain();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    proxy.close();
                    EventLog.info("proxy stopped");
                    stopped.countDown();
                }
            }
        }
    }
}
