"""What tcpdump would show of one TCP port on one interface, read with a raw AF_PACKET socket (the mesh e2e's wire
capture, with nothing to install): the payload of each TCP segment to or from PORT, both directions.

Usage (as root, inside the pod's network namespace): python3 tcp-capture.py IFACE PORT MAX_SECONDS
Prints "capturing" once the socket is bound; stops when a line arrives on stdin (or stdin closes), after MAX_SECONDS,
or after 20,000 segments, and reads what the kernel queued before the stop; then prints one line per segment with a
payload, in capture order, "segment SRC_IP:SRC_PORT DST_IP:DST_PORT SEQ PAYLOAD_HEX", one per SYN (either side's),
"syn SRC_IP:SRC_PORT DST_IP:DST_PORT SEQ", and "end DROPPED", the number
of frames the kernel dropped because the socket's queue was full (PACKET_STATISTICS).
"""
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800

iface, port, max_seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
# A queue of 32 MB (root may go past net.core.rmem_max): on a busy machine this loop falls behind, and frames that do
# not fit the socket's queue are dropped, whole handshakes with them.
sock.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_RCVBUFFORCE", 33), 32 * 1024 * 1024)
sock.bind((iface, 0))
LIMIT = 20000
print("capturing", flush=True)

segments = []


def keep(frame):
    """Adds the frame's TCP payload to the segments if it is a segment to or from PORT with a payload."""
    if len(frame) < 34 or struct.unpack("!H", frame[12:14])[0] != ETH_P_IP:
        return
    ip = frame[14:]
    if ip[9] != socket.IPPROTO_TCP:
        return
    header = (ip[0] & 0x0F) * 4
    total = struct.unpack("!H", ip[2:4])[0]
    if total == 0 or total > len(ip):
        total = len(ip)  # a segment the stack merged (GRO/TSO) before the length was set
    tcp = ip[header:total]
    source_port, destination_port, seq = struct.unpack("!HHI", tcp[:8])
    if port not in (source_port, destination_port):
        return
    if tcp[13] & 0x02:  # SYN: a connection's start; a port used again by a later connection starts a new stream
        segments.append("syn %s:%d %s:%d %d" % (socket.inet_ntoa(ip[12:16]), source_port,
                                                socket.inet_ntoa(ip[16:20]), destination_port, seq))
    payload = tcp[(tcp[12] >> 4) * 4:]
    if payload:
        segments.append("segment %s:%d %s:%d %d %s" % (socket.inet_ntoa(ip[12:16]), source_port,
                                                       socket.inet_ntoa(ip[16:20]), destination_port, seq, payload.hex()))


deadline = time.monotonic() + max_seconds
while len(segments) < LIMIT:
    left = deadline - time.monotonic()
    if left <= 0:
        break
    ready, _, _ = select.select([sock, sys.stdin], [], [], left)
    if sock in ready:
        keep(sock.recv(262144))
    elif sys.stdin in ready:
        break

# What the kernel queued before the stop and this loop has not read yet (on a busy machine it falls seconds behind:
# the last connections would be missing) is read too, within a bound, since traffic may still be flowing.
sock.setblocking(False)
drain_until = time.monotonic() + 5
while len(segments) < LIMIT and time.monotonic() < drain_until:
    try:
        keep(sock.recv(262144))
    except BlockingIOError:
        break

SOL_PACKET, PACKET_STATISTICS = 263, 6
_, dropped = struct.unpack("II", sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
for line in segments:
    print(line)
print("end %d" % dropped, flush=True)
