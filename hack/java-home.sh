#!/usr/bin/env bash
# Prints the JAVA_HOME of a JDK 25 or newer: $JAVA_HOME when it qualifies,
# else the newest Temurin 25+ under /usr/lib/jvm. Fails with a clear message.
set -o errexit -o nounset -o pipefail

major_of() {
  local version
  version=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
  printf '%s' "${version%%.*}"
}

if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]] && (( $(major_of "${JAVA_HOME}") >= 25 )); then
  printf '%s\n' "${JAVA_HOME}"
  exit 0
fi
while IFS= read -r candidate; do
  if [[ -x "${candidate}/bin/java" ]] && (( $(major_of "${candidate}") >= 25 )); then
    printf '%s\n' "${candidate}"
    exit 0
  fi
done < <(find /usr/lib/jvm -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort -rV)
echo "error: no JDK 25 found. Set JAVA_HOME to a JDK 25+ or install Temurin 25 under /usr/lib/jvm." >&2
exit 1
