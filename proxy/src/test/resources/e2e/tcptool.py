#!/usr/bin/python3
"""Test server and clients for the proxy's network-namespace tests (stdlib only, runs as any uid).

Protocol: the client's first line picks the mode.
  UP\n<bytes...><FIN>  -> server reads to EOF, answers "<peer-ip> <count> <sha256>\n", closes.
                          The answer comes only after the client's FIN, so it proves half-close.
  DOWN <n>\n           -> server sends n bytes of the test stream, then closes.
  SLOW <ms>\n          -> server waits ms, answers "ok\n", and reads the next SLOW line (keep-alive).

  tcptool.py serve HOST PORT          serve until killed (prints "ready" once listening); HOST may be IPv6
  tcptool.py up HOST PORT N           send N bytes, print "<peer-ip> <count> <sha256>" once verified
  tcptool.py down HOST PORT N         receive N bytes, verify them, print "ok <count> <sha256>"
  tcptool.py many HOST PORT N         N sequential UP connections of 16 bytes, print "ok N"
  tcptool.py load HOST PORT RATE SECS  UP connections of 200 bytes at RATE per second for SECS, print "ok N"
  tcptool.py drain HOST PORT CONNS MARKER
                                      CONNS keep-alive connections send SLOW 200 requests one after the
                                      other, and one thread opens a new connection every 20 ms, until the
                                      file MARKER exists (the test creates it when it stops the proxy);
                                      prints "running" once every connection answered, then
                                      "ok N lost L refused R after A": lost = sent on a connection, no answer
                                      (reset or closed); A = new connections answered after MARKER appeared
  tcptool.py get URL                  print the body of an HTTP GET
"""
import hashlib
import os
import threading
import random
import socket
import socketserver
import sys
import time
import urllib.request

# A block of prime length, so a dropped or repeated chunk shifts the pattern and changes the hash.
BLOCK = random.Random(7).randbytes(65521)
TIMEOUT = 60


def stream(n):
    sent = 0
    while sent < n:
        chunk = BLOCK[: min(len(BLOCK), n - sent)]
        sent += len(chunk)
        yield chunk


def expected_sha(n):
    digest = hashlib.sha256()
    for chunk in stream(n):
        digest.update(chunk)
    return digest.hexdigest()


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        self.request.settimeout(TIMEOUT)
        line = self.rfile.readline().decode().split()
        if line[:1] == ["UP"]:
            digest, count = hashlib.sha256(), 0
            while True:
                chunk = self.rfile.read1(1 << 16)
                if not chunk:
                    break
                digest.update(chunk)
                count += len(chunk)
            self.wfile.write(f"{self.client_address[0]} {count} {digest.hexdigest()}\n".encode())
        elif line[:1] == ["DOWN"]:
            for chunk in stream(int(line[1])):
                self.wfile.write(chunk)
        else:
            while line[:1] == ["SLOW"]:
                time.sleep(int(line[1]) / 1000)
                self.wfile.write(b"ok\n")
                line = self.rfile.readline().decode().split()


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 128


class Server6(Server):
    address_family = socket.AF_INET6


def connect(host, port):
    sock = socket.create_connection((host, int(port)), timeout=TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def read_all(sock):
    parts = []
    while True:
        chunk = sock.recv(1 << 16)
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)


def up(host, port, n):
    with connect(host, port) as sock:
        sock.sendall(b"UP\n")
        for chunk in stream(n):
            sock.sendall(chunk)
        sock.shutdown(socket.SHUT_WR)
        reply = read_all(sock).decode().split()
    if len(reply) != 3 or int(reply[1]) != n or reply[2] != expected_sha(n):
        sys.exit(f"bad reply {reply!r} for {n} bytes (want sha {expected_sha(n)})")
    return reply


def down(host, port, n):
    digest, count = hashlib.sha256(), 0
    with connect(host, port) as sock:
        sock.sendall(f"DOWN {n}\n".encode())
        while True:
            chunk = sock.recv(1 << 16)
            if not chunk:
                break
            digest.update(chunk)
            count += len(chunk)
    if count != n or digest.hexdigest() != expected_sha(n):
        sys.exit(f"received {count} bytes sha {digest.hexdigest()}, want {n} sha {expected_sha(n)}")
    return count, digest.hexdigest()


def drain(host, port, conns, marker):
    """Requests in flight when the proxy is told to stop must all be answered."""
    counts = {"ok": 0, "lost": 0, "refused": 0, "after": 0}
    lock = threading.Lock()
    answered_once = threading.Barrier(conns + 1)

    def count(key):
        with lock:
            counts[key] += 1

    def ask(sock, rfile, ms):
        sock.sendall(f"SLOW {ms}\n".encode())
        try:
            answer = rfile.readline()
        except OSError:
            answer = b""
        count("ok" if answer == b"ok\n" else "lost")
        return answer == b"ok\n"

    def keep_alive():
        with connect(host, port) as sock, sock.makefile("rb") as rfile:
            first = True
            while first or not os.path.exists(marker):
                if not ask(sock, rfile, 200):
                    break
                if first:
                    answered_once.wait()
                    first = False

    def new_connections():
        deadline = None
        while deadline is None or time.monotonic() < deadline:
            if deadline is None and os.path.exists(marker):
                deadline = time.monotonic() + 1
            try:
                sock = connect(host, port)
            except ConnectionRefusedError:
                count("refused")
            except OSError:
                count("lost")
            else:
                with sock, sock.makefile("rb") as rfile:
                    if ask(sock, rfile, 10) and deadline is not None:
                        count("after")
            time.sleep(0.02)

    threads = [threading.Thread(target=keep_alive) for _ in range(conns)]
    for thread in threads:
        thread.start()
    answered_once.wait()
    print("running", flush=True)
    threads.append(threading.Thread(target=new_connections))
    threads[-1].start()
    for thread in threads:
        thread.join()
    print(f"ok {counts['ok']} lost {counts['lost']} refused {counts['refused']} after {counts['after']}", flush=True)


def main(argv):
    mode = argv[1]
    if mode == "serve":
        with (Server6 if ":" in argv[2] else Server)((argv[2], int(argv[3])), Handler) as server:
            print("ready", flush=True)
            server.serve_forever()
    elif mode == "up":
        print(" ".join(up(argv[2], argv[3], int(argv[4]))))
    elif mode == "down":
        count, sha = down(argv[2], argv[3], int(argv[4]))
        print(f"ok {count} {sha}")
    elif mode == "many":
        for _ in range(int(argv[4])):
            up(argv[2], argv[3], 16)
        print(f"ok {argv[4]}")
    elif mode == "load":
        rate, seconds = int(argv[4]), float(argv[5])
        start, sent = time.monotonic(), 0
        while (elapsed := time.monotonic() - start) < seconds:
            while sent < int(elapsed * rate):
                up(argv[2], argv[3], 200)
                sent += 1
            time.sleep(0.001)
        print(f"ok {sent}")
    elif mode == "drain":
        drain(argv[2], argv[3], int(argv[4]), argv[5])
    elif mode == "get":
        with urllib.request.urlopen(argv[2], timeout=10) as response:
            sys.stdout.write(response.read().decode())
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    try:
        main(sys.argv)
    except OSError as error:
        sys.exit(f"{type(error).__name__}: {error}")
