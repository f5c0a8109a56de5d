# Shared helpers for the bench/*.sh scripts; sourced, not run.
# Paths, the quick/full switch, step logging, tool installation, CPU accounting and machine facts.
# shellcheck shell=bash

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${BENCH_DIR}/.." && pwd)"
WORK="${ROOT}/bench/work"
BENCH_QUICK="${BENCH_QUICK:-0}"
if [[ "${BENCH_QUICK}" == 1 ]]; then
  RESULTS="${BENCH_RESULTS:-${ROOT}/bench/results/quick}"
else
  RESULTS="${BENCH_RESULTS:-${ROOT}/bench/results}"
fi
# The load generator runs on CLIENT_CPU, every system under test on SERVER_CPU.
CLIENT_CPU="${BENCH_CLIENT_CPU:-0}"
SERVER_CPU="${BENCH_SERVER_CPU:-1}"
# A run is "disturbed" when CPU busy beyond the measured processes exceeds this share of one core.
OTHER_CPU_LIMIT_PCT="${BENCH_OTHER_CPU_LIMIT_PCT:-10}"
CLK_TCK="$(getconf CLK_TCK)"
export BENCH_QUICK RESULTS CLIENT_CPU SERVER_CPU OTHER_CPU_LIMIT_PCT CLK_TCK
mkdir -p "${WORK}" "${RESULTS}"

if [[ -z "${JAVA_HOME:-}" ]] || ! "${JAVA_HOME}/bin/java" -version >/dev/null 2>&1; then
  JAVA_HOME="$("${ROOT}/hack/java-home.sh")"
fi
export JAVA_HOME
export PATH="${JAVA_HOME}/bin:${PATH}"

# step "what is happening": one numbered, timestamped progress line.
step() {
  BENCH_STEP=$(( ${BENCH_STEP:-0} + 1 ))
  printf '\n\033[1m==> [%s] %s\033[0m\n' "$(date +%T)" "$*"
}

info() {
  printf '    %s\n' "$*"
}

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# need_tools CMD:PACKAGE ...: installs the Debian packages of the missing commands (as root, with apt-get).
need_tools() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
  done
  (( ${#missing[@]} == 0 )) && return 0
  [[ "$(id -u)" -eq 0 ]] || die "missing ${missing[*]}: install them (apt-get install ${missing[*]}) or run as root"
  info "installing ${missing[*]} with apt-get"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# up_to_date JAR SOURCE...: true when JAR exists and no SOURCE (file or folder, relative to ROOT, mesh-api's always
# included) has anything newer.
up_to_date() {
  local jar="$1" sources=() path
  shift
  for path in "$@" mesh-api/src/main mesh-api/pom.xml; do sources+=("${ROOT}/${path}"); done
  [[ -f "${jar}" ]] && [[ -z "$(find "${sources[@]}" -newer "${jar}" -print -quit)" ]]
}

# build_app: packages the webhook when target/quarkus-app is missing or older than the sources.
build_app() {
  if up_to_date "${ROOT}/target/quarkus-app/quarkus-run.jar" src/main pom.xml; then
    info "target/quarkus-app is up to date"
    return 0
  fi
  local flags
  read -r -a flags <<<"${MVN_FLAGS:-}"
  info "building the webhook: ./mvnw -B -ntp -q ${flags[*]} -DskipTests package (mesh-api installed first)"
  (cd "${ROOT}" && ./mvnw -B -ntp -q "${flags[@]}" -f mesh-api/pom.xml -DskipTests install \
    && ./mvnw -B -ntp -q "${flags[@]}" -DskipTests package)
}

# build_proxy_jar: packages the proxy (mesh-api installed first) when proxy/target's jar is absent or older than the
# proxy's or mesh-api's sources; a SIDECAR_PROXY_JAR that exists is taken as it is.
build_proxy_jar() {
  if [[ -n "${SIDECAR_PROXY_JAR:-}" && -f "${SIDECAR_PROXY_JAR}" ]]; then
    return 0
  fi
  if up_to_date "${ROOT}/proxy/target/sidecar-proxy.jar" proxy/src/main proxy/pom.xml; then
    info "proxy/target/sidecar-proxy.jar is up to date"
    return 0
  fi
  local flags
  read -r -a flags <<<"${MVN_FLAGS:-}"
  info "building the proxy jar"
  (cd "${ROOT}" && ./mvnw -B -ntp -q "${flags[@]}" -f mesh-api/pom.xml -DskipTests install \
    && ./mvnw -B -ntp -q "${flags[@]}" -f proxy/pom.xml -DskipTests package)
}

# proxy_lab_needs SCRIPT [PEERS HAPROXY_PEER]: what a proxy section in network namespaces needs before its Python
# runs: root, the load and server tools (HAProxy too when the comma-separated PEERS name HAPROXY_PEER and no
# BENCH_HAPROXY binary is given), the control plane's build (unless BENCH_CP_APP) and the proxy's jar.
proxy_lab_needs() {
  local script="$1" peers="${2:-}" haproxy_peer="${3:-}"
  [[ "$(id -u)" == 0 ]] || die "${script}: needs root (network namespaces, iptables, setpriv)"
  local tools=(wrk:wrk nginx:nginx nft:nftables taskset:util-linux openssl:openssl)
  if [[ -n "${haproxy_peer}" && -z "${BENCH_HAPROXY:-}" && ",${peers}," == *",${haproxy_peer},"* ]]; then
    tools+=(haproxy:haproxy)
  fi
  need_tools "${tools[@]}"
  [[ -n "${BENCH_CP_APP:-}" ]] || build_app
  build_proxy_jar
}

# dev_certs DIR: a CA and a serving certificate for localhost (hack/dev-certs.sh), created once per DIR.
dev_certs() {
  if [[ ! -s "$1/tls.crt" ]] || ! openssl x509 -checkend 3600 -noout -in "$1/tls.crt" >/dev/null 2>&1; then
    "${ROOT}/hack/dev-certs.sh" "$1"
  fi
}

# The image's memory flags under the chart's default limit (384 MiB): the heap sized from it, starting small with a
# young generation of at least 18 MB, and the JIT's freed native memory given back. -XX:MaxRAM stands in for the
# container's limit on this large machine. Then the image's one compiler, C2 (the Dockerfile says why).
# shellcheck disable=SC2034 # read by the scripts that source this file
WEBHOOK_JAVA_OPTS=(-XX:MaxRAM=384m -XX:MaxRAMPercentage=75 -XX:NewSize=18m -XX:TrimNativeHeapInterval=2000 -XX:-TieredCompilation
  -XX:Tier4InvocationThreshold=15000 -XX:Tier4MinInvocationThreshold=1800 -XX:Tier4CompileThreshold=45000 -XX:Tier4BackEdgeThreshold=120000)
# A measured webhook runs on both CPUs during its warm-up, but must size itself as a one-CPU pod does (SerialGC, one
# CPU's thread pools), as it would if it had been started pinned.
# shellcheck disable=SC2034
WEBHOOK_SERVER_OPTS=(-XX:ActiveProcessorCount=1)

# review_body FILE: the bench's AdmissionReview as kube-apiserver sends it, compact (the fixture is pretty-printed for people).
review_body() {
  /usr/bin/python3 -c 'import json, sys; json.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"), separators=(",", ":"))' \
    "${BENCH_DIR}/fixtures/deployment-pod-review.json" "$1"
}

# serve_https PORT LOG COMMAND...: starts COMMAND, a Quarkus server, in the background (its pid in $!), serving HTTPS on
# 127.0.0.1:PORT with the bench's certificate (WORK/certs, made by dev_certs), its output to LOG.
serve_https() {
  local port="$1" log="$2"
  shift 2
  TLS_CERT_FILE="${WORK}/certs/tls.crt" TLS_KEY_FILE="${WORK}/certs/tls.key" QUARKUS_HTTP_SSL_PORT="${port}" QUARKUS_HTTP_HOST=127.0.0.1 \
    "$@" >"${log}" 2>&1 &
}

# Awk functions for the RESULT line of bench/lua/post-review.lua: wrk_fields() reads its key=value pairs into v[];
# cpu_ms(ticks, hz) is then a server's CPU per review, in ms, from the clock ticks it used over the run.
# shellcheck disable=SC2034,SC2016 # awk code, not expanded here
WRK_RESULT_AWK='
function wrk_fields(  i, kv) { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
function cpu_ms(ticks, hz) { return v["requests"] > 0 ? ticks / hz * 1000 / v["requests"] : 0 }'

# wait_ready URL CA SECONDS: polls until URL answers 200 over TLS, trusting only CA; fails after SECONDS.
wait_ready() {
  local deadline=$(( SECONDS + $3 ))
  until curl --silent --fail --max-time 1 --cacert "$2" --output /dev/null "$1"; do
    (( SECONDS < deadline )) || return 1
    sleep 0.05
  done
}

# proc_ticks PID...: utime+stime of the processes (all threads), in clock ticks; gone processes count 0.
proc_ticks() {
  local pid total=0 stat rest
  for pid in "$@"; do
    stat="$(cat "/proc/${pid}/stat" 2>/dev/null)" || continue
    rest="${stat##*) }"
    # After "pid (comm) ", utime and stime are fields 12 and 13.
    read -r -a fields <<<"${rest}"
    total=$(( total + fields[11] + fields[12] ))
  done
  printf '%s\n' "${total}"
}

# busy_ticks: user+nice+system ticks of all CPUs. Interrupt and softirq time is left out: loopback traffic
# of the measured processes lands there.
busy_ticks() {
  awk '/^cpu / {print $2 + $3 + $4; exit}' /proc/stat
}

# rss_mb PID...: resident set size, summed, in MiB (one decimal).
rss_mb() {
  local pid kb=0 value
  for pid in "$@"; do
    value="$(awk '/^VmRSS:/ {print $2}' "/proc/${pid}/status" 2>/dev/null || true)"
    kb=$(( kb + ${value:-0} ))
  done
  awk -v kb="${kb}" 'BEGIN {printf "%.1f\n", kb / 1024}'
}

# wait_for_quiet SECONDS: waits (at most SECONDS) until the machine's CPU busy time over 5 s is below
# OTHER_CPU_LIMIT_PCT of one core, so a run does not start in the middle of someone else's build.
wait_for_quiet() {
  local deadline=$(( SECONDS + $1 )) before after pct
  while true; do
    before="$(busy_ticks)"
    sleep 5
    after="$(busy_ticks)"
    pct=$(( (after - before) * 100 / (5 * CLK_TCK) ))
    if (( pct <= OTHER_CPU_LIMIT_PCT )); then
      info "machine quiet: ${pct}% of a core busy over 5 s"
      return 0
    fi
    if (( SECONDS >= deadline )); then
      info "machine still busy (${pct}% of a core over 5 s) after waiting $1 s: going on, the figures will show it"
      return 0
    fi
    info "machine busy (${pct}% of a core over 5 s): waiting"
  done
}

# loadavg: the 1-minute load average.
loadavg() {
  cut -d' ' -f1 /proc/loadavg
}

# machine_facts FILE: a markdown list of the machine, the tools and their versions.
machine_facts() {
  local java_version wrk_version
  java_version="$("${JAVA_HOME}/bin/java" -version 2>&1 | sed -n 2p)"
  wrk_version="$( (wrk --version 2>&1 || true) | head -1 | awk '{print $2}')"
  {
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ), git $(git -C "${ROOT}" rev-parse --short HEAD)$(git -C "${ROOT}" diff --quiet HEAD -- src pom.xml bench ':!bench/results' || echo ' (with uncommitted changes)')"
    echo "- CPU: $(nproc) x $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), kernel $(uname -r), $(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) memory"
    echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- JDK: ${java_version}"
    echo "- tools: wrk ${wrk_version}, $(nginx -v 2>&1 | sed 's/.*version: //'), $(hyperfine --version 2>/dev/null), $(openssl version | cut -d' ' -f1-2)"
    echo "- pinning: load generator on CPU ${CLIENT_CPU}, system under test on CPU ${SERVER_CPU} (taskset)"
  } >"$1"
}

# md_table CSV COLUMNS...: prints the named columns of a CSV file (header row first) as a markdown table.
md_table() {
  local csv="$1"
  shift
  awk -F, -v want="$*" '
    NR == 1 {
      n = split(want, names, " ")
      for (i = 1; i <= NF; i++) index_of[$i] = i
      line = "|"; rule = "|"
      for (k = 1; k <= n; k++) { line = line " " names[k] " |"; rule = rule " --- |" }
      print line; print rule
      next
    }
    {
      line = "|"
      for (k = 1; k <= n; k++) line = line " " $(index_of[names[k]]) " |"
      print line
    }' "${csv}"
}

# Stops the webhook a bench script started (its pid in server_pid), for `trap stop_server EXIT`.
stop_server() {
  if [[ -n "${server_pid:-}" ]]; then
    kill "${server_pid}" 2>/dev/null || true
    wait "${server_pid}" 2>/dev/null || true
  fi
}
