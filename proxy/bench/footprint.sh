#!/usr/bin/env bash
# Measures the proxy's RSS and CPU at a steady request rate, in throwaway network namespaces:
# the real init, the real proxy as uid 1337 (via bin/sidecar-proxy), a python client as uid 1000
# making one new outbound connection per request. Needs root. Run after `make build`.
#
#   proxy/bench/footprint.sh [RATE=1000] [SECONDS=20]
#   SIDECAR_PROXY_JAVA_OPTS="-Xmx24m" proxy/bench/footprint.sh   # try other JVM flags
set -o errexit -o nounset -o pipefail

rate="${1:-1000}"
seconds="${2:-20}"
proxy_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java_home="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
suffix="b$$"
pod="spod-${suffix}"
remote="srem-${suffix}"
work="$(mktemp -d /tmp/sidecar-proxy-bench.XXXXXX)"

cleanup() {
  for ns in "${pod}" "${remote}"; do
    for pid in $(ip netns pids "${ns}" 2>/dev/null); do kill "${pid}" 2>/dev/null || true; done
  done
  sleep 0.5
  ip netns del "${pod}" 2>/dev/null || true
  ip netns del "${remote}" 2>/dev/null || true
  rm -rf "${work}"
}
trap cleanup EXIT

# uid 1337 and 1000 cannot read /root: stage everything they run in a world-readable folder.
chmod 755 "${work}"
cp "${proxy_dir}/target/sidecar-proxy.jar" "${proxy_dir}/bin/sidecar-proxy" "${proxy_dir}/src/test/resources/e2e/tcptool.py" "${work}/"
chmod 644 "${work}/sidecar-proxy.jar"

ip netns add "${pod}"
ip netns add "${remote}"
ip link add "vp${suffix}" type veth peer name "vr${suffix}"
ip link set "vp${suffix}" netns "${pod}"
ip link set "vr${suffix}" netns "${remote}"
ip -n "${pod}" addr add 10.251.7.2/24 dev "vp${suffix}"
ip -n "${remote}" addr add 10.251.7.1/24 dev "vr${suffix}"
for ns in "${pod}" "${remote}"; do ip -n "${ns}" link set lo up; done
ip -n "${pod}" link set "vp${suffix}" up
ip -n "${remote}" link set "vr${suffix}" up
ip netns exec "${pod}" sysctl -qw net.ipv4.tcp_tw_reuse=1

ip netns exec "${remote}" /usr/bin/python3 "${work}/tcptool.py" serve 10.251.7.1 9000 >"${work}/server.log" 2>&1 &
ip netns exec "${pod}" env JAVA_HOME="${java_home}" "${work}/sidecar-proxy" init >/dev/null
ip netns exec "${pod}" setpriv --reuid=1337 --regid=1337 --clear-groups \
  env JAVA_HOME="${java_home}" SIDECAR_PROXY_JAVA_OPTS="${SIDECAR_PROXY_JAVA_OPTS:-}" \
  "${work}/sidecar-proxy" run >"${work}/proxy.log" 2>&1 &
ip netns exec "${pod}" env JAVA_HOME="${java_home}" "${work}/sidecar-proxy" wait --timeout-seconds 30 2>/dev/null

proxy_pid=""
for pid in $(ip netns pids "${pod}"); do
  if [[ "$(cat "/proc/${pid}/comm")" == java ]]; then proxy_pid="${pid}"; fi
done
ticks() { awk '{print $14 + $15}' "/proc/${proxy_pid}/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/${proxy_pid}/status"; }

idle_rss="$(rss)"
ticks_before="$(ticks)"
result="$(ip netns exec "${pod}" setpriv --reuid=1000 --regid=1000 --clear-groups \
  /usr/bin/python3 "${work}/tcptool.py" load 10.251.7.1 9000 "${rate}" "${seconds}")"
requests="${result#ok }"
ticks_after="$(ticks)"
hz="$(getconf CLK_TCK)"
echo "requests:            ${requests} in ${seconds}s (target ${rate}/s)"
echo "rss idle:            $((idle_rss / 1024)) MB"
echo "rss after load:      $(($(rss) / 1024)) MB"
awk -v t="$((ticks_after - ticks_before))" -v hz="${hz}" -v n="${requests}" \
  'BEGIN { printf "cpu per 1k requests: %.3f s\n", t / hz / n * 1000 }'
