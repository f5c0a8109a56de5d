#!/usr/bin/env bash
# make bench section "proxy": the sidecar proxy against no proxy, HAProxy and nginx stream through real
# interception in network namespaces (bench/proxy/run.sh; needs root). Writes RESULTS/proxy.md, .csv, .svg.
set -o errexit -o nounset -o pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

step "proxy: through real iptables interception in network namespaces (bench/proxy/run.sh)"
BENCH_OUT="${RESULTS}" "${BENCH_DIR}/proxy/run.sh"
if [[ "${BENCH_QUICK}" == 1 ]]; then
  for ext in md csv svg; do
    mv "${RESULTS}/proxy-quick.${ext}" "${RESULTS}/proxy.${ext}"
  done
fi
