#!/usr/bin/env bash
# Proxy benchmark, mTLS path (issue 11): a client proxy and a server proxy speaking Istio's mutual TLS (certificates
# from the real control plane's CA), with BoringSSL and with the JDK's TLS, against HAProxy doing TLS on both sides
# with client certificates, behind the real `sidecar-proxy init` rules in network namespaces. Needs root.
# Results: RESULTS/proxy-mtls.md and proxy-mtls.csv (proxy-mtls-quick.* with BENCH_QUICK=1).
#
#   bench/proxy-mtls.sh                 # full run, about 5 minutes on a quiet machine
#   BENCH_QUICK=1 bench/proxy-mtls.sh   # smoke run, about a minute
#
# Knobs (BENCH_MTLS_PEERS, BENCH_SECONDS, BENCH_PROXY_JAVA_OPTS, BENCH_CP_APP, BENCH_HAPROXY) are described at the
# top of bench/proxy/mtls.py. Method: docs/benchmarks-proxy.md, "mTLS path".
set -o errexit -o nounset -o pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

proxy_lab_needs bench/proxy-mtls.sh "${BENCH_MTLS_PEERS:-haproxy-mtls}" haproxy-mtls

step "proxy-mtls: ours (BoringSSL, the JDK's TLS) vs HAProxy with TLS and client certificates vs direct$( [[ "${BENCH_QUICK}" == 1 ]] && echo ' (quick)')"
BENCH_OUT="${BENCH_OUT:-${RESULTS}}" exec /usr/bin/python3 "${BENCH_DIR}/proxy/mtls.py"
