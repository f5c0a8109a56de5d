#!/usr/bin/env bash
# The control plane's push at Istio's scale: time from one changed file to the last of N connected proxies acking
# the new snapshot, with the mesh of issue 10 (1,000 Services, 10,000 endpoints, 100 proxies; target <= 1 s end to
# end), and the control plane's memory meanwhile. The control plane is the packaged webhook (`serve`, directory
# source, dev certificates for 8443 and the mesh CA for 15012, loopback ports) on SERVER_CPU; the proxies are bench/tools/MeshPushClients.java on
# CLIENT_CPU (they read each message's version and ack it once its last byte arrived). The clients take deltas, so
# a change reaches a proxy that acked the last version as a delta; BENCH_CP_DELTAS=false makes them say they do not,
# and every change is sent in full, as before deltas.
# Writes RESULTS/controlplane.csv and RESULTS/controlplane.md (controlplane-quick.md with BENCH_QUICK=1: 200
# Services, 2,000 endpoints, 20 proxies). BENCH_CP_APP runs another build (a quarkus-app directory) for a comparison.
set -o errexit -o nounset -o pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

if [[ "${BENCH_QUICK}" == 1 ]]; then
  services=200 endpoints=10 proxies=20 rounds=3 warmup=1 suffix=-quick
else
  services=1000 endpoints=10 proxies=100 rounds=7 warmup=2 suffix=""
fi
services="${BENCH_CP_SERVICES:-${services}}"
proxies="${BENCH_CP_PROXIES:-${proxies}}"
rounds="${BENCH_CP_ROUNDS:-${rounds}}"
poll="${BENCH_CP_POLL:-100ms}"
deltas="${BENCH_CP_DELTAS:-true}"
app="${BENCH_CP_APP:-${ROOT}/target/quarkus-app}"
webhook_port="${BENCH_CP_WEBHOOK_PORT:-18446}"
stream_port="${BENCH_CP_STREAM_PORT:-18447}"
java_opts=(-Xmx256m -XX:ActiveProcessorCount=1)
cp_work="${WORK}/controlplane"
certs="${WORK}/certs"
csv="${RESULTS}/controlplane${suffix}.csv"
report="${RESULTS}/controlplane${suffix}.md"

server_pid=""
trap stop_server EXIT

step "controlplane: build, certificates, a mesh of ${services} Services x ${endpoints} endpoints, ${proxies} proxies"
need_tools curl:curl openssl:openssl taskset:util-linux
[[ -n "${BENCH_CP_APP:-}" ]] || build_app
dev_certs "${certs}"
rm -rf "${cp_work}"
mkdir -p "${cp_work}"
/usr/bin/python3 "${BENCH_DIR}/controlplane/gen-mesh.py" "${cp_work}/mesh" "${services}" "${endpoints}" "${proxies}"
info "mesh: $(find "${cp_work}/mesh" -type f | wc -l) files, $(du -sh "${cp_work}/mesh" | cut -f1); one change: ${cp_work#"${ROOT}/"}/mesh/change.yaml (VirtualService ns0/svc0, exported to every namespace)"
javac -d "${cp_work}/classes" "${BENCH_DIR}/tools/MeshPushClients.java"

step "controlplane: starting the control plane (CPU ${SERVER_CPU}; ${java_opts[*]}; directory polled every ${poll})"
INJECTOR_MESH_SOURCE=directory INJECTOR_MESH_DIRECTORY="${cp_work}/mesh" INJECTOR_MESH_DIRECTORY_POLL_INTERVAL="${poll}" \
  INJECTOR_MESH_STREAM_PORT="${stream_port}" INJECTOR_MESH_STREAM_HOST=127.0.0.1 INJECTOR_CA_DIRECTORY="${cp_work}/mesh-ca" \
  serve_https "${webhook_port}" "${cp_work}/server.log" \
  taskset -c "${SERVER_CPU}" java "${java_opts[@]}" "-Xlog:gc:file=${cp_work}/gc.log" -jar "${app}/quarkus-run.jar" serve
server_pid=$!
wait_ready "https://localhost:${webhook_port}/q/health/ready" "${certs}/ca.crt" 120 || die "the control plane did not get ready; see ${cp_work}/server.log"
info "ready, pid ${server_pid}, RSS $(rss_mb "${server_pid}") MiB"
# The proxies trust the mesh CA's root (15012); the metrics are read from the webhook's port (the dev CA).
cat "${cp_work}/mesh-ca/root-cert.pem" "${certs}/ca.crt" >"${cp_work}/trust.pem"

step "controlplane: ${proxies} proxies connect; ${warmup} warm-up and ${rounds} measured changes"
busy0="$(busy_ticks)" own0="$(proc_ticks "${server_pid}")" t0="$(date +%s%N)"
taskset -c "${CLIENT_CPU}" java -XX:+UseSerialGC -Xmx256m -cp "${cp_work}/classes" MeshPushClients --ca "${cp_work}/trust.pem" \
  --port "${stream_port}" --metrics "https://localhost:${webhook_port}/q/metrics" --pid "${server_pid}" --gc-log "${cp_work}/gc.log" \
  --proxies "${cp_work}/proxies.txt" --change "${cp_work}/mesh/change.yaml" --variants change-a.yaml,change-b.yaml \
  --rounds "${rounds}" --warmup "${warmup}" --deltas "${deltas}" >"${csv}"
seconds="$(awk -v ns=$(( $(date +%s%N) - t0 )) 'BEGIN {printf "%.1f", ns / 1e9}')"
server_cpu_s="$(awk -v t=$(( $(proc_ticks "${server_pid}") - own0 )) -v hz="${CLK_TCK}" 'BEGIN {printf "%.1f", t / hz}')"
rss_end="$(rss_mb "${server_pid}")"
jcmd "${server_pid}" GC.run >/dev/null 2>&1 || true
# The heap's generations (Serial: "DefNew total NK, used NK ...", "Tenured total NK, used NK ..."), not Metaspace.
heap_idle="$(jcmd "${server_pid}" GC.heap_info 2>/dev/null | awk '/^[A-Za-z].* total .* used / && !/Metaspace|class space/ {for (i = 1; i < NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?/, "", v); kb += v}}
  END {printf "%.0f", kb / 1024}')"
other_pct="$(awk -v busy=$(( $(busy_ticks) - busy0 )) -v hz="${CLK_TCK}" -v s="${seconds}" 'BEGIN {printf "%.0f", busy * 100 / (hz * s)}')"

# stats COLUMN: "median (min, max)" of a CSV column's numeric values.
stats() {
  awk -F, -v col="$1" 'NR > 1 && $col != "-" {print $col + 0}' "${csv}" | sort -g | awk '{v[n++] = $1} END {
    if (n == 0) {print "-"; exit}
    m = (n % 2) ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
    printf "%.0f (min %.0f, max %.0f)", m, v[0], v[n - 1]}'
}
column() { head -1 "${csv}" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }

taking=", taking deltas,"
[[ "${deltas}" == true ]] || taking=", taking no deltas (every change in full),"
{
  echo "## Control plane: one change pushed to ${proxies} proxies$( [[ "${BENCH_QUICK}" == 1 ]] && echo ' (quick: a smaller mesh)')"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%M:%SZ), git $(git -C "${ROOT}" rev-parse --short HEAD)$(git -C "${ROOT}" diff --quiet HEAD -- src mesh-api pom.xml bench ':!bench/results' || echo ' (with uncommitted changes)')$( [[ -n "${BENCH_CP_APP:-}" ]] && echo ", app ${BENCH_CP_APP}"), load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "A mesh of ${services} Services in 10 namespaces with $(( services * endpoints )) endpoints (EndpointSlices and Pods), a"
  echo "DestinationRule and a VirtualService for every other Service (bench/controlplane/gen-mesh.py). ${proxies} stream"
  echo "clients (bench/tools/MeshPushClients.java) say hello as ${proxies} pods across the namespaces${taking} and ack every"
  echo "message once its last byte arrived. Each round swaps the file of one VirtualService that every proxy sees (weights"
  echo "90/10 <-> 80/20) and measures from the rename to the last ack. Directory polled every ${poll}, debounce 100 ms."
  echo "Target: <= 1,000 ms end to end."
  echo
  md_table "${csv}" round e2e_ms first_byte_ms push_ms pushes deltas pushed_mb rss_max_mb heap_after_gc_max_mb
  echo
  echo "- change to last ack, ms: median $(stats "$(column e2e_ms)")"
  echo "- change to first byte at a proxy, ms: median $(stats "$(column first_byte_ms)") (poll, debounce, index, first compile)"
  echo "- control plane's push (\`mesh_stream_push_duration_seconds\`: compile, encode, queue all ${proxies}), ms: median $(stats "$(column push_ms)")"
  echo "- control plane RSS: at most $(stats "$(column rss_max_mb)") MiB during the rounds, ${rss_end} MiB after (${java_opts[*]}); heap after GC during the rounds at most $(stats "$(column heap_after_gc_max_mb)") MiB, ${heap_idle:-?} MiB after a full GC at the end"
  echo "- control plane CPU over the ${seconds} s of connecting and $(( rounds + warmup )) changes: ${server_cpu_s} s; whole machine busy ${other_pct}% of a core on average"
  echo
  echo "Columns: e2e_ms change to last ack; first_byte_ms change to the first message starting at any proxy;"
  echo "push_ms the control plane's own timer for the round; pushes versions sent, deltas those sent as deltas; pushed_mb"
  echo "bytes sent (from \`mesh_stream_pushed_bytes_total\`); rss_max_mb sampled every 2 ms; heap_after_gc_max_mb from the GC log."
  echo
  echo '```'
  echo "taskset -c ${SERVER_CPU} java ${java_opts[*]} -jar target/quarkus-app/quarkus-run.jar serve   # INJECTOR_MESH_SOURCE=directory, INJECTOR_MESH_DIRECTORY_POLL_INTERVAL=${poll}"
  echo "taskset -c ${CLIENT_CPU} java MeshPushClients --proxies proxies.txt --change mesh/change.yaml --rounds ${rounds} --warmup ${warmup} --deltas ${deltas} ..."
  echo '```'
  echo
  echo "Raw figures: controlplane${suffix}.csv."
} >"${report}"
cat "${report}"
