#!/usr/bin/python3
"""Inbound policy benchmark (issue 12): what AuthorizationPolicy and RequestAuthentication cost on the inbound HTTP
path. Called by bench/proxy-policy.sh (which checks root, installs packages and builds the jars).

One pod namespace (the proxy as uid 1337 behind the `sidecar-proxy init` rules, nginx as the app on POD_IP:8080)
and one client namespace (the load, and the control plane on the directory source). The same proxy process serves
the same load under two configurations, switched by rewriting the control plane's directory and alternated
BENCH_POLICY_ROUNDS times so both see the same machine:

    none:   the payment Service and pod, no policy
    policy: ten ALLOW rules of one AuthorizationPolicy (nine for other paths and methods, the tenth requiring a
            request principal from the bench's issuer) and a RequestAuthentication with an RS256 JWKS; every
            request carries a valid RS256 token (Authorization: Bearer), so every request is verified and matched

Figures per configuration: the proxy's CPU-s per 1,000 requests at the fixed rate (median of the rounds) and the
added p50 at one connection (wrk -c1). Targets: policy adds <= 10 % CPU and <= 20 us p50.

Environment: BENCH_QUICK=1, BENCH_OUT, BENCH_POLICY_ROUNDS (default 3, 1 when quick), BENCH_SECONDS,
BENCH_PROXY_JAVA_OPTS, BENCH_CP_APP, SIDECAR_PROXY_JAR, JAVA_HOME.
"""
import base64
import datetime
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as l4  # noqa: E402 - the L4 bench's lab, load generators and disturbance checks

# The HTTP section's module (its control plane), by path: the name http is the standard library's.
_spec = importlib.util.spec_from_file_location("http_bench", os.path.join(os.path.dirname(os.path.abspath(__file__)), "http.py"))
http_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(http_bench)

QUICK = l4.QUICK
ROUNDS = int(os.environ.get("BENCH_POLICY_ROUNDS", "1" if QUICK else "3"))
SECONDS = l4.SECONDS
FIXED_SECONDS = l4.FIXED_SECONDS
NAMESPACE, SERVICE, POD, ACCOUNT = "bench", "payment", "payment-1", "payment"
ISSUER = "https://bench.issuer"
STREAM_PORT = http_bench.STREAM_PORT
CPU_TARGET, P50_TARGET = 0.10, 20.0


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(work):
    """An RSA key made by openssl, its JWKS, and an RS256 token for the issuer (valid for a day)."""
    key = os.path.join(work, "jwt.key")
    l4.sh("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key)
    modulus = l4.sh("openssl", "rsa", "-in", key, "-noout", "-modulus").stdout.strip().split("=", 1)[1]
    jwks = {"keys": [{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "bench", "e": "AQAB",
                      "n": b64url(bytes.fromhex(modulus))}]}
    now = int(time.time())
    header = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "bench"}).encode())
    payload = b64url(json.dumps({"iss": ISSUER, "sub": "client-1", "aud": "payment", "iat": now,
                                 "exp": now + 86400}).encode())
    signed = f"{header}.{payload}".encode()
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signed, capture_output=True,
                               check=True).stdout
    return json.dumps(jwks), f"{header}.{payload}.{b64url(signature)}"


def mesh_yaml(lab, jwks, with_policy):
    text = f"""# Written by bench/proxy/policy.py ({'policy' if with_policy else 'none'}).
apiVersion: v1
kind: Service
metadata: {{name: {SERVICE}, namespace: {NAMESPACE}}}
spec:
  clusterIP: 10.96.0.80
  selector: {{app: {SERVICE}}}
  ports:
  - {{name: http, port: 8080, targetPort: 8080}}
---
apiVersion: v1
kind: Pod
metadata: {{name: {POD}, namespace: {NAMESPACE}, labels: {{app: {SERVICE}}}}}
spec:
  serviceAccountName: {ACCOUNT}
  containers: [{{name: app, image: nginx, ports: [{{containerPort: 8080}}]}}]
status: {{podIP: {lab.pod_ip}}}
"""
    if with_policy:
        rules = "".join(f"""  - to: [{{operation: {{methods: [POST], paths: ["/admin/rule-{i}/*"]}}}}]
""" for i in range(1, 10))
        text += f"""---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {{name: bench-jwt, namespace: {NAMESPACE}}}
spec:
  selector: {{matchLabels: {{app: {SERVICE}}}}}
  jwtRules:
  - issuer: "{ISSUER}"
    audiences: [payment]
    jwks: '{jwks}'
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {{name: bench-allow, namespace: {NAMESPACE}}}
spec:
  selector: {{matchLabels: {{app: {SERVICE}}}}}
  action: ALLOW
  rules:
{rules}  - from: [{{source: {{requestPrincipals: ["{ISSUER}/*"]}}}}]
    to: [{{operation: {{methods: [GET], paths: ["/*"]}}}}]
"""
    return text


def write_mesh(lab, jwks, with_policy):
    directory = os.path.join(lab.work, "mesh")
    os.makedirs(directory, exist_ok=True)
    temporary = os.path.join(directory, ".mesh.yaml.tmp")
    with open(temporary, "w") as f:
        f.write(mesh_yaml(lab, jwks, with_policy))
    os.rename(temporary, os.path.join(directory, "mesh.yaml"))


def start_control_plane(lab):
    """http.py's control plane, in the client namespace, with a serving certificate for the client's address."""
    certs = os.path.join(lab.work, "certs")
    l4.sh(os.path.join(l4.REPO, "hack/dev-certs.sh"), certs, lab.cli_ip)
    for name in os.listdir(certs):
        os.chmod(os.path.join(certs, name), 0o600 if name.endswith(".key") else 0o644)
    os.chmod(certs, 0o755)
    return http_bench.start_control_plane(lab, lab.cli)


def start_proxy(lab):
    argv = [os.path.join(lab.work, "sidecar-proxy"), "run", "--drain-seconds", "1",
            "--control-plane", f"{lab.cli_ip}:{STREAM_PORT}", "--root-cert", os.path.join(lab.work, "certs/ca.crt")]
    env = {"JAVA_HOME": l4.JAVA_HOME, "SIDECAR_PROXY_JAVA_OPTS": os.environ.get("BENCH_PROXY_JAVA_OPTS", ""),
           "POD_NAME": POD, "POD_NAMESPACE": NAMESPACE, "INSTANCE_IP": lab.pod_ip, "SERVICE_ACCOUNT": ACCOUNT}
    process = lab.start(lab.pod, "ours", argv, l4.PROXY_CPU, l4.PROXY_UID, env)
    lab.wait_listening(lab.pod, [15006, 15001], process, "ours")
    return process


CONFIG = """
import json, sys, time, urllib.request
want_policy = sys.argv[1] == "policy"
deadline = time.monotonic() + 60
while True:
    try:
        dump = json.load(urllib.request.urlopen('http://127.0.0.1:15000/config_dump', timeout=2))
        snapshot = dump.get('snapshot') or {}
        policy = snapshot.get('inboundPolicy') or {}
        has = bool(policy.get('authorization')) and bool(policy.get('requestAuthentication'))
        inbound = [p for p in snapshot.get('inbound', []) if p.get('port') == 8080 and p.get('protocol') == 'HTTP']
        if dump.get('version') and inbound and has == want_policy:
            print(dump['version'])
            break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit('the proxy did not get the configuration in 60 s: ' + json.dumps(policy if 'policy' in dir() else {}))
    time.sleep(0.1)
"""

STATUS = """
import sys, urllib.request, urllib.error
request = urllib.request.Request(sys.argv[1], headers={'Authorization': 'Bearer ' + sys.argv[2]} if sys.argv[2] else {})
try:
    print(urllib.request.urlopen(request, timeout=5).status)
except urllib.error.HTTPError as e:
    print(e.code)
"""


def status(lab, token):
    return int(lab.ns(lab.cli, "/usr/bin/python3", "-c", STATUS, f"http://{lab.pod_ip}:8080/", token).stdout.strip())


def configure(lab, jwks, token, variant):
    """Switches the control plane's directory to the variant and waits until the proxy runs it; checks that the
    policy is in force (no token 403, a token signed by another key 401, the bench's token 200)."""
    write_mesh(lab, jwks, variant == "policy")
    try:
        version = lab.ns(lab.pod, "/usr/bin/python3", "-c", CONFIG, variant).stdout.strip()
    except RuntimeError as e:
        logs = {name: open(os.path.join(lab.work, f"{name}.log"), errors="replace").read()[-1500:]
                for name in ("ours", "controlplane")}
        raise RuntimeError(f"{e}\n--- ours.log:\n{logs['ours']}\n--- controlplane.log:\n{logs['controlplane']}") from None
    expected = {"": 403 if variant == "policy" else 200, token: 200}
    if variant == "policy":
        forged = token.rsplit(".", 1)[0] + "." + b64url(b"\x00" * 256)
        expected[forged] = 401
    seen = {t: status(lab, t) for t in expected}
    if seen != expected:
        raise RuntimeError(f"{variant}: expected {expected} by token, got {seen}")
    return version


def measure(lab, pid, variant, token):
    header = ["--header", f"Authorization: Bearer {token}"]
    wrk_header = ["-H", f"Authorization: Bearer {token}"]
    l4.wrk(lab, "inbound", 50, 1 if QUICK else 2, wrk_header)  # warm-up

    def fixed():
        client = l4.fixed_rate(lab, "inbound", FIXED_SECONDS, header)
        return l4.fixed_rate_result(client, FIXED_SECONDS)
    r = l4.measured(lab, pid, f"{variant} fixed {l4.FIXED_RATE}/s", fixed)
    row = {"cpu_per_1k": r["proxy_cpu_s"] / (r["requests"] + l4.FIXED_RATE) * 1000, "fixed_p50_us": r["p50_us"],
           "fixed_p99_us": r["p99_us"], "errors": int(r["errors"]), "disturbed": r["others_top"] if r["disturbed"] else ""}
    c1 = l4.measured(lab, pid, f"{variant} c1", lambda: l4.wrk(lab, "inbound", 1, SECONDS, wrk_header))
    row.update({"c1_p50_us": c1["p50_us"], "c1_p99_us": c1["p99_us"], "errors": row["errors"] + int(c1["errors"])})
    if c1["disturbed"]:
        row["disturbed"] = (row["disturbed"] + "; " if row["disturbed"] else "") + c1["others_top"]
    return row


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


COLUMNS = ["variant", "round", "cpu_per_1k", "fixed_p50_us", "fixed_p99_us", "c1_p50_us", "c1_p99_us", "errors",
           "config_version", "disturbed"]


def report(rows, info, command):
    by = {v: [r for r in rows if r["variant"] == v] for v in ("none", "policy")}
    cpu = {v: median([r["cpu_per_1k"] for r in rs]) for v, rs in by.items()}
    p50 = {v: median([r["c1_p50_us"] for r in rs]) for v, rs in by.items()}
    added_cpu = cpu["policy"] / cpu["none"] - 1
    added_p50 = p50["policy"] - p50["none"]
    verdict = {True: "met", False: "MISSED"}
    lines = [f"# Proxy benchmark, inbound policy{' (quick)' if QUICK else ''}", "",
             f"Run {info['date']} by `{command}` ({info['duration']}). Generated by `bench/proxy/policy.py`; "
             "method in `docs/benchmarks-proxy.md` (\"Inbound policy\").", "",
             "One proxy, configured by the control plane, serves the same inbound load (wrk and the fixed-rate client in "
             "another namespace, CPU 0; the proxy on CPU 1; nginx as the app) with no policy and with ten ALLOW rules "
             "plus a RequestAuthentication (RS256 JWKS; every request carries a valid token, so each is verified and "
             f"the tenth rule matches on its request principal), alternated {ROUNDS} time(s).", "",
             "## Targets", "",
             "| figure | no policy | ten rules + JWT | added | target | |", "| --- | --- | --- | --- | --- | --- |",
             f"| CPU-s per 1k requests at {l4.FIXED_RATE:,} req/s | {cpu['none']:.4f} | {cpu['policy']:.4f} | "
             f"{added_cpu * 100:+.1f} % | <= +{CPU_TARGET * 100:.0f} % | {verdict[added_cpu <= CPU_TARGET]} |",
             f"| p50 at one connection (us) | {p50['none']:.0f} | {p50['policy']:.0f} | {added_p50:+.0f} us | "
             f"<= +{P50_TARGET:.0f} us | {verdict[added_p50 <= P50_TARGET]} |", "",
             "## Runs", "", "| variant | round | CPU-s / 1k req | fixed p50 us | fixed p99 us | c1 p50 us | c1 p99 us | errors | disturbed by |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(f"| {r['variant']} | {r['round']} | {r['cpu_per_1k']:.4f} | {r['fixed_p50_us']:.0f} | "
                     f"{r['fixed_p99_us']:.0f} | {r['c1_p50_us']:.0f} | {r['c1_p99_us']:.0f} | {r['errors']} | "
                     f"{r['disturbed'] or '-'} |")
    lines += ["", "Checks before each variant's runs: with the policy, a request with no token is 403, a token with a "
              "forged signature 401, the bench's token 200; with none, 200.", "", "## Machine and versions", ""]
    lines += [f"- {k}: {v}" for k, v in info["versions"].items()]
    return "\n".join(lines) + "\n"


def main():
    started = time.monotonic()
    out_dir = os.environ.get("BENCH_OUT") or (tempfile.mkdtemp(prefix="proxy-policy-bench-quick-") if QUICK
                                              else os.path.join(l4.REPO, "bench/results"))
    os.makedirs(out_dir, exist_ok=True)
    # SIGTERM (make interrupted, a CI timeout) unwinds like Ctrl-C, so the namespaces are always removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    l4.wait_for_quiet()
    l4.MEASURING[0] = time.monotonic()
    lab = l4.Lab()
    rows = []
    try:
        lab.setup()
        l4.nginx_app(lab, lab.pod, lab.pod_ip, "app", l4.APP_UID)
        jwks, token = make_jwt(lab.work)
        write_mesh(lab, jwks, False)
        start_control_plane(lab)
        l4.set_rules(lab, "ours")
        proxy = start_proxy(lab)
        for round_ in range(1, ROUNDS + 1):
            for variant in ("none", "policy"):
                version = configure(lab, jwks, token, variant)
                row = measure(lab, proxy.pid, variant, token)
                row.update({"variant": variant, "round": round_, "config_version": version})
                l4.log(f"  {variant} round {round_}: {row['cpu_per_1k']:.4f} CPU-s per 1k, c1 p50 {row['c1_p50_us']:.0f} us")
                rows.append(row)
                if proxy.poll() is not None:
                    raise RuntimeError("the proxy exited: " + open(os.path.join(lab.work, "ours.log")).read()[-2000:])
    finally:
        lab.close()
    info = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "duration": f"{time.monotonic() - started:.0f} s", "versions": l4.versions()}
    command = ("BENCH_QUICK=1 " if QUICK else "") + "bench/proxy-policy.sh"
    name = "proxy-policy-quick" if QUICK else "proxy-policy"
    l4.write_results(out_dir, name, rows, COLUMNS, report(rows, info, command))


if __name__ == "__main__":
    main()
