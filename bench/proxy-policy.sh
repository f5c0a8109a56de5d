#!/usr/bin/env bash
# Proxy benchmark, inbound policy (issue 12): the cost of AuthorizationPolicy and RequestAuthentication on the
# inbound HTTP path. One proxy, configured by the real control plane, serves the same load with no policy and with
# ten ALLOW rules plus a JWT check (RS256), alternating, in network namespaces behind the real `init` rules.
# Results: RESULTS/proxy-policy.md and proxy-policy.csv (proxy-policy-quick.* with BENCH_QUICK=1).
#
#   bench/proxy-policy.sh                 # full run, about 3 minutes on a quiet machine
#   BENCH_QUICK=1 bench/proxy-policy.sh   # smoke run
#
# Knobs (BENCH_POLICY_ROUNDS, BENCH_PROXY_JAVA_OPTS, BENCH_CP_APP) are described at the top of bench/proxy/policy.py.
set -o errexit -o nounset -o pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

proxy_lab_needs bench/proxy-policy.sh

step "proxy-policy: inbound HTTP with no policy vs ten ALLOW rules and a JWT check$( [[ "${BENCH_QUICK}" == 1 ]] && echo ' (quick)')"
BENCH_OUT="${BENCH_OUT:-${RESULTS}}" exec /usr/bin/python3 "${BENCH_DIR}/proxy/policy.py"
