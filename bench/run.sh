#!/usr/bin/env bash
# `make bench`: every benchmark section in turn, then one summary. A section is a script, bench/SECTION.sh or
# bench/SECTION/run.sh, that writes RESULTS/SECTION.md (or SECTION-quick.md; its summary, in markdown) and its
# CSV files into RESULTS (also passed as BENCH_OUT); a missing section is skipped, so the proxy section
# (bench/proxy/run.sh) joins by being there.
#   bench/run.sh [SECTION ...]     default: webhook jmh controlplane proxy proxy-http proxy-policy proxy-mtls
#   BENCH_QUICK=1 bench/run.sh     about 80 s, results under bench/results/quick/
#   bench/run.sh --report          only rebuild README.md from the sections' latest reports
set -o errexit -o nounset -o pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

sections=("$@")
report_only=0
if [[ "${1:-}" == --report ]]; then
  report_only=1 sections=()
fi
(( ${#sections[@]} > 0 || report_only )) || sections=(webhook jmh controlplane proxy proxy-http proxy-policy proxy-mtls)
started="${SECONDS}"

if (( ! report_only )); then
  step "bench: $( [[ "${BENCH_QUICK}" == 1 ]] && echo 'quick smoke run' || echo 'full run') of: ${sections[*]}; results in ${RESULTS#"${ROOT}/"}/"
  machine_facts "${RESULTS}/machine.md"
  sed 's/^/    /' "${RESULTS}/machine.md"
  load="$(loadavg)"
  if awk -v l="${load}" 'BEGIN {exit !(l > 0.5)}'; then
    info "warning: load average ${load} before the start; other work on this machine may disturb the figures"
  fi
fi

export BENCH_OUT="${RESULTS}"
reports=()
for section in "${sections[@]+"${sections[@]}"}"; do
  if [[ -x "${BENCH_DIR}/${section}.sh" ]]; then
    script="${BENCH_DIR}/${section}.sh"
  elif [[ -x "${BENCH_DIR}/${section}/run.sh" ]]; then
    script="${BENCH_DIR}/${section}/run.sh"
  else
    info "no bench/${section}.sh or bench/${section}/run.sh: section ${section} skipped"
    continue
  fi
  quiet_wait="${BENCH_QUIET_WAIT:-$( [[ "${BENCH_QUICK}" == 1 ]] && echo 0 || echo 300)}"
  if (( quiet_wait > 0 )); then wait_for_quiet "${quiet_wait}"; fi
  "${script}"
  for report in "${RESULTS}/${section}.md" "${RESULTS}/${section}-quick.md" ""; do
    [[ -z "${report}" || -f "${report}" ]] && break
  done
  if [[ -n "${report}" ]]; then reports+=("${report}"); else info "section ${section} wrote no ${section}.md"; fi
done

summary="${RESULTS}/README.md"
{
  echo "# Benchmark results$( [[ "${BENCH_QUICK}" == 1 ]] && echo ' (BENCH_QUICK=1 smoke run: short runs, not for comparison)')"
  echo
  echo "Made by \`$( [[ "${BENCH_QUICK}" == 1 ]] && echo 'BENCH_QUICK=1 ')make bench\` (last: bench/run.sh ${*:-}, $(( SECONDS - started )) s). Each section"
  echo "says when it ran; the machine facts below are from the last run."
  echo "How to read them and what they mean: docs/benchmarks.md."
  echo
  cat "${RESULTS}/machine.md"
  # Every section's latest report, also of sections not run this time (bench/run.sh SECTION reruns one).
  for section in webhook jmh controlplane proxy proxy-http proxy-policy proxy-mtls; do
    for report in "${RESULTS}/${section}.md" "${RESULTS}/${section}-quick.md"; do
      if [[ -f "${report}" ]]; then
        echo
        cat "${report}"
        break
      fi
    done
  done
} >"${summary}"

step "bench: summary ($(( SECONDS - started )) s; full report in ${summary#"${ROOT}/"})"
if (( report_only )); then
  for section in webhook jmh controlplane proxy proxy-http proxy-policy proxy-mtls; do
    for report in "${RESULTS}/${section}.md" "${RESULTS}/${section}-quick.md"; do
      if [[ -f "${report}" ]]; then reports+=("${report}"); break; fi
    done
  done
fi
for report in "${reports[@]+"${reports[@]}"}"; do
  echo
  # The tables and figure lines of each section, without the prose and command blocks.
  awk '/^#+ / {print; next} /^```/ {code = !code; next} !code && /^(\||- )/' "${report}"
done
