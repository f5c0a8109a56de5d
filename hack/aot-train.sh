#!/usr/bin/env bash
# Builds a JDK 25 ahead-of-time cache for the webhook (JEP 483, 514: its classes loaded and linked) from a training
# run: starts the webhook with -XX:AOTCacheOutput, sends it admission reviews over HTTPS and metrics and health
# requests, then stops it; the JVM writes the cache as it exits. Start the webhook with -XX:AOTCache=OUT to use it (the
# Dockerfile does). The cache holds no method profiles (JEP 515, -XX:-AOTRecordTraining): with them the JVM compiles
# the training's hot methods at once, on one CPU a third of the start, and the webhook's compile thresholds (the
# Dockerfile's) do better without them (docs/benchmarks.md, "Start to ready: the compilers"). The cache holds for the
# same JDK and the same jar paths; a JVM that does not match it says so in one warning and starts without it.
#   hack/aot-train.sh APP_DIR OUT [REVIEW_JSON ...]   APP_DIR holds quarkus-run.jar (target/quarkus-app)
# Needs java, openssl and curl. AOT_TRAIN_PORT (18470), AOT_TRAIN_ROUNDS (5: each review 100 times per round),
# AOT_TRAIN_JAVA_OPTS (-Xmx256m).
set -o errexit -o nounset -o pipefail

here="$(cd "$(dirname "$0")" && pwd)"
app="${1:?usage: hack/aot-train.sh APP_DIR OUT [REVIEW_JSON ...]}"
out="${2:?usage: hack/aot-train.sh APP_DIR OUT [REVIEW_JSON ...]}"
shift 2
reviews=("$@")
(( ${#reviews[@]} > 0 )) || reviews=("${here}/../examples/admission-review.json")
port="${AOT_TRAIN_PORT:-18470}"
rounds="${AOT_TRAIN_ROUNDS:-5}"
read -r -a java_opts <<<"${AOT_TRAIN_JAVA_OPTS:--Xmx256m}"
java="${JAVA_HOME:+${JAVA_HOME}/bin/}java"

work="$(mktemp -d)"
pid=""
cleanup() {
  if [[ -n "${pid}" ]]; then kill -KILL "${pid}" 2>/dev/null || true; fi
  rm -rf "${work}"
}
trap cleanup EXIT

"${here}/dev-certs.sh" "${work}/certs" >/dev/null
rm -f "${out}"
TLS_CERT_FILE="${work}/certs/tls.crt" TLS_KEY_FILE="${work}/certs/tls.key" QUARKUS_HTTP_SSL_PORT="${port}" QUARKUS_HTTP_HOST=127.0.0.1 \
  "${java}" "${java_opts[@]}" -XX:AOTCacheOutput="${out}" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining -jar "${app}/quarkus-run.jar" serve >"${work}/webhook.log" 2>&1 &
pid=$!

base="https://localhost:${port}"
tls=(--silent --show-error --fail --cacert "${work}/certs/ca.crt")
deadline=$(( SECONDS + 60 ))
until curl "${tls[@]}" --max-time 1 --output /dev/null "${base}/q/health/ready" 2>/dev/null; do
  if ! kill -0 "${pid}" 2>/dev/null || (( SECONDS > deadline )); then
    echo "aot-train: the webhook did not get ready:" >&2
    tail -20 "${work}/webhook.log" >&2
    exit 1
  fi
  sleep 0.2
done

# One curl per review and round: 100 POSTs on one keep-alive connection (the answers are not kept).
urls=()
for _ in $(seq 100); do urls+=("${base}/inject"); done
for round in $(seq "${rounds}"); do
  for review in "${reviews[@]}"; do
    curl "${tls[@]}" -H 'Content-Type: application/json' --data-binary @"${review}" "${urls[@]}" >/dev/null
  done
  curl "${tls[@]}" "${base}/q/metrics" "${base}/q/health/ready" "${base}/q/health/live" >/dev/null
  echo "aot-train: round ${round}/${rounds}: $(( 100 * ${#reviews[@]} )) reviews"
done

kill -TERM "${pid}"
wait "${pid}" || true
pid=""
if [[ ! -s "${out}" ]]; then
  echo "aot-train: the JVM wrote no cache to ${out}:" >&2
  tail -20 "${work}/webhook.log" >&2
  exit 1
fi
echo "aot-train: wrote ${out} ($(( $(stat -c %s "${out}") / 1048576 )) MiB)"
