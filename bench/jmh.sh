#!/usr/bin/env bash
# JMH microbenchmarks of the injection core (bench/jmh): decide, overrides, the whole pure pipeline
# and the whole review without HTTP; time per operation and bytes allocated per operation (-prof gc).
# Writes RESULTS/jmh.csv and RESULTS/jmh.md. BENCH_QUICK=1: one short iteration each.
set -o errexit -o nounset -o pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

if [[ "${BENCH_QUICK}" == 1 ]]; then
  jmh_args=(-f 1 -wi 0 -i 1 -r 1s)
else
  # Long warm-up: pinned to one CPU, C2 compiles slowly (review's iterations kept improving for 12-14 s on the
  # 2-core AMD machine of December 2026; 8 s of warm-up left an error larger than the score).
  jmh_args=(-f 1 -wi 8 -w 2s -i 3 -r 2s)
fi
read -r -a extra <<<"${BENCH_JMH_ARGS:-}"
csv="${RESULTS}/jmh.csv"
report="${RESULTS}/jmh.md"
read -r -a mvn_flags <<<"${MVN_FLAGS:-}"

step "jmh: compiling bench/jmh against this checkout's classes"
build_app
dependency_plugin=org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath
info "./mvnw -q ${dependency_plugin} (the webhook's runtime classpath, then JMH's)"
(cd "${ROOT}" && ./mvnw -B -ntp -q "${mvn_flags[@]}" "${dependency_plugin}" -Dmdep.includeScope=runtime -Dmdep.outputFile="${WORK}/app.classpath")
(cd "${ROOT}" && ./mvnw -B -ntp -q "${mvn_flags[@]}" -f bench/jmh/pom.xml "${dependency_plugin}" -Dmdep.outputFile="${WORK}/jmh.classpath")
rm -rf "${WORK}/jmh-classes"
mkdir -p "${WORK}/jmh-classes"
mapfile -t sources < <(find "${BENCH_DIR}/jmh/src/main/java" -name '*.java')
app_classpath="${ROOT}/target/classes:$(cat "${WORK}/app.classpath")"
jmh_classpath="$(cat "${WORK}/jmh.classpath")"
info "javac -processorpath JMH -cp target/classes:... -d bench/work/jmh-classes (${#sources[@]} files)"
javac --release 25 -proc:full -processorpath "${jmh_classpath}" -cp "${app_classpath}:${jmh_classpath}" \
  -d "${WORK}/jmh-classes" "${sources[@]}"
cp "${BENCH_DIR}/fixtures/deployment-pod-review.json" "${WORK}/jmh-classes/"
classpath="${WORK}/jmh-classes:${app_classpath}:${jmh_classpath}"

step "jmh: InjectionBenchmark on CPU ${SERVER_CPU} (${jmh_args[*]} -prof gc)"
raw="${WORK}/jmh.csv"
taskset -c "${SERVER_CPU}" java -cp "${classpath}" org.openjdk.jmh.Main "${jmh_args[@]}" -prof gc -rf csv -rff "${raw}" \
  "${extra[@]}" 'dev.sidecarinjector.bench.InjectionBenchmark' 2>&1 \
  | grep -E --line-buffered '^(# Benchmark:|# Run progress|Iteration|Result|Benchmark|InjectionBenchmark)' || true
[[ -s "${raw}" ]] || die "JMH wrote no results"

# JMH's CSV has one row per benchmark and secondary metric; keep time/op and gc.alloc.rate.norm side by side.
echo "benchmark,ns_per_op,ns_error,alloc_bytes_per_op,share_of_inject" >"${csv}"
awk -F, '
  NR == 1 { next }
  {
    gsub(/"/, "")
    name = $1; sub(/.*InjectionBenchmark\./, "", name)
    if (name ~ /:gc\.alloc\.rate\.norm$/) { sub(/:.*/, "", name); alloc[name] = $5 }
    else if (name !~ /:/) { score[name] = $5; error[name] = $6; order[++n] = name }
  }
  END {
    for (i = 1; i <= n; i++) {
      b = order[i]
      ratio = score["inject"] > 0 ? score[b] / score["inject"] : 0
      err = error[b] ~ /^[0-9.]+$/ ? sprintf("%.0f", error[b]) : "n/a"
      printf "%s,%.0f,%s,%.0f,%.3f\n", b, score[b], err, alloc[b], ratio
    }
  }' "${raw}" >>"${csv}"

{
  echo "## Injection core: JMH, average time per operation"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%M:%SZ), git $(git -C "${ROOT}" rev-parse --short HEAD), load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "The same Deployment pod as the HTTPS benchmark. \`inject\` is decide + overrides + render + patch"
  echo "(\`SidecarInjector.inject\`); \`review\` adds decoding the AdmissionReview bytes, binding the Pod and encoding"
  echo "the reply, which is what the handler does besides metrics, the decision log line and Events."
  echo "Ratios are to \`inject\`. Allocation is \`gc.alloc.rate.norm\` from \`-prof gc\`."
  echo
  md_table "${csv}" benchmark ns_per_op ns_error alloc_bytes_per_op share_of_inject
  echo
  echo '```'
  echo "taskset -c ${SERVER_CPU} java -cp bench/work/jmh-classes:target/classes:APP_AND_JMH_CLASSPATH org.openjdk.jmh.Main ${jmh_args[*]} -prof gc ${extra[*]} dev.sidecarinjector.bench.InjectionBenchmark"
  echo '```'
} >"${report}"
echo
md_table "${csv}" benchmark ns_per_op ns_error alloc_bytes_per_op share_of_inject
info "wrote ${report#"${ROOT}/"}, ${csv#"${ROOT}/"}"
