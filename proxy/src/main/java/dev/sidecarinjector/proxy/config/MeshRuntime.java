package dev.sidecarinjector.proxy.config;

import dev.sidecarinjector.proxy.identity.CertificateClient;
import dev.sidecarinjector.proxy.identity.IdentityHolder;
import dev.sidecarinjector.proxy.identity.IdentityManager;
import dev.sidecarinjector.proxy.mesh.SnapshotHolder;
import dev.sidecarinjector.proxy.admin.AdminServer;
import dev.sidecarinjector.proxy.admin.Readiness;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The proxy's mesh parts when {@code --control-plane} is given: the snapshot holder, the readiness gate, the config
 * client and its thread, and the admin port. {@link #prepare} before the listeners are bound (the gate must hold
 * readiness from the start), {@link #start} after.
 */
public final class MeshRuntime implements AutoCloseable {

    private final MeshSettings settings;
    /** TLS to the control plane, for the stream and the certificate requests alike (built once: it loads the root certificate). */
    private final SslContext tls;
    private final SnapshotHolder holder;
    private final StreamSession session;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(new ConfigThreads());
    private final IdentityHolder identity = new IdentityHolder();
    private final IdentityManager identityManager;
    private ConfigClient client;
    private Channel admin;

    private MeshRuntime(MeshSettings settings, SnapshotHolder holder, EventLoopGroup loops) throws IOException {
        this.settings = settings;
        this.holder = holder;
        this.session = new StreamSession(settings.node(), holder);
        this.tls = ControlPlaneTls.client(settings.rootCert());
        var ca = new CertificateClient(settings.controlPlaneHost(), settings.controlPlanePort(), tls, loops, EpollSocketChannel.class);
        this.identityManager = new IdentityManager(ca, settings.tokenFile(), Duration.ZERO, settings.configGrace(),
                new ThreadScheduler(thread), new Backoff(new Jitter()), new Jitter(), identity);
    }

    /**
     * Before the listeners are bound: readiness waits for the first snapshot and the first certificate from here on. A
     * bad root certificate fails here, with its path.
     */
    public static MeshRuntime prepare(MeshSettings settings, SnapshotHolder holder, Readiness readiness, EventLoopGroup loops)
            throws IOException {
        var runtime = new MeshRuntime(settings, holder, loops);
        readiness.gate(new ConfigReadiness(holder, settings.configGrace(), new NanoClock(), settings.controlPlane()));
        readiness.gate(runtime.identityManager);
        return runtime;
    }

    /** The workload certificate in force, for the traffic path's TLS. */
    public IdentityHolder identity() {
        return identity;
    }

    /** Connects to the control plane and binds the admin port. */
    public void start(EventLoopGroup loops) throws IOException, InterruptedException {
        client = new ConfigClient(settings, tls, session, loops, EpollSocketChannel.class, new ThreadScheduler(thread), new Backoff(new Jitter()));
        admin = new AdminServer(loops).bindConfigAdmin(settings.adminPort(), new Pages(new ConfigDump(client)));
        client.start();
        identityManager.start();
        dev.sidecarinjector.proxy.run.EventLog.info("config: control plane " + settings.controlPlane() + ", admin on 127.0.0.1:" + adminPort()
                + ", readiness waits up to " + settings.configGrace().toSeconds() + "s for the first configuration; TLS "
                + dev.sidecarinjector.proxy.tls.TlsProvider.describe());
    }

    public SnapshotHolder holder() {
        return holder;
    }

    public int adminPort() {
        return ((java.net.InetSocketAddress) admin.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        identityManager.close();
        thread.shutdownNow();
    }

    // Named classes rather than lambdas: see docs/proxy.md, "why named classes".
    private record Pages(ConfigDump dump) implements AdminServer.ConfigPages {
        @Override
        public String configDump() {
            return dump.configDump();
        }

        @Override
        public String clusters() {
            return dump.clusters();
        }
    }

    private record ThreadScheduler(ScheduledExecutorService thread) implements ConfigClient.Scheduler {
        @Override
        public void schedule(Runnable task, long delayMillis) {
            try {
                thread.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the proxy is stopping: no reconnect
            }
        }

        @Override
        public void execute(Runnable task) {
            try {
                thread.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the proxy is stopping
            }
        }
    }

    private static final class ConfigThreads implements java.util.concurrent.ThreadFactory {
        @Override
        public Thread newThread(Runnable task) {
            var thread = new Thread(task, "proxy-config");
            thread.setDaemon(true);
            return thread;
        }
    }

    private static final class NanoClock implements LongSupplier {
        @Override
        public long getAsLong() {
            return System.nanoTime();
        }
    }

    private static final class Jitter implements java.util.function.DoubleSupplier {
        @Override
        public double getAsDouble() {
            return ThreadLocalRandom.current().nextDouble();
        }
    }
}
