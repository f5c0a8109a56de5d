package dev.sidecarinjector.proxy.admin;

import dev.sidecarinjector.proxy.admin.AdminHandler.Page;
import dev.sidecarinjector.proxy.metrics.Metrics;
import dev.sidecarinjector.proxy.status.StatusPages;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Supplier;
import dev.sidecarinjector.proxy.run.EventLog;
import dev.sidecarinjector.proxy.run.ServerChannelFamily;

/**
 * Health ({@code :15021/healthz/ready}), Prometheus ({@code :15090/stats/prometheus}) and, with a control plane, the
 * configuration ({@code 127.0.0.1:15000/config_dump}, {@code /clusters}) on the proxy's
 * own event loops: no extra threads, and no jdk.httpserver module in the image. Health, status and Prometheus listen
 * on every address of both families, so kubelet's probes and Prometheus reach them at an IPv6 pod's address too.
 */
public final class AdminServer {
    /** Envoy's admin port is loopback only: it shows the whole configuration. */
    private static final String LOOPBACK = "127.0.0.1";
    private final EventLoopGroup loops;
    private boolean ipv6 = true;

    public AdminServer(EventLoopGroup loops) {
        this.loops = loops;
    }

    /** False once an IPv6 listener could not be made: the kernel has no IPv6 (booted with {@code ipv6.disable=1}). */
    public boolean ipv6() {
        return ipv6;
    }

    public Channel bindHealth(int port, Readiness readiness) throws InterruptedException {
        return bindEveryAddress(port, Map.of("/healthz/ready", new HealthPage(readiness)), null);
    }

    /** The configuration pages of a proxy with a control plane, on 127.0.0.1 only. */
    public interface ConfigPages {
        String configDump();

        String clusters();
    }

    public Channel bindConfigAdmin(int port, ConfigPages pages) throws InterruptedException {
        var address = new InetSocketAddress(LOOPBACK, port);
        return ServerChannelFamily.bound(bootstrap(ServerChannelFamily.IPV4,
                Map.of("/config_dump", new ConfigDumpPage(pages), "/clusters", new ClustersPage(pages)), null).bind(address), address);
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

    /**
     * The status port (Istio's 15020): {@code /healthz/ready} as on the health port, the application's probes and
     * {@code /quitquitquit} ({@link StatusPages}).
     */
    public Channel bindStatus(int port, Readiness readiness, StatusPages pages) throws InterruptedException {
        return bindEveryAddress(port, Map.of("/healthz/ready", new HealthPage(readiness)), new StatusRoutes(pages));
    }

    private record StatusRoutes(StatusPages pages) implements AdminHandler.Dynamic {
        @Override
        public boolean serve(ChannelHandlerContext ctx, String method, String path) {
            var peer = ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address : null;
            return pages.serve(method, path, peer, new Answer(ctx));
        }
    }

    private record Answer(ChannelHandlerContext ctx) implements StatusPages.Responder {
        @Override
        public void answer(int status, String body) {
            AdminHandler.answer(ctx, Page.text(status, reason(status), body));
        }
    }

    /** The reason phrase kubelet and curl show; the status code is what counts. */
    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> status < 400 ? "OK" : "Error";
        };
    }

    public Channel bindMetrics(int port, Metrics metrics) throws InterruptedException {
        return bindEveryAddress(port, Map.of("/stats/prometheus", new MetricsPage(metrics)), null);
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

    /**
     * {@code 0.0.0.0:port} and, unless the kernel has no IPv6, {@code [::]:port} (the port the first got when asked for
     * any); returns the IPv4 channel. The event loops' shutdown closes both.
     */
    private Channel bindEveryAddress(int port, Map<String, Supplier<Page>> routes, AdminHandler.Dynamic dynamic)
            throws InterruptedException {
        return ServerChannelFamily.onOnePort(port, new EveryAddress(this, routes, dynamic));
    }

    private record EveryAddress(AdminServer server, Map<String, Supplier<Page>> routes, AdminHandler.Dynamic dynamic)
            implements ServerChannelFamily.SharedPort<Channel> {
        @Override
        public Channel bind(int port) throws InterruptedException {
            return server.bindBothFamilies(port, routes, dynamic);
        }
    }

    private Channel bindBothFamilies(int port, Map<String, Supplier<Page>> routes, AdminHandler.Dynamic dynamic)
            throws InterruptedException {
        var any = new InetSocketAddress(ServerChannelFamily.IPV4.anyAddress(), port);
        var ipv4 = ServerChannelFamily.bound(bootstrap(ServerChannelFamily.IPV4, routes, dynamic).bind(any), any);
        if (ipv6) {
            try {
                var bound = ((InetSocketAddress) ipv4.localAddress()).getPort();
                var anyIpv6 = new InetSocketAddress(ServerChannelFamily.IPV6.anyAddress(), bound);
                ServerChannelFamily.bound(bootstrap(ServerChannelFamily.IPV6, routes, dynamic).bind(anyIpv6), anyIpv6);
            } catch (ChannelException e) {
                ipv6 = false;
                EventLog.info("no IPv6 in this kernel (" + e.getMessage() + "): the proxy listens on IPv4 only");
            } catch (Exception e) {
                ipv4.close().sync();
                throw e;
            }
        }
        return ipv4;
    }

    private ServerBootstrap bootstrap(ServerChannelFamily family, Map<String, Supplier<Page>> routes, AdminHandler.Dynamic dynamic) {
        return new ServerBootstrap()
                .group(loops)
                .channelFactory(family)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new AdminHandler(routes, dynamic));
                    }
                });
    }
}
