#!/usr/bin/env bash
# Two webhooks side by side, for a change smaller than the full bench's spread from one run to the next (10 % and
# more on this machine): A and B (two builds, or one build with two sets of JVM flags or settings) start one after
# the other, warm up in turns on both CPUs, are pinned to SERVER_CPU and then take turns: AB_PAIRS pairs of
# AB_DURATION s runs at AB_CONNECTIONS connections from CLIENT_CPU, each server's CPU per review from its own ticks
# and its RSS after each run. A slow spell of the machine then falls on both alike. Not part of make bench; it
# writes nothing to the repository (its work files go to bench/work/ab).
#   AB_A_APP, AB_B_APP   quarkus-app directories (default target/quarkus-app for both; copy one aside to compare builds)
#   AB_A_OPTS, AB_B_OPTS extra JVM flags, -Dname=value for settings (split on spaces)
#   AB_PAIRS (6), AB_DURATION (10), AB_WARMUP (12 turns of 5 s for each), AB_CONNECTIONS (16)
# Each server gets the bench's flags (WEBHOOK_JAVA_OPTS, one CPU's sizing) before its own.
set -o errexit -o nounset -o pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

a_app="${AB_A_APP:-${ROOT}/target/quarkus-app}"
b_app="${AB_B_APP:-${ROOT}/target/quarkus-app}"
read -r -a a_opts <<<"${AB_A_OPTS:-}"
read -r -a b_opts <<<"${AB_B_OPTS:-}"
pairs="${AB_PAIRS:-6}"
duration="${AB_DURATION:-10}"
warm_turns="${AB_WARMUP:-12}"
connections="${AB_CONNECTIONS:-16}"
a_port="${BENCH_AB_A_PORT:-18451}"
b_port="${BENCH_AB_B_PORT:-18452}"
ab_work="${WORK}/ab"
certs="${WORK}/certs"
body="${WORK}/review.json"
mkdir -p "${ab_work}"

need_tools wrk:wrk curl:curl openssl:openssl taskset:util-linux
for app in "${a_app}" "${b_app}"; do
  [[ -f "${app}/quarkus-run.jar" ]] || die "${app}/quarkus-run.jar is missing: build it first (make build)"
done
dev_certs "${certs}"
review_body "${body}"

pids=()
stop_both() {
  local pid
  for pid in "${pids[@]}"; do
    kill "${pid}" 2>/dev/null || true
    wait "${pid}" 2>/dev/null || true
  done
}
trap stop_both EXIT

# start NAME APP PORT OPTS...: starts one webhook (its mesh stream on a free port) and waits until it is ready.
start() {
  local name="$1" app="$2" port="$3"
  shift 3
  serve_https "${port}" "${ab_work}/${name}.log" \
    java "${WEBHOOK_JAVA_OPTS[@]}" "${WEBHOOK_SERVER_OPTS[@]}" -Dinjector.mesh.stream.port=0 "$@" -jar "${app}/quarkus-run.jar" serve
  pids+=($!)
  wait_ready "https://localhost:${port}/q/health/ready" "${certs}/ca.crt" 60 || die "${name} did not get ready; see ${ab_work}/${name}.log"
  info "${name}: ${app#"${ROOT}/"} $*, pid ${pids[-1]}"
}

# load PORT SECONDS: one wrk run at the chosen connections; prints its RESULT line.
load() {
  BODY_FILE="${body}" taskset -c "${CLIENT_CPU}" wrk -t1 -c"${connections}" -d"$2s" --timeout 10s -s "${BENCH_DIR}/lua/post-review.lua" \
    "https://127.0.0.1:$1/inject" | grep '^RESULT'
}

step "ab: starting A and B"
start A "${a_app}" "${a_port}" "${a_opts[@]}"
start B "${b_app}" "${b_port}" "${b_opts[@]}"
a_pid="${pids[0]}" b_pid="${pids[1]}"

step "ab: warm-up, ${warm_turns} turns of 5 s each on both CPUs, then pinned to CPU ${SERVER_CPU} and 2 turns more"
for (( turn = 1; turn <= warm_turns + 2; turn++ )); do
  if (( turn == warm_turns + 1 )); then
    taskset -a -p -c "${SERVER_CPU}" "${a_pid}" >/dev/null
    taskset -a -p -c "${SERVER_CPU}" "${b_pid}" >/dev/null
  fi
  load "${a_port}" 5 >/dev/null
  load "${b_port}" 5 >/dev/null
done

step "ab: ${pairs} pairs of ${duration} s runs at ${connections} connections"
runs="${ab_work}/runs.csv"
echo "pair,server,requests,rps,p50_us,p99_us,cpu_ms_per_review,rss_mib" >"${runs}"
for (( pair = 1; pair <= pairs; pair++ )); do
  for server in A B; do
    if [[ "${server}" == A ]]; then pid="${a_pid}" port="${a_port}"; else pid="${b_pid}" port="${b_port}"; fi
    before="$(proc_ticks "${pid}")"
    result="$(load "${port}" "${duration}")"
    after="$(proc_ticks "${pid}")"
    awk -v pair="${pair}" -v server="${server}" -v ticks=$(( after - before )) -v hz="${CLK_TCK}" -v rss="$(rss_mb "${pid}")" "${WRK_RESULT_AWK}"'
      {
        wrk_fields()
        printf "%d,%s,%d,%.1f,%d,%d,%.4f,%s\n", pair, server, v["requests"], v["rps"], v["p50_us"], v["p99_us"], cpu_ms(ticks, hz), rss
      }' <<<"${result}" | tee -a "${runs}" | awk -F, '{printf "    pair %s %s: %s reviews/s  p50 %s us  p99 %s us  CPU %s ms/review  RSS %s MiB\n", $1, $2, $4, $5, $6, $7, $8}'
  done
done

step "ab: summary (${runs})"
awk -F, 'NR > 1 {cpu[$1, $2] = $7; sum[$2] += $7; n[$2]++; p99[$2] = p99[$2] " " $6; rss[$2] = $8}
  END {
    for (p = 1; (p, "A") in cpu; p++) if (cpu[p, "B"] < cpu[p, "A"]) won++
    printf "    CPU per review, means: A %.4f ms, B %.4f ms (B %+.1f %%); B lower in %d of %d pairs\n",
      sum["A"] / n["A"], sum["B"] / n["B"], 100 * (sum["B"] / n["B"] - sum["A"] / n["A"]) / (sum["A"] / n["A"]), won, n["A"]
    printf "    p99 us, A:%s; B:%s\n    RSS after the last run: A %s MiB, B %s MiB\n", p99["A"], p99["B"], rss["A"], rss["B"]
  }' "${runs}"
