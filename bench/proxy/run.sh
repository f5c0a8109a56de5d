#!/usr/bin/env bash
# Proxy benchmark (issue 6, part 3): our sidecar proxy against no proxy, HAProxy (TCP and HTTP mode)
# and nginx stream, all behind the real `sidecar-proxy init` rules in network namespaces.
# Needs root. Prints progress step by step and a summary table; results go to bench/results/proxy.*
#
#   bench/proxy/run.sh                 # full run, about 6 minutes on a quiet machine
#   BENCH_QUICK=1 bench/proxy/run.sh   # one-minute smoke run (results in a temp folder)
#
# More knobs (BENCH_PEERS, BENCH_PATHS, BENCH_SECONDS, BENCH_OUT, BENCH_PROXY_JAVA_OPTS) are
# described at the top of bench/proxy/bench.py. Method: docs/benchmarks-proxy.md.
set -o errexit -o nounset -o pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [[ "$(id -u)" != 0 ]]; then
  echo "bench/proxy/run.sh: needs root (network namespaces, iptables, setpriv)" >&2
  exit 1
fi

export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [[ ! -x "${JAVA_HOME}/bin/java" ]]; then
  echo "bench/proxy/run.sh: no JDK at JAVA_HOME=${JAVA_HOME} (JDK 25 wanted)" >&2
  exit 1
fi

missing=()
peers=",${BENCH_PEERS:-haproxy,nginx-stream},"
for tool in wrk:wrk haproxy:haproxy nginx:nginx nft:nftables taskset:util-linux; do
  # HAProxy is not needed when BENCH_HAPROXY names another build or no HAProxy peer runs.
  [[ "${tool}" == haproxy:* && ( -n "${BENCH_HAPROXY:-}" || "${peers}" != *,haproxy* ) ]] && continue
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
[[ -f /usr/lib/nginx/modules/ngx_stream_module.so || "${peers}" != *,nginx-stream,* ]] || missing+=(libnginx-mod-stream)
if ((${#missing[@]} > 0)); then
  echo "==> installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The proxy jar, rebuilt when its sources are newer (bench/lib.sh; in a subshell, so none of its settings leak here).
(source "${repo}/bench/lib.sh" && build_proxy_jar)

exec /usr/bin/python3 "${repo}/bench/proxy/bench.py"
