#!/usr/bin/python3
"""mTLS path benchmark (issue 11): a client proxy and a server proxy speaking Istio's mutual TLS between two pods,
beside HAProxy doing the same job (TLS both sides with client certificates). Called by bench/proxy-mtls.sh (which
checks root, installs packages and builds the jars).

Namespaces as the HTTP section's (bench/proxy/http.py): a client pod (the load as uid 1000, its proxy as uid 1337
behind the `sidecar-proxy init` rules), a server pod (nginx as the app on SERVER_IP:8080, its proxy as uid 1337
behind the same rules, inbound captured to 15006), and the control plane with its CA (tokens checked against the
JWKS of hack/dev-token.sh). The Service `app` (port `http`) is mutual TLS by Istio's auto mTLS (the pod carries
`security.istio.io/tlsMode: istio`) and the namespace's PeerAuthentication is STRICT; the Service `app-new` is the
same pod behind a DestinationRule with `maxRequestsPerConnection: 1`, so each request opens a new mutual TLS
connection (a full handshake: sessions are not resumed).

Peers, each measured with both proxies on the proxy CPU and their CPU added:
    direct        wrk to nginx with no proxy and no rules
    ours          the two proxies with BoringSSL (netty-tcnative), the default on the HTTP path
    ours-jdk      the same with the JDK's TLS (-Dsidecar.proxy.tls=jdk)
    haproxy-mtls  HAProxy `mode http` in each pod: the client's verifies the server's certificate and presents its
                  own (`ssl crt ... ca-file ... verify required`), the server's requires one; ECDSA P-256 leaves
                  from one root, as ours; `no-ssl-reuse` for the handshake figure, as ours does not resume

Figures: CPU-s per 1,000 requests at 1,000 req/s over 16 keep-alive connections (both proxies), added p50 at one
connection, new mutual TLS connections per second (wrk at c50 with `Connection: close` to `app-new`; each request a
new connection and a full handshake between the proxies), RSS of each proxy at 1,000 req/s. Targets: <= 1.0x
HAProxy on CPU and p50, >= 1.0x on new connections per second, RSS <= 48 MB.

Environment: BENCH_QUICK=1, BENCH_OUT, BENCH_SECONDS, BENCH_MTLS_PEERS, BENCH_PROXY_JAVA_OPTS, BENCH_CP_APP,
BENCH_HAPROXY, SIDECAR_PROXY_JAR, JAVA_HOME.
"""
import importlib.util
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as l4  # noqa: E402 - the L4 bench's lab, load generators and disturbance checks

# The HTTP section's module (its namespaces and control plane), by path: the name http is the standard library's.
_spec = importlib.util.spec_from_file_location("http_bench", os.path.join(os.path.dirname(os.path.abspath(__file__)), "http.py"))
http_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(http_bench)

QUICK = l4.QUICK
PEERS = os.environ.get("BENCH_MTLS_PEERS", "direct,ours,ours-jdk,haproxy-mtls").split(",")
SECONDS = l4.SECONDS
FIXED_RATE = l4.FIXED_RATE
FIXED_SECONDS = l4.FIXED_SECONDS
FIXED_RUNS = 1 if QUICK else 3
NEW_RUNS = 1 if QUICK else 3
NAMESPACE, SERVICE, NEW_SERVICE = "bench", "app", "app-new"
CLIENT_POD, CLIENT_SA, SERVER_POD, SERVER_SA = "client-1", "client", "server-1", "app"
PORT = http_bench.PORT
STREAM_PORT = http_bench.STREAM_PORT
ISSUER = "sidecar-injector-dev"  # hack/dev-token.sh's
RSS_TARGET_MB = 48.0


class Lab(http_bench.Mesh):
    """The HTTP section's namespaces; its first server namespace is the server pod, the second is not used."""

    def __init__(self):
        super().__init__()
        self.server, self.server_ip = self.servers[0], self.server_ips[0]
        net = self.cluster_ip.rsplit(".", 1)[0]
        self.new_ip = f"{net}.11"  # app-new's ClusterIP, beside app's .10
        self.ca_dir = os.path.join(self.work, "mesh-ca")
        self.jwt_dir = os.path.join(self.work, "jwt")

    def setup(self):
        super().setup()
        # The server pod's Service range too: the server proxy's snapshot has it, and nothing there dials it.
        write_mesh(self, os.path.join(self.work, "mesh"))
        l4.sh("env", f"DEV_JWT_DIR={self.jwt_dir}", os.path.join(l4.REPO, "hack/dev-token.sh"), "--init")
        for pod, account in ((CLIENT_POD, CLIENT_SA), (SERVER_POD, SERVER_SA)):
            token = l4.sh("env", f"DEV_JWT_DIR={self.jwt_dir}", os.path.join(l4.REPO, "hack/dev-token.sh"),
                          NAMESPACE, account, "86400").stdout.strip()
            path = os.path.join(self.work, f"token-{pod}")
            with open(path, "w") as f:
                f.write(token + "\n")
            os.chmod(path, 0o644)
        haproxy_certs(self)


def write_mesh(lab, directory):
    """Service app (HTTP, auto mTLS to the injected server pod), Service app-new (the same pod, a new connection
    per request), the client pod, and a STRICT PeerAuthentication for the namespace."""
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        os.remove(os.path.join(directory, name))
    services = "".join(f"""---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {NAMESPACE}}}
spec:
  clusterIP: {ip}
  selector: {{app: {SERVICE}}}
  ports:
  - {{name: http, port: {PORT}, targetPort: {PORT}}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {{name: {name}-bench, namespace: {NAMESPACE}, labels: {{kubernetes.io/service-name: {name}}}}}
addressType: IPv4
ports: [{{name: http, port: {PORT}, protocol: TCP}}]
endpoints:
- {{addresses: [{lab.server_ip}], conditions: {{ready: true}}, targetRef: {{kind: Pod, name: {SERVER_POD}, namespace: {NAMESPACE}}}}}
""" for name, ip in ((SERVICE, lab.cluster_ip), (NEW_SERVICE, lab.new_ip)))
    text = f"""# Written by bench/proxy/mtls.py: the mTLS benchmark's mesh.
{services}---
apiVersion: v1
kind: Pod
metadata:
  name: {SERVER_POD}
  namespace: {NAMESPACE}
  labels: {{app: {SERVICE}, security.istio.io/tlsMode: istio}}
spec:
  serviceAccountName: {SERVER_SA}
  containers: [{{name: nginx, image: nginx, ports: [{{name: http, containerPort: {PORT}}}]}}]
status: {{podIP: {lab.server_ip}}}
---
apiVersion: v1
kind: Pod
metadata:
  name: {CLIENT_POD}
  namespace: {NAMESPACE}
  labels: {{app: {CLIENT_POD}, security.istio.io/tlsMode: istio}}
spec:
  serviceAccountName: {CLIENT_SA}
  containers: [{{name: wrk, image: wrk}}]
status: {{podIP: {lab.cli_ip}}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {{name: default, namespace: {NAMESPACE}}}
spec:
  mtls: {{mode: STRICT}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: {NEW_SERVICE}, namespace: {NAMESPACE}}}
spec:
  host: {NEW_SERVICE}
  trafficPolicy:
    connectionPool:
      http: {{maxRequestsPerConnection: 1}}
"""
    with open(os.path.join(directory, "mesh.yaml"), "w") as f:
        f.write(text)


def haproxy_certs(lab):
    """HAProxy's root and two ECDSA P-256 leaves with SPIFFE URI SANs, as the mesh CA issues them."""
    d = os.path.join(lab.work, "haproxy-certs")
    os.makedirs(d, exist_ok=True)
    root_key = os.path.join(d, "root.key")
    l4.sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", root_key, "-out", os.path.join(d, "root.crt"),
          "-days", "2", "-subj", "/O=bench/CN=bench root", "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    for name, account in (("client", CLIENT_SA), ("server", SERVER_SA)):
        key, csr, crt = (os.path.join(d, f"{name}.{x}") for x in ("key", "csr", "crt"))
        l4.sh("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
              "-out", csr, "-subj", "/")
        ext = os.path.join(d, f"{name}.ext")
        with open(ext, "w") as f:
            f.write(f"subjectAltName=URI:spiffe://cluster.local/ns/{NAMESPACE}/sa/{account}\n"
                    "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n"
                    "basicConstraints=critical,CA:FALSE\n")
        l4.sh("openssl", "x509", "-req", "-in", csr, "-CA", os.path.join(d, "root.crt"), "-CAkey", root_key,
              "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", crt)
        with open(os.path.join(d, f"{name}.pem"), "w") as f:
            f.write(open(crt).read() + open(key).read())
    for name in os.listdir(d):
        os.chmod(os.path.join(d, name), 0o644)
    os.chmod(d, 0o755)


def start_control_plane(lab):
    """The HTTP section's control plane with the mesh CA on: a root made in WORK/mesh-ca at its first start, 15012
    certified by it for the control plane's address, tokens checked against hack/dev-token.sh's JWKS."""
    os.makedirs(lab.ca_dir, exist_ok=True)
    process = http_bench.start_control_plane(lab, extra_env={
        "INJECTOR_CA_ENABLED": "true", "INJECTOR_MESH_ROOT_CERT_FILE": None,
        "INJECTOR_CA_DIRECTORY": lab.ca_dir, "INJECTOR_CA_PLUGIN_DIRECTORY": os.path.join(lab.work, "no-plugged-in-ca"),
        "INJECTOR_CA_SERVER_NAMES": lab.cp_ip, "INJECTOR_CA_JWT_ISSUER": ISSUER,
        "INJECTOR_CA_JWT_JWKS_FILE": os.path.join(lab.jwt_dir, "jwks.json")})
    os.chmod(lab.ca_dir, 0o755)
    os.chmod(os.path.join(lab.ca_dir, "root-cert.pem"), 0o644)
    return process


HAPROXY_DEFAULTS = http_bench.HAPROXY_HTTP_HEAD + """  timeout server 10s
"""

HAPROXY_CLIENT = HAPROXY_DEFAULTS + """frontend outbound
  bind 0.0.0.0:15001
  use_backend fresh if {{ dst {new_ip} }}
  default_backend app
backend app
  http-reuse always
  server server-1 {server_ip}:{port} ssl crt {certs}/client.pem ca-file {certs}/root.crt verify required
backend fresh
  http-reuse never
  server server-1 {server_ip}:{port} ssl crt {certs}/client.pem ca-file {certs}/root.crt verify required no-ssl-reuse
"""

HAPROXY_SERVER = HAPROXY_DEFAULTS + """frontend inbound
  bind 0.0.0.0:15006 ssl crt {certs}/server.pem ca-file {certs}/root.crt verify required
  default_backend app
backend app
  http-reuse always
  source 127.0.0.6
  server app {server_ip}:{port}
"""


def start_peers(lab, peer):
    """The client's and the server's proxy (or HAProxy), each on the proxy CPU as uid 1337."""
    processes = []
    for ns, pod, account, ip, role in ((lab.server, SERVER_POD, SERVER_SA, lab.server_ip, "server"),
                                       (lab.cli, CLIENT_POD, CLIENT_SA, lab.cli_ip, "client")):
        name = f"{peer}-{role}"
        if peer.startswith("ours"):
            java_opts = os.environ.get("BENCH_PROXY_JAVA_OPTS", "") + (" -Dsidecar.proxy.tls=jdk" if peer == "ours-jdk" else "")
            argv = [os.path.join(lab.work, "sidecar-proxy"), "run", "--drain-seconds", "1",
                    "--control-plane", f"{lab.cp_ip}:{STREAM_PORT}", "--root-cert", os.path.join(lab.ca_dir, "root-cert.pem"),
                    "--token-file", os.path.join(lab.work, f"token-{pod}")]
            env = {"JAVA_HOME": l4.JAVA_HOME, "SIDECAR_PROXY_JAVA_OPTS": java_opts.strip(), "POD_NAME": pod,
                   "POD_NAMESPACE": NAMESPACE, "INSTANCE_IP": ip, "SERVICE_ACCOUNT": account}
            ports = [15006, 15001]
        else:
            conf = os.path.join(lab.work, f"{name}.conf")
            template = HAPROXY_CLIENT if role == "client" else HAPROXY_SERVER
            with open(conf, "w") as f:
                f.write(template.format(new_ip=lab.new_ip, server_ip=lab.server_ip, port=PORT,
                                        certs=os.path.join(lab.work, "haproxy-certs")))
            os.chmod(conf, 0o644)
            argv, env = [l4.HAPROXY_BIN, "-db", "-f", conf], {}
            ports = [15001] if role == "client" else [15006]
        process = lab.start(ns, name, argv, l4.PROXY_CPU, l4.PROXY_UID, env)
        lab.wait_listening(ns, ports, process, name)
        processes.append(process)
    return processes


MTLS_SERIES = """
import sys, urllib.request
text = urllib.request.urlopen('http://127.0.0.1:15090/stats/prometheus', timeout=5).read().decode()
total = 0
for line in text.splitlines():
    if line.startswith('istio_requests_total{') and 'reporter="destination"' in line \\
            and 'connection_security_policy="mutual_tls"' in line:
        total += float(line.rsplit(' ', 1)[1])
print(int(total))
"""


def set_rules(lab, peer):
    """`sidecar-proxy init` in both pods, or no nat table at all for direct."""
    for ns in (lab.cli, lab.server):
        view = lab.view(lab.cluster_ip)
        view.pod = ns
        l4.set_rules(view, "direct" if peer == "direct" else "ours")


def get_once(lab, host):
    """One request from the client pod as its app (uid 1000): the body's last word."""
    return lab.ns(lab.cli, "setpriv", f"--reuid={l4.APP_UID}", f"--regid={l4.APP_UID}", "--clear-groups",
                  "/usr/bin/python3", "-c", "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5)"
                  ".read().split()[-1].decode())", f"http://{host}:{PORT}/").stdout.strip()


def bench_peer(lab, peer):
    host = lab.server_ip if peer == "direct" else lab.cluster_ip
    view = lab.view(host)
    set_rules(lab, peer)
    processes = start_peers(lab, peer) if peer != "direct" else []
    pids = tuple(p.pid for p in processes)
    row = {"peer": peer}
    flags = []
    try:
        if peer.startswith("ours"):
            # The HTTP section's wait: ready, with a configuration from the control plane (its version kept).
            dumps = [json.loads(lab.ns(ns, "/usr/bin/python3", "-c", http_bench.WAIT_FOR_CONFIG).stdout) for ns in (lab.server, lab.cli)]
            row["config_version"] = dumps[-1]["version"]
        answer = get_once(lab, host)
        if answer != "server-1":
            raise RuntimeError(f"{peer}: expected server-1 to answer, got {answer!r}")
        if pids:
            row["rss_idle_mb"] = max(l4.memory(p)["rss"] for p in pids)

        # 1. Fixed rate over keep-alive connections: both proxies' CPU, and each one's RSS.
        fixed_runs = []
        for i in range(FIXED_RUNS):
            def fixed():
                client = l4.fixed_rate(view, "outbound", FIXED_SECONDS)
                samples = []
                while client.poll() is None:
                    samples += [(p, l4.memory(p)["rss"]) for p in pids]
                    time.sleep(0.25)
                result = l4.fixed_rate_result(client, FIXED_SECONDS)
                for role, p in zip(("server", "client"), pids):
                    result[f"rss_{role}_mb"] = max((rss for q, rss in samples if q == p), default=None)
                return result
            r = l4.measured(lab, pids, f"{peer} fixed {FIXED_RATE}/s ({i + 1}/{FIXED_RUNS})", fixed)
            r["cpu_per_1k"] = r["proxy_cpu_s"] / (r["requests"] + FIXED_RATE) * 1000 if pids else None
            fixed_runs.append(r)
            flags += [f"fixed:{r['others_top']}"] if r["disturbed"] else []
        cpu = sorted(r["cpu_per_1k"] for r in fixed_runs) if pids else []
        first = fixed_runs[0]
        row.update({"fixed_p50_us": http_bench.median([r["p50_us"] for r in fixed_runs]),
                    "fixed_p99_us": http_bench.median([r["p99_us"] for r in fixed_runs]),
                    "fixed_errors": sum(r["errors"] for r in fixed_runs),
                    "cpu_per_1k_fixed": http_bench.median(cpu), "cpu_per_1k_fixed_min": cpu[0] if cpu else None,
                    "cpu_per_1k_fixed_max": cpu[-1] if cpu else None,
                    "rss_client_mb": first.get("rss_client_mb"), "rss_server_mb": first.get("rss_server_mb")})
        l4.log(f"  {peer}: {FIXED_RATE}/s p50 {row['fixed_p50_us']:.0f} us"
               + (f", {row['cpu_per_1k_fixed']:.4f} CPU-s per 1k (runs {', '.join(f'{c:.4f}' for c in cpu)}), "
                  f"RSS client {row['rss_client_mb']:.1f} MB, server {row['rss_server_mb']:.1f} MB" if pids else ""))

        # 2. One connection, one request at a time.
        r = l4.measured(lab, pids, f"{peer} c1", lambda: l4.wrk(view, "outbound", 1, SECONDS))
        row.update({"c1_p50_us": r["p50_us"], "c1_p99_us": r["p99_us"], "c1_errors": r["errors"]})
        flags += [f"c1:{r['others_top']}"] if r["disturbed"] else []
        l4.log(f"  {peer}: c1 p50 {r['p50_us']:.0f} us, p99 {r['p99_us']:.0f} us")

        # 3. New connections: every request on a new connection, and between the proxies a new mutual TLS one.
        if peer != "direct":
            fresh = lab.view(lab.new_ip)
            l4.wrk(fresh, "outbound", 50, 1, extra=("-H", "Connection: close"))  # warm-up
            runs = []
            for i in range(NEW_RUNS):
                r = l4.measured(lab, pids, f"{peer} new connections ({i + 1}/{NEW_RUNS})",
                                lambda: l4.wrk(fresh, "outbound", 50, SECONDS, extra=("-H", "Connection: close")))
                runs.append(r)
                flags += [f"new:{r['others_top']}"] if r["disturbed"] else []
            row.update({"new_per_s": http_bench.median([r["rps"] for r in runs]), "new_errors": sum(r["errors"] for r in runs),
                        "cpu_per_1k_new": http_bench.median([r["proxy_cpu_s"] / r["requests"] * 1000 for r in runs])})
            l4.log(f"  {peer}: {row['new_per_s']:.0f} new mutual TLS connections/s, "
                   f"{row['cpu_per_1k_new']:.3f} CPU-s per 1k, errors {row['new_errors']}")
        if peer.startswith("ours"):
            row["mtls_requests"] = int(lab.ns(lab.server, "/usr/bin/python3", "-c", MTLS_SERIES).stdout.strip())
            if row["mtls_requests"] < 1000:
                raise RuntimeError(f"{peer}: the server proxy counted {row['mtls_requests']} mutual TLS requests")
            l4.log(f"  {peer}: the server proxy counted {row['mtls_requests']} requests as mutual TLS")
    finally:
        row["disturbed"] = "; ".join(flags)
        for process in processes:
            lab.stop(process)
        time.sleep(0.5)
    return row


COLUMNS = ["peer", "cpu_per_1k_fixed", "cpu_per_1k_fixed_min", "cpu_per_1k_fixed_max", "fixed_p50_us", "fixed_p99_us",
           "rss_idle_mb", "rss_client_mb", "rss_server_mb", "c1_p50_us", "c1_p99_us", "added_p50_us", "new_per_s",
           "cpu_per_1k_new", "fixed_errors", "c1_errors", "new_errors", "mtls_requests", "config_version", "disturbed"]
fmt, ratio = l4.fmt, l4.ratio


def add_derived(rows):
    direct = next((r for r in rows if r["peer"] == "direct"), None)
    for r in rows:
        if direct and r["peer"] != "direct" and "c1_p50_us" in r:
            r["added_p50_us"] = r["c1_p50_us"] - direct["c1_p50_us"]


def verdicts(rows, ours_peer):
    ours = next((r for r in rows if r["peer"] == ours_peer), None)
    peer = next((r for r in rows if r["peer"] == "haproxy-mtls"), None)
    if not ours or not peer:
        return []
    out = []
    for label, key, higher_better in (("CPU-s per 1k requests at 1,000 req/s (both proxies)", "cpu_per_1k_fixed", False),
                                      ("added p50 at c1 (us)", "added_p50_us", False),
                                      ("new mutual TLS connections per second", "new_per_s", True)):
        a, b = ours.get(key), peer.get(key)
        if a is None or b is None or b == 0:
            out.append((label, a, b, None, None))
            continue
        r = a / b
        out.append((label, a, b, r, r >= 1.0 if higher_better else r <= 1.0))
    rss = max(ours.get("rss_client_mb") or 0, ours.get("rss_server_mb") or 0)
    out.append(("RSS of a proxy at 1,000 req/s (MB, the larger)", rss,
                max(peer.get("rss_client_mb") or 0, peer.get("rss_server_mb") or 0), None, rss <= RSS_TARGET_MB))
    return out


def markdown(rows, info, quiet, command):
    out = ["# Proxy benchmark, mTLS path" + (" (quick)" if QUICK else ""), "",
           f"Run {info['date']} by `{command}` ({info['duration']}). Generated by `bench/proxy/mtls.py`; method in "
           "`docs/benchmarks-proxy.md` (\"mTLS path\").", "",
           "The load (uid 1000, CPU 0) calls the Service `app` at its ClusterIP; the client pod's proxy takes it and "
           "speaks mutual TLS to the server pod's proxy, which hands it to nginx (CPU 0) in its pod. Both proxies run "
           "on CPU 1 as uid 1337 and their CPU is added. `app-new` is the same pod with a new connection per request. "
           "`direct` calls nginx with no proxy and no rules.", ""]
    for ours_peer, provider in (("ours", "BoringSSL"), ("ours-jdk", "the JDK's TLS")):
        v = verdicts(rows, ours_peer)
        if not v:
            continue
        out += [f"## Targets: `{ours_peer}` ({provider}) against HAProxy", "",
                "| figure | ours | HAProxy | ratio | target | |", "| --- | --- | --- | --- | --- | --- |"]
        targets = ["<= 1.0x", "<= 1.0x", ">= 1.0x", f"<= {RSS_TARGET_MB:.0f} MB"]
        for (label, a, b, r, met), target in zip(v, targets):
            digits = 4 if "CPU" in label else (1 if "RSS" in label else 0)
            out.append(f"| {label} | {fmt(a, digits)} | {fmt(b, digits)} | {'' if r is None else f'{r:.2f}x'} | {target} | "
                       f"{'-' if met is None else ('met' if met else 'MISSED')} |")
        out.append("")
    out += ["## Figures", "",
            "CPU-s / 1k req at 1,000/s: both proxies, median of the runs (lowest and highest in brackets); RSS of each "
            "proxy from the first run. New connections: wrk c50 with `Connection: close` to `app-new`, median of the runs.", "",
            "| peer | CPU-s / 1k req at 1,000/s | fixed p50 us | fixed p99 us | RSS client MB | RSS server MB | c1 p50 us | "
            "c1 p99 us | added p50 us | new connections/s | CPU-s / 1k new connections | errors | mTLS requests counted |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        cpu = (f"{fmt(r.get('cpu_per_1k_fixed'), 4)} [{fmt(r.get('cpu_per_1k_fixed_min'), 4)}-{fmt(r.get('cpu_per_1k_fixed_max'), 4)}]"
               if r.get("cpu_per_1k_fixed") is not None else "-")
        errors = sum(r.get(k) or 0 for k in ("fixed_errors", "c1_errors", "new_errors"))
        out.append(f"| {r['peer']} | {cpu} | {fmt(r.get('fixed_p50_us'))} | {fmt(r.get('fixed_p99_us'))} | "
                   f"{fmt(r.get('rss_client_mb'), 1)} | {fmt(r.get('rss_server_mb'), 1)} | {fmt(r.get('c1_p50_us'))} | "
                   f"{fmt(r.get('c1_p99_us'))} | {fmt(r.get('added_p50_us'))} | {fmt(r.get('new_per_s'))} | "
                   f"{fmt(r.get('cpu_per_1k_new'), 3)} | {errors} | {r.get('mtls_requests', '-')} |")
    out += http_bench.report_tail(rows, info)
    out += ["", "## Command lines", "",
            "- load: `ip netns exec CLIENT taskset -c 0 setpriv --reuid=1000 ... wrk -t1 -cN -d5s --latency http://CLUSTER_IP:8080/` "
            "(new connections: `-c50 -H 'Connection: close' http://APP_NEW_IP:8080/`; direct: `http://SERVER_IP:8080/`)",
            "- fixed rate: `java FixedRate CLUSTER_IP 8080 1000 6 16 1` (bench/tools/FixedRate.java)",
            "- ours: in each pod `taskset -c 1 setpriv --reuid=1337 ... sidecar-proxy run --control-plane CP_IP:15012 "
            "--root-cert mesh-ca/root-cert.pem --token-file TOKEN` (ours-jdk: `SIDECAR_PROXY_JAVA_OPTS=-Dsidecar.proxy.tls=jdk`)",
            "- control plane: the HTTP section's, with `INJECTOR_CA_ENABLED=true` and hack/dev-token.sh's JWKS",
            "- HAProxy: in each pod `taskset -c 1 setpriv --reuid=1337 ... haproxy -db -f CONF`; configurations in "
            "`bench/proxy/mtls.py` (`HAPROXY_CLIENT`, `HAPROXY_SERVER`)",
            "- rules: `sidecar-proxy init` in both pods (direct: `nft delete table ip nat` in both)"]
    return "\n".join(out) + "\n"


def prepare(lab):
    l4.log(f"namespaces: client {lab.cli}, server {lab.server}, control plane {lab.cp}, hub {lab.hub}")
    lab.setup()
    l4.nginx_app(lab, lab.server, lab.server_ip, "server-1", l4.APP_UID)
    body = b" server-1\n"
    with open(os.path.join(lab.work, "server-1", "www", "index.html"), "wb") as f:
        f.write(b"x" * (len(l4.BODY) - len(body)) + body)
    if any(p.startswith("ours") for p in PEERS):
        started = time.monotonic()
        start_control_plane(lab)
        l4.log(f"control plane with its CA listening on {lab.cp_ip}:{STREAM_PORT} after {time.monotonic() - started:.1f}s")


def main():
    http_bench.run_section("proxy-mtls", "proxy mTLS bench", PEERS, Lab(), prepare, bench_peer, add_derived, COLUMNS, markdown)


if __name__ == "__main__":
    main()
