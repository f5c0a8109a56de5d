#!/usr/bin/env bash
# Webhook throughput and latency over HTTPS keep-alive (wrk, one AdmissionReview of a realistic Deployment pod),
# beside the ceiling: nginx answering a fixed AdmissionReview over the same TLS, same client, same run; and beside
# the framework's floor: bench/tools/quarkus-floor, a Quarkus application with the webhook's extensions, settings and
# JVM flags answering the same reply without reading the review.
# Also the time from process start to ready (hyperfine, interleaved), RSS under load and server CPU per review, for both.
# Writes RESULTS/webhook.csv, RESULTS/webhook-startup.csv and RESULTS/webhook.md. BENCH_QUICK=1: a smoke run.
set -o errexit -o nounset -o pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

# warmup is the most seconds of JIT warm-up; a full run stops earlier once throughput is steady.
if [[ "${BENCH_QUICK}" == 1 ]]; then
  duration=2 warmup=3 startup_runs=1 startup_warmup=0 retries=0 rate_seconds=2 rate_warmup=1 pinned_warmup=1 aot=0
else
  duration=10 warmup=120 startup_runs=5 startup_warmup=1 retries=1 rate_seconds=10 rate_warmup=2 pinned_warmup=3 aot=1
fi
duration="${BENCH_DURATION:-${duration}}"
warmup="${BENCH_WARMUP:-${warmup}}"
retries="${BENCH_RETRIES:-${retries}}"
read -r -a concurrency <<<"${BENCH_CONCURRENCY:-1 16 64}"
rate="${BENCH_RATE:-200}"
rate_connections=4
webhook_port="${BENCH_WEBHOOK_PORT:-18443}"
nginx_port="${BENCH_NGINX_PORT:-18444}"
startup_port="${BENCH_STARTUP_PORT:-18445}"
floor_port="${BENCH_FLOOR_PORT:-18446}"
floor_app="${BENCH_DIR}/tools/quarkus-floor/target/quarkus-app"
certs="${WORK}/certs"
body="${WORK}/review.json"
lua="${BENCH_DIR}/lua/post-review.lua"
csv="${RESULTS}/webhook.csv"
startup_csv="${RESULTS}/webhook-startup.csv"
report="${RESULTS}/webhook.md"
# The image's JVM flags, and one CPU's sizing (lib.sh).
java_opts=("${WEBHOOK_JAVA_OPTS[@]}")
server_opts=("${WEBHOOK_SERVER_OPTS[@]}")

webhook_pid=""
nginx_pid=""
floor_pid=""
cleanup() {
  local pid
  for pid in "${webhook_pid}" "${nginx_pid}" "${floor_pid}"; do
    [[ -n "${pid}" ]] || continue
    kill "${pid}" 2>/dev/null || true
    wait "${pid}" 2>/dev/null || true
  done
}
trap cleanup EXIT

step "webhook: tools, build, certificates and the request body"
need_tools wrk:wrk nginx:nginx-light hyperfine:hyperfine curl:curl openssl:openssl taskset:util-linux
build_app
if up_to_date "${floor_app}/quarkus-run.jar" bench/tools/quarkus-floor/src bench/tools/quarkus-floor/pom.xml; then
  info "bench/tools/quarkus-floor is up to date"
else
  read -r -a mvn_flags <<<"${MVN_FLAGS:-}"
  info "building the framework's floor: ./mvnw -B -ntp -q ${mvn_flags[*]} -f bench/tools/quarkus-floor/pom.xml -DskipTests package"
  (cd "${ROOT}" && ./mvnw -B -ntp -q "${mvn_flags[@]}" -f bench/tools/quarkus-floor/pom.xml -DskipTests package)
fi
dev_certs "${certs}"
review_body "${body}"
info "request: bench/fixtures/deployment-pod-review.json, $(wc -c <"${body}") bytes compact (3 containers, 1 init container, 20 annotations)"

startup_commands=(-n plain "${BENCH_DIR}/startup-once.sh" -n floor-plain "STARTUP_APP='${floor_app}' ${BENCH_DIR}/startup-once.sh")
# The measured webhook runs as the image does: with the AOT cache when the run makes one (full runs). The JVM only
# warns about a cache it cannot use (another jar, other flags) and starts plain; -XX:AOTMode=on makes it refuse to
# start instead, so that a plain start is never measured as a cached one.
image_opts=()
floor_image_opts=()
# aot_cache APP OUT: trains OUT for the application in APP unless OUT is newer than its jar.
aot_cache() {
  if [[ -s "$2" && "$2" -nt "$1/quarkus-run.jar" ]]; then
    info "${2#"${ROOT}/"} is up to date"
  else
    mkdir -p "$(dirname "$2")"
    AOT_TRAIN_PORT="${startup_port}" "${ROOT}/hack/aot-train.sh" "$1" "$2" "${body}" | sed 's/^/    /'
  fi
}
if (( aot )); then
  step "webhook: AOT caches for the start-up comparison, the webhook's and the floor's (hack/aot-train.sh: 500 reviews, then the JVM writes it at exit)"
  aot_cache "${ROOT}/target/quarkus-app" "${WORK}/aot/app.aot"
  aot_cache "${floor_app}" "${WORK}/aot/floor.aot"
  image_opts=("-XX:AOTCache=${WORK}/aot/app.aot" -XX:AOTMode=on)
  floor_image_opts=("-XX:AOTCache=${WORK}/aot/floor.aot" -XX:AOTMode=on)
  # hyperfine runs the command with a shell: the flags are quoted, or the second one would be taken for the command.
  startup_commands+=(-n aot-cache "STARTUP_JAVA_OPTS='${image_opts[*]}' ${BENCH_DIR}/startup-once.sh"
    -n floor-aot-cache "STARTUP_APP='${floor_app}' STARTUP_JAVA_OPTS='${floor_image_opts[*]}' ${BENCH_DIR}/startup-once.sh")
fi
# BENCH_JFR=1 records the measured webhook with JFR. The JVM takes no AOT cache dumped without JFR's module (with
# -XX:AOTMode=on it would not start), so that webhook then starts without its cache; the start-up rows and the floor keep theirs.
jfr_opts=()
if [[ "${BENCH_JFR:-0}" == 1 ]]; then
  jfr_opts=("-XX:StartFlightRecording=filename=${WORK}/webhook.jfr,settings=profile")
  image_opts=()
fi

step "webhook: time from process start to ready (/q/health/ready 200), ${startup_runs} run(s) each $( (( aot )) && echo "without and with the AOT cache" || echo "without an AOT cache"), JVM on CPU ${SERVER_CPU}"
export STARTUP_PORT="${startup_port}" STARTUP_CERTS="${certs}" STARTUP_MEMORY_OPTS="${java_opts[*]}" SERVER_CPU CLIENT_CPU JAVA_HOME
startup_busy0="$(busy_ticks)" startup_t0="$(date +%s%N)"
# Interleaved: one hyperfine run of every command per round, the order reversed every other round, so that the
# machine's drift over minutes (up to 50 % here) falls on the webhook and the floor alike. The first rounds are the
# warm-up, not recorded; the rounds' rows are then summed up in hyperfine's CSV layout.
mkdir -p "${WORK}/startup"
rm -f "${WORK}/startup/"*.csv
reversed=()
# Each command is three words: -n NAME COMMAND.
for (( i = ${#startup_commands[@]} - 3; i >= 0; i -= 3 )); do reversed+=("${startup_commands[@]:i:3}"); done
for (( round = 1; round <= startup_warmup + startup_runs; round++ )); do
  if (( round % 2 )); then order=("${startup_commands[@]}"); else order=("${reversed[@]}"); fi
  hyperfine --style none --runs 1 --export-csv "${WORK}/startup/round-${round}.csv" "${order[@]}" >/dev/null
  info "start-up round ${round}/$(( startup_warmup + startup_runs ))$( (( round <= startup_warmup )) && echo ' (warm-up)'): $(awk -F, 'FNR > 1 {printf "%s %.2f s  ", $1, $2}' "${WORK}/startup/round-${round}.csv")"
done
/usr/bin/python3 - "${startup_csv}" "${startup_warmup}" "${WORK}/startup/"round-*.csv <<'PY'
import csv, statistics, sys
out, warmup, rounds = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
rounds = sorted(rounds, key=lambda p: int(p.rsplit("-", 1)[1].split(".")[0]))
rows = {row["command"]: [] for row in csv.DictReader(open(rounds[0]))}  # the first round's order
for path in rounds[warmup:]:
    for row in csv.DictReader(open(path)):
        rows[row["command"]].append(row)
with open(out, "w") as f:
    f.write("command,mean,stddev,median,user,system,min,max\n")
    for command, runs in rows.items():
        times = [float(r["mean"]) for r in runs]
        f.write("%s,%f,%f,%f,%f,%f,%f,%f\n" % (command, statistics.mean(times), statistics.stdev(times) if len(times) > 1 else 0.0,
                statistics.median(times), statistics.mean(float(r["user"]) for r in runs), statistics.mean(float(r["system"]) for r in runs),
                min(times), max(times)))
PY
# Other work during the starts: machine busy time less the starts' own CPU (hyperfine's user + system per run).
startup_other="$(awk -F, -v busy=$(( $(busy_ticks) - startup_busy0 )) -v ns=$(( $(date +%s%N) - startup_t0 )) -v hz="${CLK_TCK}" \
  -v n=$(( startup_runs + startup_warmup )) 'NR > 1 {own += n * ($5 + $6) * hz}
  END {other = busy - own; if (other < 0) other = 0; printf "%.0f", other * 100 / (hz * ns / 1e9)}' "${startup_csv}")"
info "other work during the starts: ${startup_other}% of a core"

# The webhook starts on both CPUs so that its JIT compiler threads can use the one the load generator leaves idle
# during the warm-up; every thread is pinned to SERVER_CPU before the first measurement.
step "webhook: starting the webhook (both CPUs until warm, then CPU ${SERVER_CPU}; ${java_opts[*]} ${image_opts[*]} ${server_opts[*]}) and nginx (CPU ${SERVER_CPU}, 1 worker)"
serve_https "${webhook_port}" "${WORK}/webhook.log" \
  java "${java_opts[@]}" "${image_opts[@]}" "${jfr_opts[@]}" "${server_opts[@]}" -jar "${ROOT}/target/quarkus-app/quarkus-run.jar" serve
webhook_pid=$!
wait_ready "https://localhost:${webhook_port}/q/health/ready" "${certs}/ca.crt" 60 || die "the webhook did not get ready; see ${WORK}/webhook.log"
rss_idle="$(rss_mb "${webhook_pid}")"
info "webhook ready, pid ${webhook_pid}, RSS ${rss_idle} MiB before load"

# The ceiling answers with the webhook's own reply to this review, byte for byte.
curl --silent --fail --cacert "${certs}/ca.crt" -H 'Content-Type: application/json' --data-binary @"${body}" \
  "https://localhost:${webhook_port}/inject" >"${WORK}/reply.json"
grep -q '"patch"' "${WORK}/reply.json" || die "the webhook did not inject the benchmark pod: $(head -c 300 "${WORK}/reply.json")"
# Served as a file: nginx's return directive takes at most 4 KB, and the reply is larger.
mkdir -p "${WORK}/nginx/www"
cp "${WORK}/reply.json" "${WORK}/nginx/www/inject"
cat >"${WORK}/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid ${WORK}/nginx/nginx.pid;
error_log ${WORK}/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${WORK}/nginx/body;
  proxy_temp_path ${WORK}/nginx/proxy;
  fastcgi_temp_path ${WORK}/nginx/fastcgi;
  uwsgi_temp_path ${WORK}/nginx/uwsgi;
  scgi_temp_path ${WORK}/nginx/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:${nginx_port} ssl;
    ssl_certificate ${certs}/tls.crt;
    ssl_certificate_key ${certs}/tls.key;
    client_max_body_size 4m;
    client_body_buffer_size 64k;
    location = /inject {
      default_type application/json;
      root ${WORK}/nginx/www;
      # The static module answers a POST with 405: that answer becomes the file itself, with 200.
      error_page 405 =200 \$uri;
    }
  }
}
CONF
taskset -c "${SERVER_CPU}" nginx -p "${WORK}/nginx" -e "${WORK}/nginx/error.log" -c "${WORK}/nginx/nginx.conf" &
nginx_pid=$!
wait_ready "https://localhost:${nginx_port}/inject" "${certs}/ca.crt" 10 || die "nginx did not start; see ${WORK}/nginx/error.log"
cmp -s <(curl --silent --cacert "${certs}/ca.crt" --data-binary @"${body}" "https://localhost:${nginx_port}/inject") "${WORK}/reply.json" \
  || die "nginx does not return the webhook's reply"

step "webhook: starting the framework's floor (both CPUs until warm, then CPU ${SERVER_CPU}; the webhook's flags)"
FLOOR_REPLY_FILE="${WORK}/reply.json" serve_https "${floor_port}" "${WORK}/floor.log" \
  java "${java_opts[@]}" "${floor_image_opts[@]}" "${server_opts[@]}" -jar "${floor_app}/quarkus-run.jar"
floor_pid=$!
wait_ready "https://localhost:${floor_port}/q/health/ready" "${certs}/ca.crt" 60 || die "the floor did not get ready; see ${WORK}/floor.log"
cmp -s <(curl --silent --cacert "${certs}/ca.crt" -H 'Content-Type: application/json' --data-binary @"${body}" "https://localhost:${floor_port}/inject") \
  "${WORK}/reply.json" || die "the floor does not return the webhook's reply"
floor_rss_idle="$(rss_mb "${floor_pid}")"

# pids_of TARGET: the processes whose CPU and RSS count for a target.
pids_of() {
  case "$1" in
    webhook) echo "${webhook_pid}" ;;
    nginx) echo "${nginx_pid}" "$(pgrep -P "${nginx_pid}" | tr '\n' ' ')" ;;
    floor) echo "${floor_pid}" ;;
  esac
}

url_of() {
  case "$1" in
    webhook) echo "https://127.0.0.1:${webhook_port}/inject" ;;
    nginx) echo "https://127.0.0.1:${nginx_port}/inject" ;;
    floor) echo "https://127.0.0.1:${floor_port}/inject" ;;
  esac
}

# run_wrk TARGET CONNECTIONS SECONDS OUT: one wrk run on the client CPU; OUT.rss gets the server RSS mid-run and
# OUT.times the client's CPU time (bash "times": user and system of the waited-for children).
run_wrk() {
  local target="$1" connections="$2" seconds="$3" out="$4" pids
  read -r -a pids <<<"$(pids_of "${target}")"
  (
    BODY_FILE="${body}" taskset -c "${CLIENT_CPU}" wrk -t1 -c"${connections}" -d"${seconds}s" --timeout 10s -s "${lua}" \
      "$(url_of "${target}")" >"${out}" 2>&1 &
    wrk_pid=$!
    sleep "$(( (seconds + 1) / 2 ))"
    rss_mb "${pids[@]}" >"${out}.rss"
    wait "${wrk_pid}"
    times >"${out}.times"
  )
}

# measure TARGET CONNECTIONS: a wrk run repeated (up to the retry count) while other work disturbs the machine;
# appends a CSV row.
measure() {
  local target="$1" connections="$2" attempt=0 pids busy0 busy1 server0 server1 start end client other_pct line
  local out="${WORK}/wrk-${target}-c${connections}.txt"
  read -r -a pids <<<"$(pids_of "${target}")"
  while true; do
    attempt=$(( attempt + 1 ))
    busy0="$(busy_ticks)" server0="$(proc_ticks "${pids[@]}")" start="$(date +%s%N)"
    run_wrk "${target}" "${connections}" "${duration}" "${out}"
    busy1="$(busy_ticks)" server1="$(proc_ticks "${pids[@]}")" end="$(date +%s%N)"
    client="$(awk -v hz="${CLK_TCK}" 'NR == 2 {gsub(/s/, ""); split($1, u, "m"); split($2, s, "m"); printf "%d", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * hz}' "${out}.times")"
    other_pct="$(awk -v busy=$(( busy1 - busy0 )) -v server=$(( server1 - server0 )) -v client="${client}" -v ns=$(( end - start )) -v hz="${CLK_TCK}" \
      'BEGIN {other = busy - server - client; if (other < 0) other = 0; printf "%.1f", other * 100 / (hz * ns / 1e9)}')"
    line="$(grep '^RESULT ' "${out}")" || die "wrk failed: $(tail -5 "${out}")"
    if awk -v o="${other_pct}" -v limit="${OTHER_CPU_LIMIT_PCT}" 'BEGIN {exit !(o > limit)}' && (( attempt <= retries )); then
      info "${target} c${connections}: disturbed (other work used ${other_pct}% of a core), repeating"
      sleep 2
      continue
    fi
    break
  done
  awk -v target="${target}" -v c="${connections}" -v server=$(( server1 - server0 )) -v hz="${CLK_TCK}" \
      -v rss="$(cat "${out}.rss")" -v other="${other_pct}" -v attempt="${attempt}" -v load="$(loadavg)" "${WRK_RESULT_AWK}"'
    {
      wrk_fields()
      printf "%s,%d,%d,%.2f,%.0f,%.3f,%.3f,%.3f,%.3f,%.3f,%d,%.3f,%s,%s,%d,%s\n", target, c, v["requests"], v["seconds"], v["rps"],
        v["p50_us"] / 1000, v["p99_us"] / 1000, v["p999_us"] / 1000, v["max_us"] / 1000, v["mean_us"] / 1000, v["errors"],
        cpu_ms(server, hz), rss, other, attempt, load
    }' <<<"${line}" | tee -a "${csv}" | awk -F, '{printf "    %-7s c%-3s %8s reviews/s  p50 %7s ms  p99 %7s ms  p99.9 %7s ms  errors %s  server CPU %s ms/review  RSS %s MiB  other load %s%%\n", $1, $2, $5, $6, $7, $8, $11, $12, $13, $14}'
}

echo "target,concurrency,requests,seconds,rps,p50_ms,p99_ms,p999_ms,max_ms,mean_ms,errors,server_cpu_ms_per_req,server_rss_mib,other_cpu_pct,attempts,loadavg" >"${csv}"

# Pinned to one CPU, the JIT compiler threads compete with the request threads and the webhook needs minutes of
# load to reach its steady state (docs/benchmarks.md), so the warm-up runs with the webhook on both CPUs. Load it
# in 5 s windows until the JIT compiled for less than 0.1 s in the last window and the last three windows agree
# within 4 %; then pin every thread of the webhook to SERVER_CPU. The floor is warmed the same way before it.
# warm_up TARGET: sets warmed (seconds) and warm_rps (reviews/s per window).
warm_up() {
  local target="$1" pid jit_before jit_now jit_window window
  pid="$(pids_of "${target}")"
  warm_rps=()
  warmed=0
  jit_before="$(jstat -compiler "${pid}" | awk 'NR == 2 {print $4}')"
  while (( warmed < warmup )); do
    window=$(( warmup - warmed < 5 ? warmup - warmed : 5 ))
    run_wrk "${target}" 16 "${window}" "${WORK}/wrk-warmup-${target}.txt"
    warmed=$(( warmed + window ))
    warm_rps+=("$(sed -n 's/^RESULT .* rps=\([0-9.]*\) .*/\1/p' "${WORK}/wrk-warmup-${target}.txt")")
    jit_now="$(jstat -compiler "${pid}" | awk 'NR == 2 {print $4}')"
    jit_window="$(awk -v a="${jit_before}" -v b="${jit_now}" 'BEGIN {printf "%.2f", b - a}')"
    jit_before="${jit_now}"
    info "${target} warm-up ${warmed} s: ${warm_rps[-1]} reviews/s, JIT compiled for ${jit_window} s of this window"
    if (( ${#warm_rps[@]} >= 3 && warmed >= 30 )) && awk -v a="${warm_rps[-1]}" -v b="${warm_rps[-2]}" -v c="${warm_rps[-3]}" -v jit="${jit_window}" \
        'BEGIN {m = (a + b + c) / 3; exit !(jit < 0.1 && m > 0 && (a - m) ^ 2 <= (0.04 * m) ^ 2 && (b - m) ^ 2 <= (0.04 * m) ^ 2 && (c - m) ^ 2 <= (0.04 * m) ^ 2)}'; then
      break
    fi
  done
  info "${target} warm after ${warmed} s; pinning every thread to CPU ${SERVER_CPU}"
  taskset -a -p -c "${SERVER_CPU}" "${pid}" >/dev/null
  run_wrk "${target}" 16 "${pinned_warmup}" "${WORK}/wrk-warmup-pinned-${target}.txt"
}
step "webhook: JIT warm-up at 16 connections until the JIT is quiet and throughput steady (at most ${warmup} s each; not recorded)"
warm_up floor
floor_warmed="${warmed}"
warm_up webhook
run_wrk nginx 16 "${pinned_warmup}" "${WORK}/wrk-warmup-nginx.txt"

for c in "${concurrency[@]}"; do
  step "webhook: ${c} connection(s), ${duration} s each: webhook, the nginx ceiling, the framework's floor"
  measure webhook "${c}"
  measure nginx "${c}"
  measure floor "${c}"
done

step "webhook: fixed rate, ${rate} reviews/s over ${rate_connections} connections for ${rate_seconds} s (open loop, latency from each intended send time)"
rate_csv="${RESULTS}/webhook-rate.csv"
echo "target,rate,requests,errors,p50_ms,p90_ms,p99_ms,p999_ms,max_ms" >"${rate_csv}"
mkdir -p "${WORK}/fixed-rate"
javac -d "${WORK}/fixed-rate" "${BENCH_DIR}/tools/FixedRate.java"
for target in webhook nginx floor; do
  port="$(url_of "${target}" | sed 's/.*:\([0-9]*\)\/.*/\1/')"
  taskset -c "${CLIENT_CPU}" java -XX:+UseSerialGC -Xmx64m -cp "${WORK}/fixed-rate" FixedRate --tls "${certs}/ca.crt" \
    --post "${body}" --path /inject 127.0.0.1 "${port}" "${rate}" "${rate_seconds}" "${rate_connections}" "${rate_warmup}" >"${WORK}/fixed-rate-${target}.txt" 2>&1 \
    || die "the fixed-rate client failed: $(tail -5 "${WORK}/fixed-rate-${target}.txt")"
  # One line: requests=N errors=E p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=..
  awk -v target="${target}" -v rate="${rate}" '
    /^requests=/ {
      for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "%s,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f\n", target, rate, v["requests"], v["errors"], v["p50_us"] / 1000, v["p90_us"] / 1000,
        v["p99_us"] / 1000, v["p999_us"] / 1000, v["max_us"] / 1000
    }' "${WORK}/fixed-rate-${target}.txt" | tee -a "${rate_csv}" \
    | awk -F, '{printf "    %-7s %s/s: %s requests, %s errors, p50 %s ms  p90 %s ms  p99 %s ms  p99.9 %s ms  max %s ms\n", $1, $2, $3, $4, $5, $6, $7, $8, $9}'
done

rss_load="$(awk -F, '$1 == "webhook" && $13 > max {max = $13} END {print max}' "${csv}")"
[[ "${BENCH_JFR:-0}" == 1 ]] && jcmd "${webhook_pid}" JFR.dump filename="${WORK}/webhook.jfr" >/dev/null

step "webhook: report"
/usr/bin/python3 "${BENCH_DIR}/tools/webhook-chart.py" "${csv}" "${RESULTS}/webhook.svg"
{
  echo "## Webhook: HTTPS keep-alive, wrk, ${duration} s per run"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%M:%SZ), git $(git -C "${ROOT}" rev-parse --short HEAD), load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "One AdmissionReview of a Deployment pod (bench/fixtures/deployment-pod-review.json, $(wc -c <"${body}") bytes;"
  echo "3 containers, 1 init container, 20 annotations) POSTed over and over on each connection. The ceiling is"
  echo "nginx returning the webhook's own reply to it, over the same TLS certificate, to the same client in the same run."
  echo "The floor is the webhook's framework alone (bench/tools/quarkus-floor: Quarkus with the webhook's extensions,"
  echo "settings, JVM flags and AOT cache, one route answering the same reply without reading the review)."
  echo
  echo "![Throughput and latency, webhook beside the ceiling](webhook.svg)"
  echo
  echo "| connections | webhook reviews/s | ceiling reviews/s | webhook / ceiling | webhook p50 / p99 / p99.9 ms | ceiling p50 / p99 / p99.9 ms | p50 vs ceiling | webhook CPU ms / review | other load % |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  awk -F, '
    NR > 1 { key = $2; if ($1 == "webhook") { w[key] = $0; order[++n] = key } else if ($1 == "nginx") c[key] = $0 }
    END {
      for (i = 1; i <= n; i++) {
        k = order[i]; split(w[k], a, ","); split(c[k], b, ",")
        printf "| %s | %s | %s | %.1f%% | %s / %s / %s | %s / %s / %s | %.1fx | %s | %s, %s |\n", k, a[5], b[5], 100 * a[5] / b[5],
          a[6], a[7], a[8], b[6], b[7], b[8], a[6] / b[6], a[12], a[14], b[14]
      }
    }' "${csv}"
  echo
  echo "Beside the framework's floor, same runs:"
  echo
  echo "| connections | floor reviews/s | floor p50 / p99 / p99.9 ms | floor CPU ms / review | webhook CPU ms / review | webhook less floor, CPU ms / review | other load % |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  awk -F, '
    NR > 1 { key = $2; if ($1 == "webhook") { w[key] = $0; order[++n] = key } else if ($1 == "floor") f[key] = $0 }
    END {
      for (i = 1; i <= n; i++) {
        k = order[i]; split(w[k], a, ","); split(f[k], b, ",")
        printf "| %s | %s | %s / %s / %s | %s | %s | %.3f | %s |\n", k, b[5], b[6], b[7], b[8], b[12], a[12], a[12] - b[12], b[14]
      }
    }' "${csv}"
  echo
  awk -F, -v runs="${startup_runs}" -v other="${startup_other}" '
    NR > 1 {
      name = $1 == "aot-cache" ? "with the AOT cache of hack/aot-train.sh" : $1 == "floor-aot-cache" ? "the framework'"'"'s floor, with its AOT cache" : $1 == "floor-plain" ? "the framework'"'"'s floor, plain" : "plain"
      printf "- start to ready, %s (hyperfine, %s runs interleaved with the others, JVM pinned to one CPU): mean %.0f ms +- %.0f ms, median %.0f (min %.0f, max %.0f)\n", name, runs, $2 * 1000, $3 * 1000, $4 * 1000, $7 * 1000, $8 * 1000
    }
    END { printf "- other work during the starts: %s%% of a core\n", other }
  ' "${startup_csv}"
  echo "- JIT warm-up before the first measurement: ${warmed} s at 16 connections, webhook on both CPUs (reviews/s per 5 s window: ${warm_rps[*]}); the floor's ${floor_warmed} s"
  echo "- webhook RSS: ${rss_idle} MiB after start, ${rss_load} MiB at most under load (${java_opts[*]}$( (( ${#image_opts[@]} > 0 )) && echo " and the AOT cache"): the image under the chart's 384 MiB limit); nginx: $(awk -F, '$1 == "nginx" && $13 > max {max = $13} END {print max}' "${csv}") MiB; the floor: ${floor_rss_idle} MiB after start, $(awk -F, '$1 == "floor" && $13 > max {max = $13} END {print max}' "${csv}") MiB under load"
  awk -F, 'NR > 1 && $1 == "webhook" { e += $11 } END { printf "- failed requests (webhook, all runs): %d\n", e }' "${csv}"
  echo
  echo "Fixed rate (bench/tools/FixedRate.java: open loop, ${rate} reviews/s over ${rate_connections} keep-alive connections, ${rate_seconds} s after ${rate_warmup} s"
  echo "not recorded; latency from each request's intended send time, so a stall counts against every request it delayed):"
  echo
  md_table "${rate_csv}" target rate requests errors p50_ms p90_ms p99_ms p999_ms max_ms
  echo
  echo "Commands (client on CPU ${CLIENT_CPU}, servers on CPU ${SERVER_CPU}):"
  echo
  echo '```'
  echo "java ${java_opts[*]} ${image_opts[*]/${ROOT}\//}$( (( ${#jfr_opts[@]} > 0 )) && echo " ${jfr_opts[*]/${ROOT}\//}") ${server_opts[*]} -jar target/quarkus-app/quarkus-run.jar serve   # TLS_CERT_FILE, TLS_KEY_FILE, QUARKUS_HTTP_SSL_PORT=${webhook_port}"
  echo "taskset -a -p -c ${SERVER_CPU} WEBHOOK_PID   # after the warm-up, before the first measurement"
  echo "taskset -c ${SERVER_CPU} nginx -c bench/work/nginx/nginx.conf   # worker_processes 1, return 200 with the webhook's reply"
  echo "java ${java_opts[*]} ${floor_image_opts[*]/${ROOT}\//} ${server_opts[*]} -jar bench/tools/quarkus-floor/target/quarkus-app/quarkus-run.jar   # the same, and FLOOR_REPLY_FILE=bench/work/reply.json"
  echo "BODY_FILE=bench/work/review.json taskset -c ${CLIENT_CPU} wrk -t1 -cN -d${duration}s --timeout 10s -s bench/lua/post-review.lua https://127.0.0.1:PORT/inject"
  echo "taskset -c ${CLIENT_CPU} java FixedRate --tls CA --post bench/work/review.json --path /inject 127.0.0.1 PORT ${rate} ${rate_seconds} ${rate_connections} ${rate_warmup}"
  echo "hyperfine --runs 1 bench/startup-once.sh ...   # each round, every command once; STARTUP_APP=bench/tools/quarkus-floor/target/quarkus-app for the floor"
  echo '```'
  echo
  echo "Raw figures: webhook.csv (every column), webhook-rate.csv, webhook-startup.csv (hyperfine's layout, seconds, over the rounds)."
} >"${report}"
info "wrote ${report#"${ROOT}/"}, ${csv#"${ROOT}/"}"
