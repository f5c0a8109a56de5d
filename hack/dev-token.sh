#!/usr/bin/env bash
# Signs a token like a pod's projected ServiceAccount token (audience istio-ca) for the mesh CA of `make run`, which
# has no cluster to ask and checks tokens against a JWKS file instead (docs/ca.md):
#   hack/dev-token.sh NAMESPACE SERVICE_ACCOUNT [SECONDS]   prints the token (default: valid 3600 s)
#   hack/dev-token.sh --init                               only makes the key and the JWKS
# The RSA key, and the JWKS of its public half, are made once in DEV_JWT_DIR (default target/mesh-ca/dev-jwt);
# hack/run-local.sh points injector.ca.jwt.jwks-file and injector.ca.jwt.issuer at them.
set -o errexit -o nounset -o pipefail

dir="${DEV_JWT_DIR:-target/mesh-ca/dev-jwt}"
issuer="${DEV_JWT_ISSUER:-sidecar-injector-dev}"
command -v openssl >/dev/null || { echo "error: openssl is required" >&2; exit 1; }

base64url() {
  base64 -w0 | tr '+/' '-_' | tr -d '='
}

if [[ ! -s "${dir}/key.pem" || ! -s "${dir}/jwks.json" ]]; then
  mkdir -p "${dir}"
  openssl genrsa -out "${dir}/key.pem" 2048 2>/dev/null
  chmod 600 "${dir}/key.pem"
  hex="$(openssl rsa -in "${dir}/key.pem" -noout -modulus 2>/dev/null | cut -d= -f2)"
  # The modulus as bytes: every two hex digits become one \xHH escape for printf.
  escaped=""
  for (( i = 0; i < ${#hex}; i += 2 )); do
    escaped+="\\x${hex:i:2}"
  done
  n="$(printf '%b' "${escaped}" | base64url)"
  printf '{"keys":[{"kty":"RSA","kid":"dev","use":"sig","alg":"RS256","n":"%s","e":"AQAB"}]}\n' "${n}" >"${dir}/jwks.json"
fi

if [[ "${1:-}" == "--init" ]]; then
  exit 0
fi
namespace="${1:?usage: hack/dev-token.sh NAMESPACE SERVICE_ACCOUNT [SECONDS] | --init}"
account="${2:?usage: hack/dev-token.sh NAMESPACE SERVICE_ACCOUNT [SECONDS] | --init}"
seconds="${3:-3600}"
[[ "${seconds}" =~ ^[0-9]+$ ]] || { echo "error: SECONDS: \"${seconds}\" is not a number of seconds" >&2; exit 2; }

now="$(date +%s)"
header="$(printf '{"alg":"RS256","kid":"dev","typ":"JWT"}' | base64url)"
payload="$(printf '{"iss":"%s","aud":["istio-ca"],"sub":"system:serviceaccount:%s:%s","iat":%d,"nbf":%d,"exp":%d}' \
  "${issuer}" "${namespace}" "${account}" "${now}" "${now}" "$(( now + seconds ))" | base64url)"
signature="$(printf '%s.%s' "${header}" "${payload}" | openssl dgst -sha256 -sign "${dir}/key.pem" | base64url)"
printf '%s.%s.%s\n' "${header}" "${payload}" "${signature}"
