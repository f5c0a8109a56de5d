#!/usr/bin/env python3
"""Writes the control-plane benchmark's mesh: a directory the control plane's directory source reads.

    gen-mesh.py DIR SERVICES ENDPOINTS_PER_SERVICE PROXIES

SERVICES Services in 10 namespaces (ns0..ns9), each with a ClusterIP, one port and one EndpointSlice of
ENDPOINTS_PER_SERVICE ready endpoints, each endpoint a Pod (labels app and version v0/v1); every other Service
has a DestinationRule (subsets v0, v1) and a VirtualService (90/10 over the subsets, timeout 10s), as in
CompileScaleTest. The VirtualService of svc0 lives alone in change.yaml, with change-a.yaml (90/10) and
change-b.yaml (80/20) beside the directory: the benchmark swaps them in to make one change every proxy sees
(the VirtualService is exported to every namespace). DIR/../proxies.txt lists PROXIES pods, "namespace pod ip"
per line, spread over the namespaces: the pods the stream clients say hello as.
"""
import os
import sys


def service(s):
    ns, name = f"ns{s % 10}", f"svc{s}"
    return ns, name, f"10.96.{s // 250}.{s % 250}"


def pod_ip(s, e):
    return f"10.{100 + s // 250}.{s % 250}.{e + 1}"


def virtual_service(ns, name, weights):
    return f"""apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: {name}, namespace: {ns}}}
spec:
  hosts: [{name}]
  http:
  - route:
    - destination: {{host: {name}, subset: v0}}
      weight: {weights[0]}
    - destination: {{host: {name}, subset: v1}}
      weight: {weights[1]}
    timeout: 10s
"""


def main():
    out, services, endpoints, proxies = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    if services < 10 or proxies > services:
        sys.exit("need at least 10 services and no more proxies than services")
    os.makedirs(out, exist_ok=True)
    docs = {f"ns{n}": [] for n in range(10)}
    for s in range(services):
        ns, name, cluster_ip = service(s)
        d = docs[ns]
        d.append(f"""apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {ns}}}
spec:
  clusterIP: {cluster_ip}
  selector: {{app: {name}}}
  ports: [{{name: http, port: 80, targetPort: 8080}}]
""")
        slice_endpoints = "".join(
            f"""- addresses: [{pod_ip(s, e)}]
  conditions: {{ready: true}}
  targetRef: {{kind: Pod, name: {name}-{e}, namespace: {ns}}}
""" for e in range(endpoints))
        d.append(f"""apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: {name}-x
  namespace: {ns}
  labels: {{kubernetes.io/service-name: {name}}}
addressType: IPv4
ports: [{{name: http, port: 8080}}]
endpoints:
{slice_endpoints}""")
        for e in range(endpoints):
            d.append(f"""apiVersion: v1
kind: Pod
metadata:
  name: {name}-{e}
  namespace: {ns}
  labels: {{app: {name}, version: v{e % 2}}}
spec: {{serviceAccountName: {name}}}
status: {{podIP: {pod_ip(s, e)}}}
""")
        if s % 2 == 0:
            d.append(f"""apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: {name}, namespace: {ns}}}
spec:
  host: {name}
  subsets:
  - {{name: v0, labels: {{version: v0}}}}
  - {{name: v1, labels: {{version: v1}}}}
""")
            if s != 0:
                d.append(virtual_service(ns, name, (90, 10)))
    for ns, d in docs.items():
        with open(os.path.join(out, f"{ns}.yaml"), "w") as f:
            f.write("---\n".join(d))
    parent = os.path.dirname(os.path.abspath(out))
    for suffix, weights in (("a", (90, 10)), ("b", (80, 20))):
        with open(os.path.join(parent, f"change-{suffix}.yaml"), "w") as f:
            f.write(virtual_service("ns0", "svc0", weights))
    with open(os.path.join(out, "change.yaml"), "w") as f:
        f.write(virtual_service("ns0", "svc0", (90, 10)))
    # Proxies as CompileScaleTest picks them: spread over the Services and so over the namespaces.
    step = services // proxies
    with open(os.path.join(parent, "proxies.txt"), "w") as f:
        for p in range(proxies):
            s = p * step + p % 10 if p * step + p % 10 < services else p * step
            ns, name, _ = service(s)
            f.write(f"{ns} {name}-0 {pod_ip(s, 0)}\n")


if __name__ == "__main__":
    main()
