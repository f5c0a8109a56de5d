#!/usr/bin/python3
"""Proxy benchmark: our sidecar proxy against HAProxy and nginx, through real interception.

Called by bench/proxy/run.sh (which checks root, installs packages and builds the jar). Layout:
a "client" network namespace and a "pod" namespace joined by a veth pair; the pod gets the real
`sidecar-proxy init` rules. Inbound: wrk in the client namespace -> pod IP:8080 -> 15006 -> peer ->
app nginx on the pod IP (source 127.0.0.6). Outbound: wrk as uid 1000 in the pod -> client IP:8080
-> 15001 -> peer -> remote nginx. Load generator and servers run on CPU 0, the peer on CPU 1.

Environment: BENCH_QUICK=1 (smoke run), BENCH_OUT (results folder), BENCH_PEERS, BENCH_PATHS
(comma lists), BENCH_SECONDS (per measurement), BENCH_PROXY_JAVA_OPTS (extra JVM flags for ours),
SIDECAR_PROXY_JAR, JAVA_HOME.
"""
import csv
import datetime
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
QUICK = os.environ.get("BENCH_QUICK") == "1"
JAVA_HOME = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
JAR = os.environ.get("SIDECAR_PROXY_JAR", os.path.join(REPO, "proxy/target/sidecar-proxy.jar"))
ALL_PEERS = ["direct", "ours", "haproxy-tcp", "haproxy-http", "nginx-stream"]
# HAProxy: BENCH_HAPROXY (another build, e.g. from source when the Debian mirror is unreachable), else the one on PATH.
HAPROXY_BIN = os.environ.get("BENCH_HAPROXY") or shutil.which("haproxy") or "/usr/sbin/haproxy"
PEERS = os.environ.get("BENCH_PEERS", "direct,ours,haproxy-tcp" if QUICK else ",".join(ALL_PEERS)).split(",")
PATHS = os.environ.get("BENCH_PATHS", "inbound" if QUICK else "inbound,outbound").split(",")
SECONDS = int(os.environ.get("BENCH_SECONDS", "1" if QUICK else "5"))
FIXED_SECONDS = 1 if QUICK else 6
FIXED_RATE = 1000
# Keep-alive CPU per 1k requests is the median of this many c50 runs: one run's figure moves by up to 10 %.
KEEPALIVE_RUNS = 1 if QUICK else 3
KEEPALIVE_SECONDS = SECONDS if QUICK else 4
RETRIES = 0 if QUICK else 2
BUDGET_SECONDS = 90 if QUICK else 330  # no retries once the run is this old
QUIET_WAIT = 0 if QUICK else 300  # before the first measurement; before each one: 10 s quick, 60 s full
DISTURBED = 0.10  # CPU-seconds per second used by processes outside the run
APP_UID, PROXY_UID = 1000, 1337
APP_CPU, PROXY_CPU = "0", "1"
BODY = b"x" * 127 + b"\n"  # a small static body
HZ = os.sysconf("SC_CLK_TCK")
CLIENT_CLASS = os.path.join(tempfile.gettempdir(), f"proxy-bench-client-{os.getpid()}", "FixedRate.class")
STARTED = time.monotonic()
MEASURING = [STARTED]  # when the measurements began (after the wait for a quiet machine)


def log(message):
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def sh(*argv, check=True, capture=True, timeout=120):
    result = subprocess.run(argv, capture_output=capture, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {result.returncode}: {result.stderr}{result.stdout}")
    return result


# ---------------------------------------------------------------- machine watch

def proc_ticks():
    """utime+stime of every user-space process, by pid (kernel threads excluded)."""
    ticks = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[1] == "2" or pid == "2":  # children of kthreadd
            continue
        ticks[int(pid)] = (stat[stat.index("(") + 1:stat.rindex(")")], int(fields[11]) + int(fields[12]))
    return ticks


def others_cpu(before, after, ours):
    """CPU-seconds used between two snapshots by processes that are not part of the run, and the top one."""
    used = {}
    for pid, (name, ticks) in after.items():
        if pid in ours or pid == os.getpid():
            continue
        if pid not in before:
            continue  # started during the run: short-lived helpers are ours (ss, taskset)
        delta = ticks - before[pid][1]
        if delta > 0:
            used[name] = used.get(name, 0) + delta
    total = sum(used.values()) / HZ
    top = max(used.items(), key=lambda kv: kv[1], default=("-", 0))
    return total, f"{top[0]} {top[1] / HZ:.2f}s"


def foreign_load():
    """A reason to wait: another benchmark tool running, or a busy load average."""
    mine = {p.pid for p in Lab.processes}
    for tool in ("wrk", "h2load"):
        pids = [int(p) for p in sh("pgrep", "-x", tool, check=False).stdout.split()]
        if [p for p in pids if p not in mine]:
            return f"another {tool} is running"
    if sh("pgrep", "-f", "jmh", check=False).stdout.split():
        return "a JMH run is going on"
    return None


def busy_share(seconds=2.0):
    """Share of one CPU the whole machine kept busy (user, nice, system) over the next few seconds."""
    def busy():
        with open("/proc/stat") as f:
            fields = f.readline().split()
        return int(fields[1]) + int(fields[2]) + int(fields[3])
    before = busy()
    time.sleep(seconds)
    return (busy() - before) / HZ / seconds


def wait_for_quiet():
    # Busy time, not the load average: the load average still remembers a section that ended a minute ago.
    deadline = time.monotonic() + QUIET_WAIT
    while True:
        share = busy_share()
        reason = foreign_load() or (f"{share:.0%} of a core busy" if share > DISTURBED else None)
        if reason is None:
            log(f"machine quiet ({share:.0%} of a core busy over 2 s)")
            return None
        if time.monotonic() > deadline:
            log(f"still busy after {QUIET_WAIT}s ({reason}); going on, results will show the disturbance")
            return reason
        log(f"waiting for a quiet machine: {reason}")
        time.sleep(10)


# ---------------------------------------------------------------- the lab

class Lab:
    processes = []

    def __init__(self):
        suffix = f"{os.getpid() % 100000:05d}{random.randrange(100):02d}"
        self.pod, self.cli = f"pbp{suffix}", f"pbc{suffix}"
        self.vpod, self.vcli = f"vpp{suffix}", f"vpc{suffix}"
        net = 200 + os.getpid() % 50
        self.pod_ip, self.cli_ip = f"10.251.{net}.2", f"10.251.{net}.1"
        self.work = tempfile.mkdtemp(prefix="proxy-bench-")
        os.chmod(self.work, 0o777)  # peers (uid 1337) and the app (uid 1000) write pid files and logs here

    def setup(self):
        for ns in (self.pod, self.cli):
            sh("ip", "netns", "add", ns)
        sh("ip", "link", "add", self.vpod, "type", "veth", "peer", "name", self.vcli)
        sh("ip", "link", "set", self.vpod, "netns", self.pod)
        sh("ip", "link", "set", self.vcli, "netns", self.cli)
        sh("ip", "-n", self.pod, "addr", "add", f"{self.pod_ip}/24", "dev", self.vpod)
        sh("ip", "-n", self.cli, "addr", "add", f"{self.cli_ip}/24", "dev", self.vcli)
        for ns, dev in ((self.pod, self.vpod), (self.cli, self.vcli)):
            sh("ip", "-n", ns, "link", "set", "lo", "up")
            sh("ip", "-n", ns, "link", "set", dev, "up")
            # Thousands of short connections a second: reuse TIME_WAIT ports, use the whole range.
            self.ns(ns, "sysctl", "-qw", "net.ipv4.tcp_tw_reuse=1")
            self.ns(ns, "sysctl", "-qw", "net.ipv4.ip_local_port_range=1024 65000")
            self.ns(ns, "sysctl", "-qw", "net.core.somaxconn=4096")
        shutil.copy(JAR, os.path.join(self.work, "sidecar-proxy.jar"))
        shutil.copy(os.path.join(REPO, "proxy/bin/sidecar-proxy"), os.path.join(self.work, "sidecar-proxy"))
        if not os.path.exists(CLIENT_CLASS):
            os.makedirs(os.path.dirname(CLIENT_CLASS), exist_ok=True)
            sh(f"{JAVA_HOME}/bin/javac", "-d", os.path.dirname(CLIENT_CLASS), os.path.join(HERE, "..", "tools", "FixedRate.java"))
        shutil.copy(CLIENT_CLASS, self.work)
        for root, dirs, files in os.walk(self.work):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o777)
            for f in files:
                os.chmod(os.path.join(root, f), 0o755)

    def ns(self, ns, *argv, check=True):
        return sh("ip", "netns", "exec", ns, *argv, check=check)

    def start(self, ns, name, argv, cpu, uid=0, env=None):
        """Starts a long-running process in a namespace, pinned to a CPU, as a uid; output to WORK/name.log."""
        cmd = ["ip", "netns", "exec", ns, "taskset", "-c", cpu]
        if uid:
            cmd += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
        if env:
            cmd += ["env"] + [f"{k}={v}" for k, v in env.items()]
        out = open(os.path.join(self.work, f"{name}.log"), "ab")
        process = subprocess.Popen(cmd + argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        Lab.processes.append(process)
        return process

    def stop(self, process, timeout=10):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                log(f"  pid {process.pid} still running {timeout}s after SIGTERM: killing it")
                process.kill()
                try:
                    process.wait(60)
                except subprocess.TimeoutExpired:
                    log(f"  pid {process.pid} survived SIGKILL for 60s; the namespace clean-up will retry")
        Lab.processes.remove(process)

    def listening(self, ns, port):
        return f":{port} " in self.ns(ns, "ss", "-Hltn", f"sport = :{port}").stdout + " "

    def wait_listening(self, ns, ports, process, what):
        deadline = time.monotonic() + 30
        while not all(self.listening(ns, p) for p in ports):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start: {open(os.path.join(self.work, what + '.log')).read()[-2000:]}")
            time.sleep(0.05)

    def close(self):
        for process in list(Lab.processes):
            try:
                self.stop(process, timeout=3)
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
        for ns in (self.pod, self.cli):
            pids = sh("ip", "netns", "pids", ns, check=False).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except OSError:
                    pass
            sh("ip", "netns", "del", ns, check=False)
        shutil.rmtree(self.work, ignore_errors=True)


# ---------------------------------------------------------------- servers and peers

def nginx_app(lab, ns, ip, name, uid):
    prefix = os.path.join(lab.work, name)
    os.makedirs(os.path.join(prefix, "www"), exist_ok=True)
    with open(os.path.join(prefix, "www", "index.html"), "wb") as f:
        f.write(BODY)
    conf = os.path.join(prefix, "nginx.conf")
    temp = " ".join(f"{k}_temp_path {prefix}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    with open(conf, "w") as f:
        f.write(f"""daemon off; master_process off; worker_processes 1;
pid {prefix}/nginx.pid; error_log stderr warn;
events {{ worker_connections 16384; }}
http {{
  access_log off; keepalive_requests 10000000; keepalive_timeout 300s; {temp}
  server {{ listen {ip}:8080 backlog=4096; location / {{ root {prefix}/www; }} }}
}}
""")
    sh("chmod", "-R", "a+rwX", prefix)
    process = lab.start(ns, name, ["/usr/sbin/nginx", "-p", prefix, "-c", conf, "-e", "stderr"], APP_CPU, uid)
    lab.wait_listening(ns, [8080], process, name)
    return process


def peer_argv(lab, peer):
    """Command line of a peer, listening on 15006 (inbound) and 15001 (outbound)."""
    if peer == "ours":
        return [os.path.join(lab.work, "sidecar-proxy"), "run", "--drain-seconds", "1"]
    conf = os.path.join(lab.work, f"{peer}.conf")
    if peer.startswith("haproxy"):
        mode = peer.split("-")[1]
        # server 0.0.0.0 without a port: HAProxy forwards to the original destination (SO_ORIGINAL_DST).
        text = f"""global
  maxconn 9000
  nbthread 1
defaults
  mode {mode}
  timeout connect 10s
  timeout client 1h
  timeout server 1h
frontend inbound
  bind 0.0.0.0:15006
  default_backend inbound
backend inbound
  source 127.0.0.6
  server app 0.0.0.0
frontend outbound
  bind 0.0.0.0:15001
  default_backend outbound
backend outbound
  server remote 0.0.0.0
"""
        argv = [HAPROXY_BIN, "-db", "-f", conf]
    else:
        # nginx stream cannot read SO_ORIGINAL_DST: each listener has a fixed upstream.
        text = f"""load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon off; master_process off; worker_processes 1;
pid {lab.work}/{peer}.pid; error_log stderr warn;
events {{ worker_connections 18000; }}
stream {{
  server {{ listen 15006 backlog=4096; proxy_pass {lab.pod_ip}:8080; proxy_bind 127.0.0.6; }}
  server {{ listen 15001 backlog=4096; proxy_pass {lab.cli_ip}:8080; }}
}}
"""
        argv = ["/usr/sbin/nginx", "-p", lab.work, "-c", conf, "-e", "stderr"]
    with open(conf, "w") as f:
        f.write(text)
    os.chmod(conf, 0o644)
    return argv


def start_peer(lab, peer):
    env = {"JAVA_HOME": JAVA_HOME}
    if peer == "ours":
        env["SIDECAR_PROXY_JAVA_OPTS"] = os.environ.get("BENCH_PROXY_JAVA_OPTS", "")
    process = lab.start(lab.pod, peer, peer_argv(lab, peer), PROXY_CPU, PROXY_UID, env)
    lab.wait_listening(lab.pod, [15006, 15001], process, peer)
    return process


def scrape_admin(lab):
    lab.ns(lab.pod, "/usr/bin/python3", "-c", "import urllib.request\n"
           "for i in range(5):\n"
           " for url in ('http://127.0.0.1:15021/healthz/ready', 'http://127.0.0.1:15090/stats/prometheus'):\n"
           "  urllib.request.urlopen(url, timeout=5).read()")


def set_rules(lab, peer):
    if peer == "direct":
        # Deleting the table (not flushing it) takes the nat hooks out of the path.
        if "table ip nat" in lab.ns(lab.pod, "nft", "list", "tables").stdout:
            lab.ns(lab.pod, "nft", "delete", "table", "ip", "nat")
    elif "ISTIO_OUTPUT" not in lab.ns(lab.pod, "iptables-save", "-t", "nat").stdout:
        lab.ns(lab.pod, "env", f"JAVA_HOME={JAVA_HOME}", os.path.join(lab.work, "sidecar-proxy"), "init")


# ---------------------------------------------------------------- measurements

UNITS = {"us": 1, "ms": 1e3, "s": 1e6}


def wrk(lab, path, connections, seconds, extra=()):
    ns, uid, host = (lab.cli, 0, lab.pod_ip) if path == "inbound" else (lab.pod, APP_UID, lab.cli_ip)
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, f"http://{host}:8080/"]
    cmd = ["ip", "netns", "exec", ns, "taskset", "-c", APP_CPU]
    if uid:
        cmd += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
    process = subprocess.Popen(cmd + argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    Lab.processes.append(process)
    out, _ = process.communicate(timeout=seconds + 60)
    Lab.processes.remove(process)
    m = re.search(r"(\d+) requests in", out)
    if not m:
        raise RuntimeError(f"wrk output not understood:\n{out}")
    result = {"requests": int(m.group(1)), "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct, key in (("50", "p50_us"), ("99", "p99_us")):
        lat = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not lat:
            raise RuntimeError(f"wrk printed no latency distribution:\n{out}")
        result[key] = float(lat.group(1)) * UNITS[lat.group(2)]
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["errors"] = (sum(int(g) for g in errors.groups()) if errors else 0) + (int(non2xx.group(1)) if non2xx else 0)
    return result


def fixed_rate(lab, path, seconds, extra=()):
    """The fixed-rate client (bench/tools/FixedRate.java) as a process; extra: its options, e.g. --header."""
    ns, uid, host = (lab.cli, 0, lab.pod_ip) if path == "inbound" else (lab.pod, APP_UID, lab.cli_ip)
    cmd = ["ip", "netns", "exec", ns, "taskset", "-c", APP_CPU]
    if uid:
        cmd += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
    cmd += [f"{JAVA_HOME}/bin/java", "-XX:+UseSerialGC", "-Xmx64m", "-cp", lab.work, "FixedRate", *extra,
            host, "8080", str(FIXED_RATE), str(seconds), "16", "1"]
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    Lab.processes.append(process)
    return process


def fixed_rate_result(process, seconds):
    out, _ = process.communicate(timeout=seconds + 60)
    Lab.processes.remove(process)
    fields = dict(kv.split("=") for kv in out.split() if "=" in kv)
    if "p50_us" not in fields:
        raise RuntimeError(f"fixed-rate client failed:\n{out}")
    return {k: float(v) for k, v in fields.items()}


def launcher_flags():
    """The JVM flags of proxy/bin/sidecar-proxy: every flag on its flag lines (those starting with -), comments cut."""
    flags = []
    with open(os.path.join(REPO, "proxy/bin/sidecar-proxy")) as f:
        for line in f:
            if line.lstrip().startswith("-"):
                flags += [t for t in line.split("#", 1)[0].split() if t.startswith("-")]
    return flags


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def memory(pid):
    """RSS and PSS in MB (smaps_rollup; PSS splits shared pages such as libjvm and the CDS archive)."""
    values = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if parts[0] in ("Rss:", "Pss:"):
                values[parts[0][:-1].lower()] = int(parts[1]) / 1024
    return values


def app_pids(lab):
    return {p.pid for p in Lab.processes}


def measured(lab, pid, what, run):
    """Runs one measurement, with the peer's CPU use and other load on the machine; repeats disturbed runs.
    pid: the peer's process, or a tuple of processes whose CPU is added (a client and a server proxy)."""
    pids = set(pid) if isinstance(pid, tuple) else ({pid} if pid else set())
    best = None
    for attempt in range(RETRIES + 1):
        reason = foreign_load()
        waited = 0
        while reason and waited < (10 if QUICK else 60):
            log(f"  {what}: waiting, {reason}")
            time.sleep(5)
            waited += 5
            reason = foreign_load()
        before_all, before = proc_ticks(), sum(cpu_ticks(p) for p in pids)
        started = time.monotonic()
        result = run()
        elapsed = time.monotonic() - started
        result["proxy_cpu_s"] = (sum(cpu_ticks(p) for p in pids) - before) / HZ
        other, top = others_cpu(before_all, proc_ticks(), app_pids(lab) | pids)
        result["others_cpu_per_s"] = other / elapsed
        result["others_top"] = top
        result["disturbed"] = result["others_cpu_per_s"] > DISTURBED or bool(reason)
        if best is None or result["others_cpu_per_s"] < best["others_cpu_per_s"]:
            best = result
        if not result["disturbed"]:
            break
        if time.monotonic() - MEASURING[0] > BUDGET_SECONDS or attempt == RETRIES:
            log(f"  {what}: disturbed ({top}, {result['others_cpu_per_s']:.2f} CPU/s), kept as flagged")
            break
        log(f"  {what}: disturbed ({top}, {result['others_cpu_per_s']:.2f} CPU/s), repeating")
    best["attempts"] = attempt + 1
    return best


def bench_peer(lab, path, peer):
    set_rules(lab, peer)
    process = start_peer(lab, peer) if peer != "direct" else None
    pid = process.pid if process else None
    row = {"path": path, "peer": peer}
    try:
        if pid and peer == "ours":
            with open(f"/proc/{pid}/comm") as f:
                assert f.read().strip() == "java", "expected the launcher to exec java"
        if peer == "ours":
            # As in a pod: the kubelet probes readiness and Prometheus scrapes before and during the
            # load; the first answers load the admin code, which belongs in the footprint.
            scrape_admin(lab)
        if pid:
            row["rss_idle_mb"] = memory(pid)["rss"]

        # 1. Fixed rate first, on a fresh peer: RSS at 1,000 req/s is not inflated by the c50 runs.
        def fixed():
            client = fixed_rate(lab, path, FIXED_SECONDS)
            samples = []
            while client.poll() is None:
                if pid:
                    samples.append(memory(pid))
                time.sleep(0.25)
            result = fixed_rate_result(client, FIXED_SECONDS)
            if samples:
                result["rss_1k_mb"] = max(s["rss"] for s in samples)
                result["pss_1k_mb"] = samples[-1]["pss"]
            return result
        r = measured(lab, pid, f"{path}/{peer} fixed {FIXED_RATE}/s", fixed)
        row.update({"fixed_p50_us": r["p50_us"], "fixed_p99_us": r["p99_us"], "fixed_p999_us": r["p999_us"],
                    "fixed_max_us": r["max_us"], "fixed_errors": r["errors"], "rss_1k_mb": r.get("rss_1k_mb"),
                    "pss_1k_mb": r.get("pss_1k_mb"),
                    "cpu_per_1k_fixed": r["proxy_cpu_s"] / (r["requests"] + FIXED_RATE) * 1000 if pid else None})
        flags = [f"fixed:{r['others_top']}"] if r["disturbed"] else []
        log(f"  {path}/{peer}: {FIXED_RATE}/s p50 {r['p50_us']:.0f} us, p99 {r['p99_us']:.0f} us"
            + (f", RSS {r['rss_1k_mb']:.1f} MB, PSS {r['pss_1k_mb']:.1f} MB" if pid else ""))

        # 2. Latency at concurrency 1 (closed loop: one request at a time, no omission to coordinate).
        r = measured(lab, pid, f"{path}/{peer} c1", lambda: wrk(lab, path, 1, SECONDS))
        row.update({"c1_p50_us": r["p50_us"], "c1_p99_us": r["p99_us"], "c1_rps": r["rps"]})
        flags += [f"c1:{r['others_top']}"] if r["disturbed"] else []
        log(f"  {path}/{peer}: c1 p50 {r['p50_us']:.0f} us, p99 {r['p99_us']:.0f} us")

        # 3. Keep-alive throughput at concurrency 50, and the peer's CPU per 1,000 requests there: the
        #    median of KEEPALIVE_RUNS runs, with the lowest and highest beside it.
        wrk(lab, path, 50, 1 if QUICK else 2)  # warm-up
        runs = []
        for i in range(KEEPALIVE_RUNS):
            r = measured(lab, pid, f"{path}/{peer} c50 ({i + 1}/{KEEPALIVE_RUNS})",
                         lambda: wrk(lab, path, 50, KEEPALIVE_SECONDS))
            runs.append(r)
            flags += [f"c50:{r['others_top']}"] if r["disturbed"] else []
        middle = KEEPALIVE_RUNS // 2
        cpu = sorted(r["proxy_cpu_s"] / r["requests"] * 1000 for r in runs) if pid else None
        row.update({"c50_rps": sorted(r["rps"] for r in runs)[middle], "c50_errors": sum(r["errors"] for r in runs),
                    "cpu_per_1k": cpu[middle] if cpu else None,
                    "cpu_per_1k_min": cpu[0] if cpu else None, "cpu_per_1k_max": cpu[-1] if cpu else None})
        log(f"  {path}/{peer}: c50 {row['c50_rps']:.0f} req/s"
            + (f", {row['cpu_per_1k']:.4f} CPU-s per 1k (runs {', '.join(f'{c:.4f}' for c in cpu)})" if pid else ""))

        # 4. A new connection per request (Connection: close), concurrency 50.
        r = measured(lab, pid, f"{path}/{peer} new connections",
                     lambda: wrk(lab, path, 50, SECONDS, ("-H", "Connection: close")))
        row.update({"conn_per_s": r["rps"], "conn_errors": r["errors"],
                    "cpu_per_1k_conn": r["proxy_cpu_s"] / r["requests"] * 1000 if pid else None})
        flags += [f"conn:{r['others_top']}"] if r["disturbed"] else []
        log(f"  {path}/{peer}: {r['rps']:.0f} new connections/s"
            + (f", {row['cpu_per_1k_conn']:.3f} CPU-s per 1k" if pid else ""))
        if pid:
            row["rss_peak_mb"] = memory(pid)["rss"]
        row["disturbed"] = "; ".join(flags)
    finally:
        if process:
            lab.stop(process)
            time.sleep(0.5)
    return row


# ---------------------------------------------------------------- report

COLUMNS = ["path", "peer", "c50_rps", "cpu_per_1k", "cpu_per_1k_min", "cpu_per_1k_max", "c1_p50_us", "c1_p99_us", "added_p50_us", "added_p99_us",
           "conn_per_s", "cpu_per_1k_conn", "fixed_p50_us", "fixed_p99_us", "fixed_p999_us", "fixed_max_us",
           "cpu_per_1k_fixed", "rss_idle_mb", "rss_1k_mb", "pss_1k_mb", "rss_peak_mb", "c50_errors", "conn_errors",
           "fixed_errors", "disturbed"]


def versions():
    def first(*argv):
        try:
            r = sh(*argv, check=False)
        except FileNotFoundError:  # a peer this section does not use (haproxy for the policy section)
            return "not installed"
        return (r.stdout + r.stderr).strip().splitlines()[0] if (r.stdout + r.stderr).strip() else "?"
    return {
        "kernel": platform.release(),
        "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
        "cpus": str(os.cpu_count()),
        "java": first(f"{JAVA_HOME}/bin/java", "-version"),
        "haproxy": first(HAPROXY_BIN, "-v") + (f" ({HAPROXY_BIN}, BENCH_HAPROXY)" if os.environ.get("BENCH_HAPROXY") else ""),
        "nginx": first("nginx", "-v"),
        "wrk": first("wrk", "--version"),
        "iptables": first("iptables", "--version"),
        "proxy launcher JVM flags": " ".join(launcher_flags())
        + (" " + os.environ.get("BENCH_PROXY_JAVA_OPTS", "")).rstrip(),
    }


def fmt(value, digits=0):
    if value is None or value == "":
        return "-"
    return f"{value:,.{digits}f}"


def ratio(value, base, digits=2):
    if value is None or not base:
        return ""
    return f" ({value / base:.{digits}f}x)"


def add_derived(rows):
    for path in PATHS:
        direct = next((r for r in rows if r["path"] == path and r["peer"] == "direct"), None)
        for r in rows:
            if r["path"] == path and direct and r["peer"] != "direct":
                r["added_p50_us"] = r["c1_p50_us"] - direct["c1_p50_us"]
                r["added_p99_us"] = r["c1_p99_us"] - direct["c1_p99_us"]


def verdicts(rows):
    lines = []
    for path in PATHS:
        ours = next((r for r in rows if r["path"] == path and r["peer"] == "ours"), None)
        ha = next((r for r in rows if r["path"] == path and r["peer"] == "haproxy-tcp"), None)
        if not ours or not ha:
            continue
        checks = [
            ("CPU-s per 1k requests (c50 keep-alive)", ours["cpu_per_1k"], ha["cpu_per_1k"], "<=", 1.0, 4),
            ("added p50 at c1 (us)", ours.get("added_p50_us"), ha.get("added_p50_us"), "<=", 1.0, 0),
            ("new connections/s", ours["conn_per_s"], ha["conn_per_s"], ">=", 1.0, 0),
        ]
        for name, mine, theirs, op, target, digits in checks:
            if mine is None or not theirs:
                continue
            r = mine / theirs
            ok = r <= target if op == "<=" else r >= target
            lines.append(f"| {path} | {name} | {fmt(mine, digits)} | {fmt(theirs, digits)} | {r:.2f}x | {op} {target}x | "
                         f"{'met' if ok else 'MISSED'} |")
        rss = ours.get("rss_1k_mb")
        lines.append(f"| {path} | RSS at {FIXED_RATE} req/s (MB) | {fmt(rss, 1)} | {fmt(ha.get('rss_1k_mb'), 1)} | "
                     f"{ratio(rss, ha.get('rss_1k_mb')).strip(' ()')} | <= 48 MB | {'met' if rss and rss <= 48 else 'MISSED'} |")
    return lines


def markdown(rows, info, quiet, command):
    out = [f"# Proxy benchmark ({'quick smoke run' if QUICK else 'full run'})", "",
           f"Run {info['date']} by `{command}` ({info['duration']}). Generated by `bench/proxy/bench.py`; "
           "method in `docs/benchmarks-proxy.md`.", ""]
    if quiet:
        out += [f"**Machine busy at the start**: {quiet}.", ""]
    out += ["## Targets (ours against HAProxy TCP in this run)", "",
            "| path | figure | ours | HAProxy TCP | ratio | target | |", "| --- | --- | --- | --- | --- | --- | --- |"]
    out += verdicts(rows)
    for path in PATHS:
        prs = [r for r in rows if r["path"] == path]
        ha = next((r for r in prs if r["peer"] == "haproxy-tcp"), {})
        out += ["", f"## {path.capitalize()} path", "",
                "Ratios are against HAProxy TCP. c50 throughput saturates CPU 0 (load generator and app) "
                "whatever the peer: it is reported, not judged. "
                + (f"CPU-s / 1k req (c50) is the median of {KEEPALIVE_RUNS} runs of {KEEPALIVE_SECONDS} s, "
                   "the lowest and highest in brackets." if KEEPALIVE_RUNS > 1 else ""), "",
                "| peer | c50 req/s | CPU-s / 1k req (c50) | c1 p50 us | c1 p99 us | added p50 | added p99 | "
                "new conn/s | CPU-s / 1k conn | RSS at 1k/s MB | PSS MB | RSS peak MB |",
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for r in prs:
            out.append("| " + " | ".join([
                r["peer"], fmt(r["c50_rps"]),
                fmt(r.get("cpu_per_1k"), 4) + ratio(r.get("cpu_per_1k"), ha.get("cpu_per_1k"))
                + (f" [{fmt(r.get('cpu_per_1k_min'), 4)}-{fmt(r.get('cpu_per_1k_max'), 4)}]" if KEEPALIVE_RUNS > 1 and r.get("cpu_per_1k") else ""),
                fmt(r["c1_p50_us"]), fmt(r["c1_p99_us"]),
                fmt(r.get("added_p50_us")) + ratio(r.get("added_p50_us"), ha.get("added_p50_us")),
                fmt(r.get("added_p99_us")),
                fmt(r["conn_per_s"]) + ratio(r["conn_per_s"], ha.get("conn_per_s")),
                fmt(r.get("cpu_per_1k_conn"), 3) + ratio(r.get("cpu_per_1k_conn"), ha.get("cpu_per_1k_conn")),
                fmt(r.get("rss_1k_mb"), 1) + ratio(r.get("rss_1k_mb"), ha.get("rss_1k_mb"), 1),
                fmt(r.get("pss_1k_mb"), 1), fmt(r.get("rss_peak_mb"), 1)]) + " |")
        out += ["", f"Fixed rate {FIXED_RATE} req/s, 16 keep-alive connections, latency from the intended send time "
                "(coordinated-omission safe):", "",
                "| peer | p50 us | p99 us | p99.9 us | max us | CPU-s / 1k req | errors |", "| --- | --- | --- | --- | --- | --- | --- |"]
        for r in prs:
            out.append(f"| {r['peer']} | {fmt(r['fixed_p50_us'])} | {fmt(r['fixed_p99_us'])} | {fmt(r['fixed_p999_us'])} | "
                       f"{fmt(r['fixed_max_us'])} | {fmt(r.get('cpu_per_1k_fixed'), 3)} | {r['fixed_errors']:.0f} |")
    flagged = [r for r in rows if r.get("disturbed")]
    out += ["", "## Disturbance", ""]
    if flagged:
        out += ["Measurements during which other processes used more than "
                f"{DISTURBED:.2f} CPU-s per second (repeated up to {RETRIES} times while the run was under "
                f"{BUDGET_SECONDS} s, the least disturbed attempt kept; the busiest other process and its CPU-s "
                "during the measurement):", ""]
        out += [f"- {r['path']}/{r['peer']}: {r['disturbed']}" for r in flagged]
    else:
        out += [f"No measurement saw other processes use more than {DISTURBED:.2f} CPU-s per second."]
    out += ["", "## Machine and versions", ""] + [f"- {k}: {v}" for k, v in info.items() if k not in ("date", "duration")]
    out += ["", "## Command lines", "",
            f"- inbound load: `ip netns exec CLIENT taskset -c 0 wrk -t1 -cN -d{SECONDS:g}s --latency http://POD_IP:8080/`",
            f"- outbound load: `ip netns exec POD taskset -c 0 setpriv --reuid=1000 ... wrk ... http://CLIENT_IP:8080/`",
            "- new connections: the same with `-c50 -H 'Connection: close'`",
            f"- fixed rate: `java FixedRate HOST 8080 {FIXED_RATE} {FIXED_SECONDS} 16 1` (bench/tools/FixedRate.java)",
            "- peers: `taskset -c 1 setpriv --reuid=1337 --regid=1337 --clear-groups` + `sidecar-proxy run`, "
            "`haproxy -db -f CONF`, `nginx -c CONF`; configurations in `bench/proxy/bench.py` (`peer_argv`)",
            "- app: nginx 1 worker on CPU 0 as uid 1000, static 128-byte body; rules: `sidecar-proxy init` "
            "(direct: `nft delete table ip nat`)"]
    return "\n".join(out) + "\n"


def svg(rows):
    """Four small bar charts (the judged figures), one bar per peer and path."""
    charts = [("CPU-s per 1k requests (c50)", "cpu_per_1k", 3), ("added p50 latency at c1 (us)", "added_p50_us", 0),
              ("new connections per second", "conn_per_s", 0), (f"RSS at {FIXED_RATE} req/s (MB)", "rss_1k_mb", 1)]
    peers = [p for p in PEERS if p != "direct"]
    colors = {"inbound": "#4c78a8", "outbound": "#f58518"}
    width, chart_h, bar_h = 640, 40 + 24 * len(peers) * len(PATHS), 10
    parts = []
    y0 = 30
    for title, key, digits in charts:
        values = [r.get(key) or 0 for r in rows if r["peer"] != "direct"]
        top = max(values, default=1) or 1
        parts.append(f'<text x="10" y="{y0}" font-weight="bold">{title}</text>')
        y = y0 + 12
        for peer in peers:
            parts.append(f'<text x="10" y="{y + 2 * bar_h - 4}">{peer}</text>')
            for path in PATHS:
                r = next((r for r in rows if r["path"] == path and r["peer"] == peer), None)
                v = (r or {}).get(key) or 0
                w = max(0, 380 * v / top)
                parts.append(f'<rect x="120" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colors[path]}"/>')
                parts.append(f'<text x="{125 + w:.1f}" y="{y + bar_h - 1}" font-size="10">{v:,.{digits}f}</text>')
                y += bar_h + 1
            y += 4
        y0 = y + 24
    legend = " ".join(f'<rect x="{400 + 90 * i}" y="8" width="10" height="10" fill="{c}"/>'
                      f'<text x="{414 + 90 * i}" y="17">{p}</text>' for i, (p, c) in enumerate(colors.items()) if p in PATHS)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y0}" font-family="sans-serif" '
            f'font-size="12">{legend}{"".join(parts)}</svg>\n')


def main():
    out_dir = os.environ.get("BENCH_OUT") or (tempfile.mkdtemp(prefix="proxy-bench-quick-") if QUICK
                                              else os.path.join(REPO, "bench/results"))
    os.makedirs(out_dir, exist_ok=True)
    log(f"proxy bench: peers {', '.join(PEERS)}; paths {', '.join(PATHS)}; {SECONDS:g}s per measurement"
        + (" (quick)" if QUICK else ""))
    quiet = wait_for_quiet()
    MEASURING[0] = time.monotonic()
    rows = []
    steps = [(path, peer) for path in PATHS for peer in PEERS]
    try:
        for i, (path, peer) in enumerate(steps, 1):
            # Fresh namespaces for every peer: thousands of TIME_WAIT sockets and conntrack entries
            # (120 s each, two per proxied connection) left by one peer's new-connection run must not
            # stall the next one. Shortening the conntrack TIME_WAIT timeout instead made SYNs meet
            # sockets still in TIME_WAIT and stall for a retransmit.
            lab = Lab()
            try:
                log(f"step {i}/{len(steps)}: {path} path, {peer} (namespaces {lab.pod}, {lab.cli})")
                lab.setup()
                nginx_app(lab, lab.pod, lab.pod_ip, "app", APP_UID)
                nginx_app(lab, lab.cli, lab.cli_ip, "remote", 0)
                rows.append(bench_peer(lab, path, peer))
            finally:
                lab.close()
    finally:
        shutil.rmtree(os.path.dirname(CLIENT_CLASS), ignore_errors=True)
    add_derived(rows)
    info = versions()
    info["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    info["duration"] = f"{time.monotonic() - STARTED:.0f} s"
    command = ("BENCH_QUICK=1 " if QUICK else "") + "bench/proxy/run.sh"
    name = "proxy-quick" if QUICK else "proxy"
    write_results(out_dir, name, rows, COLUMNS, markdown(rows, info, quiet, command), {"svg": svg(rows)})


def write_results(out_dir, name, rows, columns, report, extra=None):
    """Writes NAME.csv (the rows, floats to 4 places), NAME.md (the report) and NAME.SUFFIX for each extra text,
    then prints the report's tables and where the files are. Both proxy sections (L4 and HTTP) end with it."""
    with open(os.path.join(out_dir, f"{name}.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: (f"{v:.4f}" if isinstance(v, float) else v) for k, v in r.items()})
    with open(os.path.join(out_dir, f"{name}.md"), "w") as f:
        f.write(report)
    files = [f"{name}.md", f"{name}.csv"]
    for suffix, text in (extra or {}).items():
        with open(os.path.join(out_dir, f"{name}.{suffix}"), "w") as f:
            f.write(text)
        files.append(f"{name}.{suffix}")
    print()
    print("\n".join(l for l in report.splitlines() if l.startswith("|") or l.startswith("#")))
    print(f"\nresults: {out_dir}/{', '.join(files)}")


if __name__ == "__main__":
    main()
