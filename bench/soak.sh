#!/usr/bin/env bash
# `make soak`: sustained admissions against `java -jar target/quarkus-app/quarkus-run.jar` for a few minutes,
# with the serving certificate rotated in the middle (hack/dev-certs.sh, re-read every TLS_RELOAD_PERIOD=1s).
# Two clients run throughout: 8 keep-alive connections, as kube-apiserver keeps them, and 2 that open a new
# TLS connection for every review, so handshakes meet the rotation. Fails on any failed request (the rotation
# included), on heap growth (used heap after a full GC) or on file-descriptor growth between the start and the
# end of the load.
#   SOAK_SECONDS=180 (default): total seconds of load; BENCH_QUICK=1 makes it 30.
set -o errexit -o nounset -o pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

total="${SOAK_SECONDS:-$( [[ "${BENCH_QUICK}" == 1 ]] && echo 30 || echo 180)}"
(( total >= 30 )) || die "SOAK_SECONDS must be at least 30"
warmup=$(( total / 10 ))
before=$(( (total - warmup) / 2 ))
after=$(( total - warmup - before ))
port="${SOAK_PORT:-18446}"
certs="${WORK}/soak-certs"
body="${WORK}/review.json"
lua="${BENCH_DIR}/lua/post-review.lua"
url="https://127.0.0.1:${port}/inject"
# Allowed growth between the start and the end of the load.
heap_slack_kib="${SOAK_HEAP_SLACK_KIB:-4096}"
heap_slack_pct="${SOAK_HEAP_SLACK_PCT:-10}"
fd_slack="${SOAK_FD_SLACK:-4}"
report="${RESULTS}/soak.md"

server_pid=""
trap stop_server EXIT

# heap_used_kib: used heap after a full GC (jstat: survivor + eden + old), in KiB.
heap_used_kib() {
  jcmd "${server_pid}" GC.run >/dev/null
  jstat -gc "${server_pid}" | awk 'NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i} NR == 2 {printf "%.0f\n", $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]}'
}

fd_count() {
  find "/proc/${server_pid}/fd" -mindepth 1 -maxdepth 1 | wc -l
}

# served_serial: the serial of the certificate a new handshake gets; empty when the handshake fails.
served_serial() {
  { openssl s_client -connect "127.0.0.1:${port}" -servername localhost </dev/null 2>/dev/null \
      | openssl x509 -noout -serial 2>/dev/null | cut -d= -f2; } || true
}

# load PHASE SECONDS: both clients for SECONDS; prints one line per client and appends "PHASE client errors" to errors.txt.
load() {
  local phase="$1" seconds="$2" client
  BODY_FILE="${body}" taskset -c "${CLIENT_CPU}" wrk -t1 -c8 -d"${seconds}s" --timeout 10s -s "${lua}" "${url}" >"${WORK}/soak-${phase}-keepalive.txt" 2>&1 &
  local keepalive=$!
  BODY_FILE="${body}" taskset -c "${CLIENT_CPU}" wrk -t1 -c2 -d"${seconds}s" --timeout 10s -s "${lua}" -H 'Connection: close' "${url}" >"${WORK}/soak-${phase}-newconn.txt" 2>&1 &
  local newconn=$!
  wait "${keepalive}" "${newconn}"
  for client in keepalive newconn; do
    grep -q '^RESULT ' "${WORK}/soak-${phase}-${client}.txt" || die "wrk failed: $(tail -3 "${WORK}/soak-${phase}-${client}.txt")"
    awk -v phase="${phase}" -v client="${client}" '/^RESULT / {
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        printf "    %-8s %-9s %7d reviews, %6.0f/s, p99 %6.1f ms, failed %d\n", phase, client, v["requests"], v["rps"], v["p99_us"] / 1000, v["errors"]
        print phase, client, v["requests"], v["errors"] >> errors
      }' errors="${WORK}/soak-errors.txt" "${WORK}/soak-${phase}-${client}.txt"
  done
}

step "soak: build, certificates (rotated later), request body"
need_tools wrk:wrk curl:curl openssl:openssl taskset:util-linux
build_app
rm -rf "${certs}"
"${ROOT}/hack/dev-certs.sh" "${certs}"
[[ -s "${body}" ]] || /usr/bin/python3 -c 'import json, sys; json.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"), separators=(",", ":"))' \
  "${BENCH_DIR}/fixtures/deployment-pod-review.json" "${body}"
: >"${WORK}/soak-errors.txt"
rm -f "${WORK}/soak-serial-after"

step "soak: starting the webhook (CPU ${SERVER_CPU}, -Xmx256m, TLS_RELOAD_PERIOD=1s)"
TLS_CERT_FILE="${certs}/tls.crt" TLS_KEY_FILE="${certs}/tls.key" TLS_RELOAD_PERIOD=1s \
  QUARKUS_HTTP_SSL_PORT="${port}" QUARKUS_HTTP_HOST=127.0.0.1 \
  taskset -c "${SERVER_CPU}" java -Xmx256m -jar "${ROOT}/target/quarkus-app/quarkus-run.jar" serve >"${WORK}/soak-webhook.log" 2>&1 &
server_pid=$!
wait_ready "https://localhost:${port}/q/health/ready" "${certs}/ca.crt" 60 || die "the webhook did not get ready; see ${WORK}/soak-webhook.log"
serial_before="$(served_serial)"
info "ready, pid ${server_pid}, serving certificate serial ${serial_before}"

step "soak: warm-up, ${warmup} s"
load warmup "${warmup}"
sleep 1
heap_start="$(heap_used_kib)" fd_start="$(fd_count)" rss_start="$(rss_mb "${server_pid}")"
info "start: heap used after GC ${heap_start} KiB, ${fd_start} file descriptors, RSS ${rss_start} MiB"

step "soak: ${before} s of load; the serving certificate is rotated $(( before / 2 )) s in"
(
  sleep "$(( before / 2 ))"
  "${ROOT}/hack/dev-certs.sh" "${certs}"
  for _ in $(seq 1 60); do
    serial="$(served_serial)"
    if [[ -n "${serial}" && "${serial}" != "${serial_before}" ]]; then
      echo "${serial}" >"${WORK}/soak-serial-after"
      exit 0
    fi
    sleep 0.25
  done
) &
rotation=$!
load rotation "${before}"
wait "${rotation}" || true
serial_after="$(cat "${WORK}/soak-serial-after" 2>/dev/null || true)"
if [[ -n "${serial_after}" ]]; then
  info "the webhook serves the new certificate, serial ${serial_after}"
else
  info "the webhook still serves serial $(served_serial) after the rotation"
fi
curl --silent --fail --cacert "${certs}/ca.crt" --output /dev/null "https://localhost:${port}/q/health/ready" \
  || die "after the rotation the webhook's certificate does not verify against the CA for localhost"

step "soak: ${after} s of load after the reload"
load after "${after}"
sleep 1
heap_end="$(heap_used_kib)" fd_end="$(fd_count)" rss_end="$(rss_mb "${server_pid}")"
info "end: heap used after GC ${heap_end} KiB, ${fd_end} file descriptors, RSS ${rss_end} MiB"

step "soak: verdict"
problems=()
read -r requests failed_rotation failed_other <<<"$(awk '{r += $3; if ($1 == "rotation") ro += $4; else o += $4} END {print r + 0, ro + 0, o + 0}' "${WORK}/soak-errors.txt")"
(( failed_other == 0 )) || problems+=("${failed_other} failed requests outside the rotation phase (warm-up or after the reload)")
(( failed_rotation == 0 )) || problems+=("${failed_rotation} failed requests in the phase with the rotation")
[[ -n "${serial_after}" ]] || problems+=("the rotated certificate was not served within 15 s")
heap_limit=$(( heap_start + heap_start * heap_slack_pct / 100 + heap_slack_kib ))
(( heap_end <= heap_limit )) || problems+=("heap grew from ${heap_start} KiB to ${heap_end} KiB (limit ${heap_limit} KiB)")
(( fd_end <= fd_start + fd_slack )) || problems+=("file descriptors grew from ${fd_start} to ${fd_end}")
verdict=PASS
(( ${#problems[@]} == 0 )) || verdict=FAIL
ok_if() { if "$@"; then echo ok; else echo FAIL; fi; }
{
  echo "## Soak: ${total} s of admissions with a certificate rotation"
  echo
  echo "8 keep-alive connections and 2 connections opened per review (wrk, CPU ${CLIENT_CPU}) against the webhook"
  echo "(CPU ${SERVER_CPU}, -Xmx256m, TLS_RELOAD_PERIOD=1s); the serving certificate rotated $(( warmup + before / 2 )) s in."
  echo
  echo "| check | start | end | limit | |"
  echo "| --- | --- | --- | --- | --- |"
  echo "| failed requests after the reload and in the warm-up (of ${requests}) | | ${failed_other} | 0 | $(ok_if test "${failed_other}" -eq 0) |"
  echo "| failed requests in the phase with the rotation | | ${failed_rotation} | 0 | $(ok_if test "${failed_rotation}" -eq 0) |"
  echo "| served certificate serial | ${serial_before} | ${serial_after:-unchanged} | changes | $(ok_if test -n "${serial_after}") |"
  echo "| heap used after full GC, KiB | ${heap_start} | ${heap_end} | ${heap_limit} | $(ok_if test "${heap_end}" -le "${heap_limit}") |"
  echo "| open file descriptors | ${fd_start} | ${fd_end} | $(( fd_start + fd_slack )) | $(ok_if test "${fd_end}" -le "$(( fd_start + fd_slack ))") |"
  echo "| RSS, MiB | ${rss_start} | ${rss_end} | (not checked) | |"
  echo
  echo "Verdict: ${verdict}. Machine: $(nproc) x $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end, $(date -u +%Y-%m-%dT%H:%M:%SZ)."
} >"${report}"
echo
awk '/^\|/' "${report}"
if (( ${#problems[@]} > 0 )); then
  printf 'soak FAILED: %s\n' "${problems[@]}" >&2
  exit 1
fi
info "soak passed; wrote ${report#"${ROOT}/"}"
