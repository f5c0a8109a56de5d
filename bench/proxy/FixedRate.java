import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop HTTP/1.1 load at a fixed rate, with latency measured from each request's intended start
 * (as wrk2 does), so a stall is charged to every request that should have been sent during it
 * (no coordinated omission). Keep-alive connections; a request waits for a free one, and that wait
 * is part of its latency. Every latency is kept and sorted, so percentiles are exact.
 *
 *   java FixedRate.java HOST PORT RATE SECONDS [CONNECTIONS=16] [WARMUP_SECONDS=1]
 *
 * Prints one line: {@code requests=N errors=E p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=..}
 */
public final class FixedRate {
    private static final long STOP = Long.MIN_VALUE;

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int rate = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        int connections = args.length > 4 ? Integer.parseInt(args[4]) : 16;
        double warmup = args.length > 5 ? Double.parseDouble(args[5]) : 1;

        int total = (int) Math.round((warmup + seconds) * rate);
        int skipped = (int) Math.round(warmup * rate);
        long[] latencies = new long[total];
        var intended = new LinkedBlockingQueue<long[]>();
        var errors = new AtomicInteger();
        byte[] request = ("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

        Thread[] workers = new Thread[connections];
        for (int w = 0; w < connections; w++) {
            workers[w] = Thread.ofPlatform().name("conn-" + w).start(() -> {
                Socket socket = null;
                InputStream in = null;
                try {
                    while (true) {
                        long[] job = intended.take();
                        if (job[0] == STOP) {
                            return;
                        }
                        try {
                            if (socket == null) {
                                socket = open(host, port);
                                in = new BufferedInputStream(socket.getInputStream(), 16 << 10);
                            }
                            exchange(socket.getOutputStream(), in, request);
                            latencies[(int) job[1]] = System.nanoTime() - job[0];
                        } catch (IOException e) {
                            errors.incrementAndGet();
                            latencies[(int) job[1]] = -1;
                            closeQuietly(socket);
                            socket = null;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    closeQuietly(socket);
                }
            });
        }

        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            intended.add(new long[] {due, i});
        }
        for (int w = 0; w < connections; w++) {
            intended.add(new long[] {STOP, 0});
        }
        for (Thread worker : workers) {
            worker.join();
        }

        long[] measured = Arrays.stream(latencies, skipped, total).filter(l -> l >= 0).sorted().toArray();
        if (measured.length == 0) {
            System.out.println("requests=0 errors=" + errors.get());
            System.exit(1);
        }
        System.out.printf("requests=%d errors=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f%n",
                measured.length, errors.get(), us(measured, 0.50), us(measured, 0.90), us(measured, 0.99),
                us(measured, 0.999), measured[measured.length - 1] / 1e3);
    }

    private static double us(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e3;
    }

    private static Socket open(String host, int port) throws IOException {
        var socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress(host, port), 10_000);
        return socket;
    }

    /** Sends one GET and reads the whole response (headers, then Content-Length bytes). */
    private static void exchange(OutputStream out, InputStream in, byte[] request) throws IOException {
        out.write(request);
        out.flush();
        int contentLength = -1;
        var line = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed mid-response");
            }
            if (c == '\n') {
                String header = line.toString().strip();
                if (header.isEmpty()) {
                    break;
                }
                int colon = header.indexOf(':');
                if (colon > 0 && header.substring(0, colon).equalsIgnoreCase("content-length")) {
                    contentLength = Integer.parseInt(header.substring(colon + 1).strip());
                }
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
        if (contentLength < 0) {
            throw new IOException("no Content-Length");
        }
        if (in.readNBytes(contentLength).length != contentLength) {
            throw new IOException("short body");
        }
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the run is over for this connection
            }
        }
    }
}
