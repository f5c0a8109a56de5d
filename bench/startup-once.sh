#!/usr/bin/env bash
# One start of the webhook, timed by hyperfine from bench/webhook.sh: starts the JVM on the server CPU, polls
# /q/health/ready from the client CPU every 20 ms until it answers 200, then kills the JVM.
# Needs STARTUP_PORT, STARTUP_CERTS, SERVER_CPU, CLIENT_CPU, JAVA_HOME in the environment; STARTUP_MEMORY_OPTS are
# the memory flags of the measured webhook (default -Xmx256m), STARTUP_JAVA_OPTS adds JVM flags (both split on spaces);
# STARTUP_APP is the Quarkus application's directory (default target/quarkus-app; the floor's for its rows).
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

read -r -a java_opts <<<"${STARTUP_MEMORY_OPTS:--Xmx256m} ${STARTUP_JAVA_OPTS:-}"
TLS_CERT_FILE="${STARTUP_CERTS}/tls.crt" TLS_KEY_FILE="${STARTUP_CERTS}/tls.key" \
  QUARKUS_HTTP_SSL_PORT="${STARTUP_PORT}" QUARKUS_HTTP_HOST=127.0.0.1 \
  taskset -c "${SERVER_CPU}" "${JAVA_HOME}/bin/java" "${java_opts[@]}" -jar "${STARTUP_APP:-target/quarkus-app}/quarkus-run.jar" serve >/dev/null 2>&1 &
pid=$!
trap 'kill -KILL "${pid}" 2>/dev/null || true; wait "${pid}" 2>/dev/null || true' EXIT

deadline=$(( SECONDS + 30 ))
while (( SECONDS < deadline )); do
  if taskset -c "${CLIENT_CPU}" curl --silent --fail --max-time 1 --cacert "${STARTUP_CERTS}/ca.crt" --output /dev/null \
      "https://localhost:${STARTUP_PORT}/q/health/ready"; then
    exit 0
  fi
  kill -0 "${pid}" 2>/dev/null || { echo "the webhook exited during startup" >&2; exit 1; }
  sleep 0.02
done
echo "the webhook was not ready within 30 s" >&2
exit 1
