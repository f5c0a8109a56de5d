#!/usr/bin/python3
"""HTTP (L7) proxy benchmark: our proxy's HTTP engine, configured by the real control plane, against HAProxy in
`mode http` doing the same job, and against no proxy.

Called by bench/proxy-http.sh (which checks root, installs packages and builds the jars). Layout, one
network namespace each, joined by a bridge in a hub namespace:

    client (10.252.N.1): `sidecar-proxy init` rules; the peer as uid 1337 on 15001; the load as uid 1000
      -> Service app, ClusterIP 10.253.N.10:8080 (configuration only) -> redirected to 15001 -> peer
      -> server-1 (10.252.N.11:8080) / server-2 (10.252.N.12:8080), nginx, round robin, kept-alive
    control plane (10.252.N.20): the webhook jar, directory source, stream on 15012 (ours only)

Load generator, servers and control plane run on CPU 0, the peer on CPU 1. The machinery (waiting for a
quiet machine, disturbance checks, wrk and the fixed-rate client, RSS) is bench.py's. Method and figures:
docs/benchmarks-proxy.md, "HTTP path".

`jvm-floor` is no proxy: bench/tools/JvmFloor.java on the launcher's JVM flags, a bare Netty HTTP/1.1 server on 15001
that answers every request itself and holds one TLS connection to the control plane, as every mesh proxy does: the
memory and CPU the runtime takes before any proxying.

Environment: BENCH_QUICK=1 (smoke run), BENCH_OUT (results folder), BENCH_HTTP_PEERS (comma list of direct,
ours, jvm-floor, haproxy-http), BENCH_SECONDS (per measurement), BENCH_PROXY_JAVA_OPTS (extra JVM flags for ours),
BENCH_HTTP_JFR (a file: record ours with JFR during an extra c50 run after the measured ones), BENCH_CP_APP
(the control plane's quarkus-app directory), BENCH_HAPROXY (another haproxy binary), SIDECAR_PROXY_JAR, JAVA_HOME.
"""
import datetime
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as l4  # noqa: E402 - the L4 bench's lab, load generators and disturbance checks

QUICK = l4.QUICK
PEERS = os.environ.get("BENCH_HTTP_PEERS", "direct,ours,jvm-floor,haproxy-http").split(",")
# The runtime's floor (bench/tools/JvmFloor.java): what the launcher's JVM and Netty take before any proxying.
FLOOR = "jvm-floor"
SECONDS = l4.SECONDS
FIXED_RATE = l4.FIXED_RATE
FIXED_SECONDS = l4.FIXED_SECONDS
# CPU per 1,000 requests at the fixed rate is judged: the median of this many runs (RSS from the first, on a
# fresh peer). One run's figure moved by 5-10 %.
FIXED_RUNS = 1 if QUICK else 3
KEEPALIVE_RUNS = l4.KEEPALIVE_RUNS
KEEPALIVE_SECONDS = l4.KEEPALIVE_SECONDS
APP = os.environ.get("BENCH_CP_APP", os.path.join(l4.REPO, "target/quarkus-app"))
JFR = os.environ.get("BENCH_HTTP_JFR", "")
HAPROXY_BIN = l4.HAPROXY_BIN
NAMESPACE, SERVICE, PORT = "bench", "app", 8080
CLIENT_POD, CLIENT_SA = "client", "client"
STREAM_PORT = 15012
ENVOY = "Envoy in Istio: 0.35 vCPU and 40 MB per 1,000 requests/s (Istio's performance page)"


class Mesh(l4.Lab):
    """The namespaces above; processes and clean-up are bench.py's Lab's."""

    def __init__(self):  # noqa: super().__init__ would make the L4 lab's namespace names
        suffix = f"{os.getpid() % 100000:05d}{random.randrange(100):02d}"
        self.suffix = suffix
        self.hub, self.cli, self.cp = f"phh{suffix}", f"phc{suffix}", f"phk{suffix}"
        self.servers = [f"ph1{suffix}", f"ph2{suffix}"]
        net = 200 + os.getpid() % 50
        self.cli_ip, self.cp_ip = f"10.252.{net}.1", f"10.252.{net}.20"
        self.server_ips = [f"10.252.{net}.11", f"10.252.{net}.12"]
        self.service_range, self.cluster_ip = f"10.253.{net}.0/24", f"10.253.{net}.10"
        self.work = tempfile.mkdtemp(prefix="proxy-http-bench-")
        os.chmod(self.work, 0o777)
        self.made = []  # namespaces created, for close()

    def setup(self):
        for ns in [self.hub, self.cli, self.cp, *self.servers]:
            l4.sh("ip", "netns", "add", ns)
            self.made.append(ns)
        l4.sh("ip", "-n", self.hub, "link", "add", "br0", "type", "bridge")
        l4.sh("ip", "-n", self.hub, "link", "set", "lo", "up")
        l4.sh("ip", "-n", self.hub, "link", "set", "br0", "up")
        members = [(self.cli, self.cli_ip), (self.cp, self.cp_ip)] + list(zip(self.servers, self.server_ips))
        for i, (ns, ip) in enumerate(members):
            inner, outer = f"m{i}{self.suffix}", f"b{i}{self.suffix}"
            l4.sh("ip", "link", "add", inner, "type", "veth", "peer", "name", outer)
            l4.sh("ip", "link", "set", inner, "netns", ns)
            l4.sh("ip", "link", "set", outer, "netns", self.hub)
            l4.sh("ip", "-n", self.hub, "link", "set", outer, "master", "br0", "up")
            l4.sh("ip", "-n", ns, "addr", "add", f"{ip}/24", "dev", inner)
            l4.sh("ip", "-n", ns, "link", "set", "lo", "up")
            l4.sh("ip", "-n", ns, "link", "set", inner, "up")
            self.ns(ns, "sysctl", "-qw", "net.ipv4.tcp_tw_reuse=1")
            self.ns(ns, "sysctl", "-qw", "net.ipv4.ip_local_port_range=1024 65000")
            self.ns(ns, "sysctl", "-qw", "net.core.somaxconn=4096")
            if ns == self.cli:
                # The Service range, as a pod's default route: connect() needs a route before the nat table
                # redirects the connection to the peer.
                l4.sh("ip", "-n", ns, "route", "add", self.service_range, "dev", inner)
        shutil.copy(l4.JAR, os.path.join(self.work, "sidecar-proxy.jar"))
        shutil.copy(os.path.join(l4.REPO, "proxy/bin/sidecar-proxy"), os.path.join(self.work, "sidecar-proxy"))
        if not os.path.exists(l4.CLIENT_CLASS):
            os.makedirs(os.path.dirname(l4.CLIENT_CLASS), exist_ok=True)
            l4.sh(f"{l4.JAVA_HOME}/bin/javac", "-d", os.path.dirname(l4.CLIENT_CLASS),
                  os.path.join(l4.HERE, "..", "tools", "FixedRate.java"))
        shutil.copy(l4.CLIENT_CLASS, self.work)
        certs = os.path.join(self.work, "certs")
        # The control plane's serving certificate covers its address: the proxy checks the host it dials.
        l4.sh(os.path.join(l4.REPO, "hack/dev-certs.sh"), certs, self.cp_ip)
        write_mesh(self, os.path.join(self.work, "mesh"))
        for root, dirs, files in os.walk(self.work):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o777)
            for f in files:
                os.chmod(os.path.join(root, f), 0o755)
        os.chmod(os.path.join(certs, "ca.key"), 0o600)
        os.chmod(os.path.join(certs, "tls.key"), 0o600)

    def view(self, host):
        """What bench.py's wrk, fixed_rate, set_rules and scrape_admin read for their outbound path: the load runs
        in `pod` as uid 1000 and calls `cli_ip`:8080."""
        return types.SimpleNamespace(pod=self.cli, cli=self.cli, cli_ip=host, pod_ip=self.cli_ip, work=self.work,
                                     ns=self.ns)

    def close(self):
        for process in list(l4.Lab.processes):
            try:
                self.stop(process, timeout=3)
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
        for ns in self.made:
            for pid in l4.sh("ip", "netns", "pids", ns, check=False).stdout.split():
                try:
                    os.kill(int(pid), 9)
                except OSError:
                    pass
            l4.sh("ip", "netns", "del", ns, check=False)
        for i in range(2 + len(self.servers)):  # a veth pair left in the node's namespace by a failed set-up
            if os.path.exists(f"/sys/class/net/m{i}{self.suffix}"):
                l4.sh("ip", "link", "del", f"m{i}{self.suffix}", check=False)
        shutil.rmtree(self.work, ignore_errors=True)


def write_mesh(mesh, directory):
    """The control plane's directory source: Service app (port `http`, so HTTP), its two pods and EndpointSlice,
    the client pod, a VirtualService with a 10 s route timeout and a ROUND_ROBIN DestinationRule."""
    os.makedirs(directory, exist_ok=True)
    pods = "".join(f"""---
apiVersion: v1
kind: Pod
metadata: {{name: server-{i}, namespace: {NAMESPACE}, labels: {{app: {SERVICE}}}}}
spec:
  serviceAccountName: {SERVICE}
  containers: [{{name: nginx, image: nginx, ports: [{{name: http, containerPort: {PORT}}}]}}]
status: {{podIP: {ip}}}
""" for i, ip in enumerate(mesh.server_ips, 1))
    endpoints = "".join(f"- {{addresses: [{ip}], conditions: {{ready: true}}, "
                        f"targetRef: {{kind: Pod, name: server-{i}, namespace: {NAMESPACE}}}}}\n"
                        for i, ip in enumerate(mesh.server_ips, 1))
    text = f"""# Written by bench/proxy/http.py: the HTTP benchmark's mesh.
apiVersion: v1
kind: Service
metadata: {{name: {SERVICE}, namespace: {NAMESPACE}}}
spec:
  clusterIP: {mesh.cluster_ip}
  selector: {{app: {SERVICE}}}
  ports:
  - {{name: http, port: {PORT}, targetPort: {PORT}}}
{pods}---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {{name: {SERVICE}-bench, namespace: {NAMESPACE}, labels: {{kubernetes.io/service-name: {SERVICE}}}}}
addressType: IPv4
ports: [{{name: http, port: {PORT}, protocol: TCP}}]
endpoints:
{endpoints}---
apiVersion: v1
kind: Pod
metadata: {{name: {CLIENT_POD}, namespace: {NAMESPACE}, labels: {{app: {CLIENT_POD}}}}}
spec:
  serviceAccountName: {CLIENT_SA}
  containers: [{{name: wrk, image: wrk}}]
status: {{podIP: {mesh.cli_ip}}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: {SERVICE}, namespace: {NAMESPACE}}}
spec:
  hosts: [{SERVICE}]
  http:
  - route:
    - destination: {{host: {SERVICE}}}
    timeout: 10s
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: {SERVICE}, namespace: {NAMESPACE}}}
spec:
  host: {SERVICE}
  trafficPolicy:
    loadBalancer: {{simple: ROUND_ROBIN}}
"""
    with open(os.path.join(directory, "mesh.yaml"), "w") as f:
        f.write(text)


# ---------------------------------------------------------------- servers, control plane, peers

def start_servers(mesh):
    for i, (ns, ip) in enumerate(zip(mesh.servers, mesh.server_ips), 1):
        l4.nginx_app(mesh, ns, ip, f"server-{i}", l4.APP_UID)
        # Each server names itself in its body (same length as bench.py's), so round robin can be checked.
        body = f" server-{i}\n".encode()
        with open(os.path.join(mesh.work, f"server-{i}", "www", "index.html"), "wb") as f:
            f.write(b"x" * (len(l4.BODY) - len(body)) + body)


def start_control_plane(mesh, ns=None, extra_env=None):
    """The webhook's jar as the control plane in namespace ns (the mesh's own by default), on the directory source
    WORK/mesh, serving the stream on 15012 with WORK/certs (a serving certificate for the address it is dialled at)."""
    ns = ns or mesh.cp
    certs = os.path.join(mesh.work, "certs")
    env = {"TLS_CERT_FILE": f"{certs}/tls.crt", "TLS_KEY_FILE": f"{certs}/tls.key",
           "INJECTOR_MESH_SOURCE": "directory", "INJECTOR_MESH_DIRECTORY": os.path.join(mesh.work, "mesh"),
           "INJECTOR_MESH_ROOT_CERT_FILE": f"{certs}/ca.crt", "INJECTOR_MESH_STREAM_PORT": str(STREAM_PORT),
           # No mesh CA: this data path is plaintext, and 15012 keeps the serving certificate the proxy is given.
           "INJECTOR_CA_ENABLED": "false"}
    for key, value in (extra_env or {}).items():  # None takes a default out
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    argv = [f"{l4.JAVA_HOME}/bin/java", "-Xmx256m", "-XX:ActiveProcessorCount=1", "-jar",
            os.path.join(APP, "quarkus-run.jar"), "serve"]
    process = mesh.start(ns, "controlplane", argv, l4.APP_CPU, 0, env)
    deadline = time.monotonic() + 120
    while not mesh.listening(ns, STREAM_PORT):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("control plane did not start: "
                               + open(os.path.join(mesh.work, "controlplane.log")).read()[-3000:])
        time.sleep(0.2)
    return process


# The global and defaults sections every `mode http` peer of the proxy sections starts with.
HAPROXY_HTTP_HEAD = """global
  maxconn 9000
  nbthread 1
defaults
  mode http
  option http-keep-alive
  timeout connect 10s
  timeout client 1h
  timeout http-keep-alive 1h
"""

HAPROXY = HAPROXY_HTTP_HEAD + """  # The route's 10 s timeout (HAProxy's is per read, not per request: the nearest it has).
  timeout server 10s
  # Istio's default retry policy on a route with none: 2 retries on connect failure and 503.
  retries 2
  retry-on conn-failure 503
frontend outbound
  bind 0.0.0.0:15001
  default_backend app
backend app
  balance roundrobin
  http-reuse always
{servers}"""


def start_peer(mesh, peer):
    if peer == "ours":
        argv = [os.path.join(mesh.work, "sidecar-proxy"), "run", "--drain-seconds", "1",
                "--control-plane", f"{mesh.cp_ip}:{STREAM_PORT}", "--root-cert", os.path.join(mesh.work, "certs/ca.crt")]
        # As the injector sets them from the downward API (src/main/resources/templates/sidecar-proxy.yaml).
        env = {"JAVA_HOME": l4.JAVA_HOME, "SIDECAR_PROXY_JAVA_OPTS": os.environ.get("BENCH_PROXY_JAVA_OPTS", ""),
               "POD_NAME": CLIENT_POD, "POD_NAMESPACE": NAMESPACE, "INSTANCE_IP": mesh.cli_ip,
               "SERVICE_ACCOUNT": CLIENT_SA}
        ports = [15006, 15001]
    elif peer == FLOOR:
        classes = os.path.join(mesh.work, "jvm-floor")
        if not os.path.exists(os.path.join(classes, "JvmFloor.class")):
            l4.sh(f"{l4.JAVA_HOME}/bin/javac", "-cp", os.path.join(mesh.work, "sidecar-proxy.jar"), "-d", classes,
                  os.path.join(l4.HERE, "..", "tools", "JvmFloor.java"))
            for name in os.listdir(classes):
                os.chmod(os.path.join(classes, name), 0o644)
            os.chmod(classes, 0o755)
        argv = [f"{l4.JAVA_HOME}/bin/java", *l4.launcher_flags(), *os.environ.get("BENCH_PROXY_JAVA_OPTS", "").split(),
                "-cp", f"{mesh.work}/sidecar-proxy.jar:{classes}", "JvmFloor", "15001",
                os.path.join(mesh.work, "certs/ca.crt"), mesh.cp_ip, str(STREAM_PORT)]
        env, ports = {}, [15001]
    else:
        conf = os.path.join(mesh.work, "haproxy-http.conf")
        servers = "".join(f"  server server-{i} {ip}:{PORT}\n" for i, ip in enumerate(mesh.server_ips, 1))
        with open(conf, "w") as f:
            f.write(HAPROXY.format(servers=servers))
        os.chmod(conf, 0o644)
        argv, env, ports = [HAPROXY_BIN, "-db", "-f", conf], {}, [15001]
    process = mesh.start(mesh.cli, peer, argv, l4.PROXY_CPU, l4.PROXY_UID, env)
    mesh.wait_listening(mesh.cli, ports, process, peer)
    return process


WAIT_FOR_CONFIG = """
import json, sys, time, urllib.request
deadline = time.monotonic() + 60
while True:
    try:
        ready = urllib.request.urlopen('http://127.0.0.1:15021/healthz/ready', timeout=2).status == 200
        dump = json.load(urllib.request.urlopen('http://127.0.0.1:15000/config_dump', timeout=2))
        if ready and dump.get('version'):
            print(json.dumps({'version': dump['version'], 'listeners': dump['snapshot']['listeners']}))
            break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit('no configuration from the control plane after 60 s')
    time.sleep(0.1)
"""


def wait_for_config(mesh):
    """Until the proxy is ready and its /config_dump shows a version whose listener for the Service is HTTP."""
    out = mesh.ns(mesh.cli, "/usr/bin/python3", "-c", WAIT_FOR_CONFIG).stdout
    dump = json.loads(out)
    listener = next((l for l in dump["listeners"] if l["address"] == mesh.cluster_ip and l["port"] == PORT), None)
    if not listener or listener.get("protocol") != "HTTP":
        raise RuntimeError(f"snapshot {dump['version']} has no HTTP listener for {mesh.cluster_ip}:{PORT}: {out}")
    return dump["version"]


def wait_for_floor(mesh, process):
    """Until JvmFloor has made its TLS connection to the control plane (it prints "ready")."""
    log = os.path.join(mesh.work, f"{FLOOR}.log")
    deadline = time.monotonic() + 30
    while "ready" not in open(log, errors="replace").read():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{FLOOR} did not connect to the control plane: {open(log, errors='replace').read()[-2000:]}")
        time.sleep(0.1)


ROUND_ROBIN = """
import collections, sys, urllib.request
seen = collections.Counter(urllib.request.urlopen(sys.argv[1], timeout=5).read().split()[-1].decode() for _ in range(8))
print(' '.join(f'{k}={v}' for k, v in sorted(seen.items())))
"""


def check_round_robin(mesh):
    """Eight requests through the peer, each on a new connection: both servers must answer four."""
    out = mesh.ns(mesh.cli, "setpriv", f"--reuid={l4.APP_UID}", f"--regid={l4.APP_UID}", "--clear-groups",
                  "/usr/bin/python3", "-c", ROUND_ROBIN, f"http://{mesh.cluster_ip}:{PORT}/").stdout.strip()
    if out != "server-1=4 server-2=4":
        raise RuntimeError(f"expected round robin over both servers, got: {out}")
    return out


# ---------------------------------------------------------------- measurements

def median(values):
    values = sorted(values)
    return values[len(values) // 2] if values else None


def record_jfr(mesh, pid, view):
    """An extra c50 run of ours under JFR (settings=profile), after the measured ones: for the proxy's engineers."""
    jcmd = f"{l4.JAVA_HOME}/bin/jcmd"
    target = os.path.join(mesh.work, "ours.jfr")
    l4.sh(jcmd, str(pid), "JFR.start", "name=bench", "settings=profile", f"filename={target}")
    l4.wrk(view, "outbound", 50, max(SECONDS, 10))
    l4.sh(jcmd, str(pid), "JFR.stop", "name=bench")
    shutil.copy(target, JFR)
    l4.log(f"  JFR recording of ours under c50: {JFR}")


def bench_peer(mesh, peer):
    host = mesh.server_ips[0] if peer == "direct" else mesh.cluster_ip
    view = mesh.view(host)
    l4.set_rules(view, peer)
    process = start_peer(mesh, peer) if peer != "direct" else None
    pid = process.pid if process else None
    row = {"peer": peer}
    flags = []
    step = ["start"]  # what is being measured, for died()

    def died(step):
        """The peer exited (our proxy ends itself on OutOfMemoryError): noted in the row, the run goes on."""
        if process is None or process.poll() is None:
            return False
        with open(os.path.join(mesh.work, f"{peer}.log"), errors="replace") as f:
            last = (f.read().strip().splitlines() or ["no output"])[-1]
        row["failed"] = f"exited with code {process.returncode} during {step}: {last}"
        l4.log(f"  {peer}: {row['failed']}")
        return True

    try:
        if peer == "ours":
            row["config_version"] = wait_for_config(mesh)
            l4.scrape_admin(view)  # as in a pod: the kubelet probes and Prometheus scrapes
        if peer == FLOOR:
            wait_for_floor(mesh, process)
        if pid:
            row["rss_idle_mb"] = l4.memory(pid)["rss"]
        if pid and peer != FLOOR:
            row["round_robin"] = check_round_robin(mesh)
            l4.log(f"  {peer}: round robin {row['round_robin']}"
                   + (f", configuration version {row['config_version']}" if peer == "ours" else ""))

        # 1. Fixed rate: the first run on a fresh peer gives RSS at 1,000 req/s; every run the peer's CPU.
        fixed_runs = []
        for i in range(FIXED_RUNS):
            step[0] = f"fixed-rate run {i + 1}"
            def fixed():
                client = l4.fixed_rate(view, "outbound", FIXED_SECONDS)
                samples = []
                while client.poll() is None:
                    if pid:
                        samples.append(l4.memory(pid))
                    time.sleep(0.25)
                result = l4.fixed_rate_result(client, FIXED_SECONDS)
                if samples:
                    result["rss_1k_mb"] = max(s["rss"] for s in samples)
                    result["pss_1k_mb"] = samples[-1]["pss"]
                return result
            r = l4.measured(mesh, pid, f"{peer} fixed {FIXED_RATE}/s ({i + 1}/{FIXED_RUNS})", fixed)
            # The client sends the warm-up second's requests too.
            r["cpu_per_1k"] = r["proxy_cpu_s"] / (r["requests"] + FIXED_RATE) * 1000 if pid else None
            fixed_runs.append(r)
            flags += [f"fixed:{r['others_top']}"] if r["disturbed"] else []
            if died(f"fixed-rate run {i + 1}"):
                return row
        first = fixed_runs[0]
        cpu = sorted(r["cpu_per_1k"] for r in fixed_runs) if pid else []
        row.update({key: median([r[src] for r in fixed_runs]) for key, src in
                    (("fixed_p50_us", "p50_us"), ("fixed_p99_us", "p99_us"), ("fixed_p999_us", "p999_us"),
                     ("fixed_max_us", "max_us"))})
        row.update({"fixed_errors": sum(r["errors"] for r in fixed_runs), "rss_1k_mb": first.get("rss_1k_mb"),
                    "pss_1k_mb": first.get("pss_1k_mb"), "cpu_per_1k_fixed": median(cpu),
                    "cpu_per_1k_fixed_min": cpu[0] if cpu else None, "cpu_per_1k_fixed_max": cpu[-1] if cpu else None})
        l4.log(f"  {peer}: {FIXED_RATE}/s p50 {row['fixed_p50_us']:.0f} us, p99 {row['fixed_p99_us']:.0f} us"
               + (f", {row['cpu_per_1k_fixed']:.4f} CPU-s per 1k (runs {', '.join(f'{c:.4f}' for c in cpu)}), "
                  f"RSS {row['rss_1k_mb']:.1f} MB, PSS {row['pss_1k_mb']:.1f} MB" if pid else ""))

        # 2. Latency at concurrency 1 (closed loop, one request at a time).
        step[0] = "the c1 run"
        r = l4.measured(mesh, pid, f"{peer} c1", lambda: l4.wrk(view, "outbound", 1, SECONDS))
        row.update({"c1_p50_us": r["p50_us"], "c1_p99_us": r["p99_us"], "c1_rps": r["rps"], "c1_errors": r["errors"]})
        flags += [f"c1:{r['others_top']}"] if r["disturbed"] else []
        l4.log(f"  {peer}: c1 p50 {r['p50_us']:.0f} us, p99 {r['p99_us']:.0f} us")
        if died("the c1 run"):
            return row

        # 3. Throughput at concurrency 50, and the peer's CPU per 1,000 requests there.
        step[0] = "the c50 warm-up"
        l4.wrk(view, "outbound", 50, 1 if QUICK else 2)  # warm-up
        runs = []
        for i in range(KEEPALIVE_RUNS):
            step[0] = f"c50 run {i + 1}"
            r = l4.measured(mesh, pid, f"{peer} c50 ({i + 1}/{KEEPALIVE_RUNS})",
                            lambda: l4.wrk(view, "outbound", 50, KEEPALIVE_SECONDS))
            runs.append(r)
            flags += [f"c50:{r['others_top']}"] if r["disturbed"] else []
            if died(f"c50 run {i + 1}"):
                return row
        cpu = sorted(r["proxy_cpu_s"] / r["requests"] * 1000 for r in runs) if pid else []
        row.update({"c50_rps": median([r["rps"] for r in runs]), "c50_errors": sum(r["errors"] for r in runs),
                    "cpu_per_1k_c50": median(cpu), "cpu_per_1k_c50_min": cpu[0] if cpu else None,
                    "cpu_per_1k_c50_max": cpu[-1] if cpu else None})
        l4.log(f"  {peer}: c50 {row['c50_rps']:.0f} req/s"
               + (f", {row['cpu_per_1k_c50']:.4f} CPU-s per 1k (runs {', '.join(f'{c:.4f}' for c in cpu)})" if pid else ""))
        if pid:
            row["rss_peak_mb"] = l4.memory(pid)["rss"]
        if pid and peer == "ours" and JFR:
            record_jfr(mesh, pid, view)
    except (RuntimeError, OSError):
        # A load generator that cannot connect at all (wrk: "unable to connect") or a gone /proc entry.
        if not died(step[0]):
            raise
    finally:
        row["disturbed"] = "; ".join(flags)
        if process:
            mesh.stop(process)
            time.sleep(0.5)
    return row


# ---------------------------------------------------------------- report

COLUMNS = ["peer", "cpu_per_1k_fixed", "cpu_per_1k_fixed_min", "cpu_per_1k_fixed_max", "fixed_p50_us", "fixed_p99_us",
           "fixed_p999_us", "fixed_max_us", "rss_idle_mb", "rss_1k_mb", "pss_1k_mb", "c1_p50_us", "c1_p99_us",
           "added_p50_us", "added_p99_us", "c50_rps", "cpu_per_1k_c50", "cpu_per_1k_c50_min", "cpu_per_1k_c50_max",
           "rss_peak_mb", "fixed_errors", "c1_errors", "c50_errors", "round_robin", "config_version", "failed", "disturbed"]

fmt, ratio = l4.fmt, l4.ratio


def add_derived(rows):
    direct = next((r for r in rows if r["peer"] == "direct"), None)
    for r in rows:
        if direct and r["peer"] != "direct" and "c1_p50_us" in r and "c1_p50_us" in direct:
            r["added_p50_us"] = r["c1_p50_us"] - direct["c1_p50_us"]
            r["added_p99_us"] = r["c1_p99_us"] - direct["c1_p99_us"]


def verdicts(rows):
    ours = next((r for r in rows if r["peer"] == "ours"), None)
    ha = next((r for r in rows if r["peer"] == "haproxy-http"), None)
    if not ours:
        return []
    lines = []
    ha = ha or {}
    for name, key, digits in ((f"CPU-s per 1k requests at {FIXED_RATE:,} req/s", "cpu_per_1k_fixed", 4),
                              ("added p50 at c1 (us)", "added_p50_us", 0)):
        mine, theirs = ours.get(key), ha.get(key)
        if mine is None and ours.get("failed"):
            lines.append(f"| {name} | - | {fmt(theirs, digits)} | - | <= 1.0x | MISSED (ours failed) |")
            continue
        if mine is None or not theirs:
            continue
        r = mine / theirs
        lines.append(f"| {name} | {fmt(mine, digits)} | {fmt(theirs, digits)} | {r:.2f}x | <= 1.0x | "
                     f"{'met' if r <= 1.0 else 'MISSED'} |")
    rss = ours.get("rss_1k_mb")
    lines.append(f"| RSS at {FIXED_RATE:,} req/s (MB) | {fmt(rss, 1)} | {fmt(ha.get('rss_1k_mb'), 1)} | "
                 f"{ratio(rss, ha.get('rss_1k_mb')).strip(' ()')} | <= 48 MB | {'met' if rss and rss <= 48 else 'MISSED'} |")
    mine, theirs = ours.get("cpu_per_1k_c50"), ha.get("cpu_per_1k_c50")
    if mine is not None and theirs:
        lines.append(f"| CPU-s per 1k requests at c50 (reported) | {fmt(mine, 4)} | {fmt(theirs, 4)} | "
                     f"{mine / theirs:.2f}x | - | |")
    return lines


def markdown(rows, info, quiet, command):
    out = [f"# Proxy benchmark, HTTP path ({'quick smoke run' if QUICK else 'full run'})", "",
           f"Run {info['date']} by `{command}` ({info['duration']}). Generated by `bench/proxy/http.py`; "
           "method in `docs/benchmarks-proxy.md` (\"HTTP path\").", "",
           "The load (uid 1000, CPU 0) calls the Service `app` at its ClusterIP, which exists only in the "
           "configuration; the `sidecar-proxy init` rules send it to the peer (uid 1337, CPU 1), which balances "
           "round robin over two nginx servers (CPU 0) on kept-alive connections with a 10 s route timeout. "
           "Ours is configured by the control plane (VirtualService, DestinationRule); HAProxy by its own file. "
           "`direct` calls server-1 with no nat table.", ""]
    if quiet:
        out += [f"**Machine busy at the start**: {quiet}.", ""]
    out += ["## Targets (ours against HAProxy `mode http` in this run)", "",
            "| figure | ours | HAProxy http | ratio | target | |", "| --- | --- | --- | --- | --- | --- |"]
    out += verdicts(rows)
    ours = next((r for r in rows if r["peer"] == "ours"), {})
    failed = [r for r in rows if r.get("failed")]
    if failed:
        out += ["", "**Failed**: " + "; ".join(f"{r['peer']} {r['failed']}" for r in failed)
                + ". Its figures stop there; the targets it has no figure for are not met."]
    floor = next((r for r in rows if r["peer"] == FLOOR), {})
    if floor.get("rss_1k_mb") is not None:
        out += ["", f"The runtime's floor (`{FLOOR}`, bench/tools/JvmFloor.java): the launcher's JVM flags, Netty's epoll "
                "transport and HTTP/1.1 codec answering every request itself (no routing, upstream, metrics or admin), "
                "holding one TLS connection to the control plane verified against the root certificate, as every mesh "
                f"proxy does: **RSS {fmt(floor['rss_1k_mb'], 1)} MB at {FIXED_RATE:,} req/s** (idle "
                f"{fmt(floor.get('rss_idle_mb'), 1)} MB), CPU {fmt(floor.get('cpu_per_1k_fixed'), 4)} CPU-s per 1,000 "
                f"requests. Ours: {fmt(ours.get('rss_1k_mb'), 1)} MB."]
    if ours.get("cpu_per_1k_fixed") is not None:
        out += ["", f"For scale: {ENVOY}; ours here {fmt(ours['cpu_per_1k_fixed'], 3)} CPU-s per 1,000 requests "
                f"and {fmt(ours.get('rss_1k_mb'), 1)} MB (no mTLS on this path yet)."]
    ha = next((r for r in rows if r["peer"] == "haproxy-http"), {})
    runs = (f" median of {FIXED_RUNS} runs of {FIXED_SECONDS} s, lowest and highest in brackets;" if FIXED_RUNS > 1 else "")
    out += ["", "## Figures", "",
            f"Ratios against HAProxy http. CPU-s / 1k req at {FIXED_RATE:,}/s:{runs} RSS from the first run on the "
            f"fresh peer. c50: wrk, {KEEPALIVE_RUNS} run(s) of {KEEPALIVE_SECONDS} s, median.", "",
            f"| peer | CPU-s / 1k req at {FIXED_RATE:,}/s | RSS at {FIXED_RATE:,}/s MB | PSS MB | c1 p50 us | c1 p99 us | "
            "added p50 | added p99 | c50 req/s | CPU-s / 1k req (c50) | RSS peak MB |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        cpu = r.get("cpu_per_1k_fixed")
        out.append("| " + " | ".join([
            r["peer"],
            fmt(cpu, 4) + ratio(cpu, ha.get("cpu_per_1k_fixed"))
            + (f" [{fmt(r['cpu_per_1k_fixed_min'], 4)}-{fmt(r['cpu_per_1k_fixed_max'], 4)}]" if FIXED_RUNS > 1 and cpu else ""),
            fmt(r.get("rss_1k_mb"), 1) + ratio(r.get("rss_1k_mb"), ha.get("rss_1k_mb"), 1), fmt(r.get("pss_1k_mb"), 1),
            fmt(r.get("c1_p50_us")), fmt(r.get("c1_p99_us")),
            fmt(r.get("added_p50_us")) + ratio(r.get("added_p50_us"), ha.get("added_p50_us")), fmt(r.get("added_p99_us")),
            fmt(r.get("c50_rps")) + ratio(r.get("c50_rps"), ha.get("c50_rps")),
            fmt(r.get("cpu_per_1k_c50"), 4) + ratio(r.get("cpu_per_1k_c50"), ha.get("cpu_per_1k_c50"))
            + (f" [{fmt(r['cpu_per_1k_c50_min'], 4)}-{fmt(r['cpu_per_1k_c50_max'], 4)}]" if KEEPALIVE_RUNS > 1 and r.get("cpu_per_1k_c50") else ""),
            fmt(r.get("rss_peak_mb"), 1)]) + " |")
    out += ["", f"Fixed rate {FIXED_RATE:,} req/s, 16 keep-alive connections, latency from the intended send time "
            "(coordinated-omission safe)" + (", median over the runs" if FIXED_RUNS > 1 else "") + ":", "",
            "| peer | p50 us | p99 us | p99.9 us | max us | errors (all runs) |", "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        out.append(f"| {r['peer']} | {fmt(r.get('fixed_p50_us'))} | {fmt(r.get('fixed_p99_us'))} | "
                   f"{fmt(r.get('fixed_p999_us'))} | {fmt(r.get('fixed_max_us'))} | {fmt(r.get('fixed_errors'))} |")
    errors = [f"{r['peer']} c1 {r.get('c1_errors', 0)}, c50 {r.get('c50_errors', 0)}" for r in rows
              if r.get("c1_errors") or r.get("c50_errors")]
    out += ["", "Checks: " + "; ".join(
        [f"{r['peer']} answered 8 requests on new connections with {r['round_robin']}" for r in rows if r.get("round_robin")]
        + [f"ours ran configuration version {ours['config_version']} from the control plane" if ours.get("config_version") else ""]
        + [f"wrk errors or non-2xx: {', '.join(errors)}" if errors else "no wrk errors or non-2xx answers"]).replace("; ;", ";") + "."]
    out += report_tail(rows, info)
    out += ["", "## Command lines", "",
            f"- load: `ip netns exec CLIENT taskset -c 0 setpriv --reuid=1000 ... wrk -t1 -cN -d{SECONDS:g}s --latency "
            f"http://CLUSTER_IP:{PORT}/` (direct: `http://SERVER_1_IP:{PORT}/`)",
            f"- fixed rate: `java FixedRate CLUSTER_IP {PORT} {FIXED_RATE} {FIXED_SECONDS} 16 1` (bench/tools/FixedRate.java)",
            f"- ours: `taskset -c 1 setpriv --reuid=1337 ... sidecar-proxy run --control-plane CP_IP:{STREAM_PORT} "
            "--root-cert ca.crt` with POD_NAME, POD_NAMESPACE, INSTANCE_IP, SERVICE_ACCOUNT",
            "- control plane: `taskset -c 0 java -Xmx256m -XX:ActiveProcessorCount=1 -jar quarkus-run.jar serve` "
            "(INJECTOR_MESH_SOURCE=directory)",
            f"- {FLOOR}: `taskset -c 1 setpriv --reuid=1337 ... java LAUNCHER_FLAGS -cp sidecar-proxy.jar:DIR JvmFloor 15001 "
            f"ca.crt CP_IP {STREAM_PORT}` (bench/tools/JvmFloor.java, compiled against the proxy's jar)",
            "- HAProxy: `taskset -c 1 setpriv --reuid=1337 ... haproxy -db -f CONF`; configuration and mesh YAML in "
            "`bench/proxy/http.py` (`HAPROXY`, `write_mesh`)",
            "- servers: nginx, 1 worker each on CPU 0, static 128-byte body; rules: `sidecar-proxy init` "
            "(direct: `nft delete table ip nat`)"]
    return "\n".join(out) + "\n"


def versions():
    def first(*argv):
        try:
            r = l4.sh(*argv, check=False)
        except OSError:
            return "not installed"
        text = (r.stdout + r.stderr).strip()
        return text.splitlines()[0] if text else "?"
    return {
        "kernel": l4.platform.release(),
        "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
        "cpus": str(os.cpu_count()),
        "java": first(f"{l4.JAVA_HOME}/bin/java", "-version"),
        "haproxy": first(HAPROXY_BIN, "-v") + (f" ({HAPROXY_BIN}, BENCH_HAPROXY)" if os.environ.get("BENCH_HAPROXY") else ""),
        "nginx (servers)": first("nginx", "-v"),
        "wrk": first("wrk", "--version"),
        "iptables": first("iptables", "--version"),
        "proxy launcher JVM flags": " ".join(l4.launcher_flags()) + (" " + os.environ.get("BENCH_PROXY_JAVA_OPTS", "")).rstrip(),
        "control plane": f"{os.path.relpath(APP, l4.REPO)}/quarkus-run.jar, -Xmx256m -XX:ActiveProcessorCount=1, on CPU {l4.APP_CPU}",
    }


def report_tail(rows, info):
    """The Disturbance and Machine sections of a proxy section's report (before its command lines)."""
    flagged = [r for r in rows if r.get("disturbed")]
    out = ["", "## Disturbance", ""]
    if flagged:
        out += [f"Measurements during which other processes used more than {l4.DISTURBED:.2f} CPU-s per second "
                f"(repeated up to {l4.RETRIES} times, the least disturbed attempt kept; the busiest other process):", ""]
        out += [f"- {r['peer']}: {r['disturbed']}" for r in flagged]
    else:
        out += [f"No measurement saw other processes use more than {l4.DISTURBED:.2f} CPU-s per second."]
    return out + ["", "## Machine and versions", ""] + [f"- {k}: {v}" for k, v in info.items() if k not in ("date", "duration")]


def run_section(name, title, peers, lab, prepare, bench_one, derive, columns, markdown):
    """A proxy section from start to report: waits for a quiet machine, prepares the lab, benches each peer, always
    removes the namespaces, and writes RESULTS/NAME.md and NAME.csv (NAME-quick.* with BENCH_QUICK=1)."""
    out_dir = os.environ.get("BENCH_OUT") or (tempfile.mkdtemp(prefix=f"{name}-bench-quick-") if QUICK
                                              else os.path.join(l4.REPO, "bench/results"))
    os.makedirs(out_dir, exist_ok=True)
    l4.log(f"{title}: peers {', '.join(peers)}; {SECONDS:g}s per measurement" + (" (quick)" if QUICK else ""))
    # SIGTERM (make interrupted, a CI timeout) unwinds like Ctrl-C, so the namespaces are always removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    quiet = l4.wait_for_quiet()
    rows = []
    try:
        prepare(lab)
        l4.MEASURING[0] = time.monotonic()
        for i, peer in enumerate(peers, 1):
            l4.log(f"step {i}/{len(peers)}: {peer}")
            rows.append(bench_one(lab, peer))
    finally:
        lab.close()
        shutil.rmtree(os.path.dirname(l4.CLIENT_CLASS), ignore_errors=True)
    derive(rows)
    info = versions()
    info["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    info["duration"] = f"{time.monotonic() - l4.STARTED:.0f} s"
    command = ("BENCH_QUICK=1 " if QUICK else "") + f"bench/{name}.sh"
    l4.write_results(out_dir, f"{name}-quick" if QUICK else name, rows, columns, markdown(rows, info, quiet, command))


def prepare(mesh):
    l4.log(f"namespaces: client {mesh.cli}, control plane {mesh.cp}, servers {', '.join(mesh.servers)}, hub {mesh.hub}")
    mesh.setup()
    start_servers(mesh)
    if "ours" in PEERS or FLOOR in PEERS:
        started = time.monotonic()
        start_control_plane(mesh)
        l4.log(f"control plane listening on {mesh.cp_ip}:{STREAM_PORT} after {time.monotonic() - started:.1f}s")


def main():
    run_section("proxy-http", "proxy HTTP bench", PEERS, Mesh(), prepare, bench_peer, add_derived, COLUMNS, markdown)


if __name__ == "__main__":
    main()
