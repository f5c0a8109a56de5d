package dev.sidecarinjector.mesh.e2e;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What crosses the wire on one TCP port of a pod, as tcpdump would show it: {@code mesh-e2e/tcp-capture.py} reads
 * the pod's {@code eth0} with a raw socket (AF_PACKET, before any iptables rule), and each connection's two byte
 * streams are put back together from the segments' sequence numbers, to be read as TLS records or as plaintext. A
 * connection is told from an earlier one on the same ports by its SYN.
 */
final class WireCapture {

    /** One direction of one connection, {@code from} and {@code to} as {@code IP:PORT}. */
    record Stream(String from, String to, byte[] bytes) {

        boolean contains(String text) {
            return new String(bytes, StandardCharsets.ISO_8859_1).contains(text);
        }

        /**
         * Whether the stream begins with a TLS ClientHello (a handshake record whose first message is of type 1): a
         * connection opened by a TLS handshake, however much of the rest the capture saw.
         */
        boolean opensWithClientHello() {
            return bytes.length >= 6 && bytes[0] == 22 && bytes[1] == 3 && bytes[5] == 1;
        }

        /** The first bytes, printable ones as they are and the others as {@code .}. */
        String head(int length) {
            var text = new StringBuilder();
            for (int i = 0; i < Math.min(length, bytes.length); i++) {
                text.append(bytes[i] >= 0x20 && bytes[i] < 0x7f ? (char) bytes[i] : '.');
            }
            return text.toString();
        }

        /**
         * The TLS records the whole stream is made of, by content type (20 change_cipher_spec, 21 alert, 22 handshake,
         * 23 application_data), counted; empty when it is not TLS record after TLS record to its last byte.
         */
        Map<Integer, Integer> tlsRecords() {
            var records = new TreeMap<Integer, Integer>();
            int at = 0;
            while (at + 5 <= bytes.length) {
                int type = bytes[at] & 0xff;
                int major = bytes[at + 1] & 0xff;
                int minor = bytes[at + 2] & 0xff;
                int length = ((bytes[at + 3] & 0xff) << 8) | (bytes[at + 4] & 0xff);
                if (type < 20 || type > 23 || major != 3 || minor > 4 || length > (1 << 14) + 2048) {
                    return Map.of();
                }
                records.merge(type, 1, Integer::sum);
                at += 5 + length;
            }
            return at == bytes.length ? records : Map.of();
        }

        @Override
        public String toString() {
            return from + " -> " + to + ": " + bytes.length + " bytes, " + HexFormat.of().formatHex(bytes, 0, Math.min(16, bytes.length)) + "...";
        }
    }

    private final Process process;
    private final Writer stop;
    private final BufferedReader output;
    private int dropped;

    private WireCapture(Process process) {
        this.process = process;
        this.stop = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts capturing {@code port} on the pod's {@code eth0}, for at most {@code seconds}; returns once the socket is bound. */
    static WireCapture start(MeshLab lab, String ns, int port, int seconds) throws IOException {
        var capture = new WireCapture(lab.startPiped(ns, lab.dir.resolve("capture-" + ns + ".log"),
                List.of("/usr/bin/python3", "src/test/resources/mesh-e2e/tcp-capture.py", "eth0", Integer.toString(port), Integer.toString(seconds))));
        var first = capture.output.readLine();
        if (!"capturing".equals(first)) {
            throw new IOException("the capture in " + ns + " did not start: " + first);
        }
        return capture;
    }

    /** The frames the kernel dropped because the capture fell behind (known after {@link #stop}; -1 if it did not say). */
    int dropped() {
        return dropped;
    }

    /** Stops the capture and returns its streams, in the order their first segment was seen. */
    List<Stream> stop() throws IOException, InterruptedException {
        stop.write("stop\n");
        stop.flush();
        var segments = new LinkedHashMap<String, TreeMap<Long, byte[]>>();
        var first = new LinkedHashMap<String, Long>();
        // A later connection on the same addresses and ports (the source port used again) is another stream: each
        // SYN with a new initial sequence number starts the next generation of that pair.
        var synSeq = new HashMap<String, Long>();
        var generation = new HashMap<String, Integer>();
        var line = output.readLine();
        for (; line != null && !line.startsWith("end"); line = output.readLine()) {
            var words = line.split(" ");
            var pair = words[1] + " " + words[2];
            long seq = Long.parseLong(words[3]);
            if (words[0].equals("syn")) {
                if (synSeq.containsKey(pair) && synSeq.get(pair) != seq) {
                    generation.merge(pair, 1, Integer::sum);
                }
                synSeq.put(pair, seq);
                continue;
            }
            var key = pair + " " + generation.getOrDefault(pair, 0);
            long base = first.computeIfAbsent(key, k -> seq);
            // Relative to the first segment seen, modulo 2^32; a retransmission keeps the first copy.
            segments.computeIfAbsent(key, k -> new TreeMap<>()).putIfAbsent((seq - base) & 0xffffffffL, HexFormat.of().parseHex(words[4]));
        }
        dropped = line == null ? -1 : Integer.parseInt(line.substring("end ".length()));
        process.waitFor();
        var streams = new ArrayList<Stream>();
        segments.forEach((key, bySeq) -> {
            var bytes = new ByteArrayOutputStream();
            bySeq.forEach((offset, payload) -> {
                int skip = (int) Math.max(0, bytes.size() - offset); // an overlap with what is already there
                if (skip < payload.length) {
                    bytes.write(payload, skip, payload.length - skip);
                }
            });
            var ends = key.split(" ");
            streams.add(new Stream(ends[0], ends[1], bytes.toByteArray()));
        });
        return streams;
    }
}
