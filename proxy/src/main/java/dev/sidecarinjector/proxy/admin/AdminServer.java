package dev.sidecarinjector.proxy.admin;

import dev.sidecarinjector.proxy.admin.AdminHandler.Page;
import dev.sidecarinjector.proxy.metrics.Metrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Supplier;
import dev.sidecarinjector.proxy.run.Ipv4ServerChannelFactory;

/**
 * Health ({@code :15021/healthz/ready}), Prometheus ({@code :15090/stats/prometheus}) and, with a control plane, the
 * configuration ({@code 127.0.0.1:15000/config_dump}, {@code /clusters}) on the proxy's
 * own event loops: no extra threads, and no jdk.httpserver module in the image.
 */
public final class AdminServer {
    private static final String ANY_IPV4 = "0.0.0.0";
    /** Envoy's admin port is loopback only: it shows the whole configuration. */
    private static final String LOOPBACK = "127.0.0.1";
    private final EventLoopGroup loops;

    public AdminServer(EventLoopGroup loops) {
        this.loops = loops;
    }

    public Channel bindHealth(int port, Readiness readiness) throws InterruptedException {
        return bind(ANY_IPV4, port, Map.of("/healthz/ready", new HealthPage(readiness)));
    }

    /** The configuration pages of a proxy with a control plane, on 127.0.0.1 only. */
    public interface ConfigPages {
        String configDump();

        String clusters();
    }

    public Channel bindConfigAdmin(int port, ConfigPages pages) throws InterruptedException {
        return bind(LOOPBACK, port, Map.of("/config_dump", new ConfigDumpPage(pages), "/clusters", new ClustersPage(pages)));
    }

    private record ConfigDumpPage(ConfigPages pages) implements Supplier<Page> {
        @Override
        public Page get() {
            return new Page(200, "OK", "application/json", pages.configDump());
        }
    }

    private record ClustersPage(ConfigPages pages) implements Supplier<Page> {
        @Override
        public Page get() {
            return Page.text(200, "OK", pages.clusters());
        }
    }

    public Channel bindMetrics(int port, Metrics metrics) throws InterruptedException {
        return bind(ANY_IPV4, port, Map.of("/stats/prometheus", new MetricsPage(metrics)));
    }

    // Named classes rather than lambdas: each lambda costs a generated class for the life of the proxy.
    private record HealthPage(Readiness readiness) implements Supplier<Page> {
        @Override
        public Page get() {
            return readiness.isReady()
                    ? Page.text(200, "OK", "ready\n")
                    : Page.text(503, "Service Unavailable", readiness.describe() + "\n");
        }
    }

    private record MetricsPage(Metrics metrics) implements Supplier<Page> {
        @Override
        public Page get() {
            return new Page(200, "OK", "text/plain; version=0.0.4; charset=utf-8", metrics.prometheusText());
        }
    }

    private Channel bind(String host, int port, Map<String, Supplier<Page>> routes) throws InterruptedException {
        return new ServerBootstrap()
                .group(loops)
                .channelFactory(Ipv4ServerChannelFactory.INSTANCE)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new AdminHandler(routes));
                    }
                })
                .bind(new InetSocketAddress(host, port))
                .sync()
                .channel();
    }
}
