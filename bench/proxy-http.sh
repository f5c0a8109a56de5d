#!/usr/bin/env bash
# Proxy benchmark, HTTP path (issue 10): our proxy's HTTP engine, configured by the real control plane, against
# HAProxy in mode http doing the same job (two servers, round robin, kept-alive upstream connections, a 10 s route
# timeout), behind the real `sidecar-proxy init` rules in network namespaces. Needs root.
# Results: RESULTS/proxy-http.md and proxy-http.csv (proxy-http-quick.* with BENCH_QUICK=1).
#
#   bench/proxy-http.sh                 # full run, about 5 minutes on a quiet machine
#   BENCH_QUICK=1 bench/proxy-http.sh   # smoke run, under a minute
#
# Knobs (BENCH_HTTP_PEERS, BENCH_SECONDS, BENCH_PROXY_JAVA_OPTS, BENCH_HTTP_JFR, BENCH_CP_APP, BENCH_HAPROXY) are
# described at the top of bench/proxy/http.py. Method: docs/benchmarks-proxy.md, "HTTP path".
set -o errexit -o nounset -o pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

proxy_lab_needs bench/proxy-http.sh "${BENCH_HTTP_PEERS:-haproxy-http}" haproxy-http

step "proxy-http: ours (HTTP engine, control plane) vs HAProxy mode http vs direct$( [[ "${BENCH_QUICK}" == 1 ]] && echo ' (quick)')"
BENCH_OUT="${BENCH_OUT:-${RESULTS}}" exec /usr/bin/python3 "${BENCH_DIR}/proxy/http.py"
