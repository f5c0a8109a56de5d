#!/usr/bin/env bash
# Creates a development CA and a serving certificate signed by it:
#   hack/dev-certs.sh DIR [SAN ...]
# writes DIR/ca.crt, DIR/ca.key, DIR/tls.crt, DIR/tls.key. The serving certificate always covers localhost
# and 127.0.0.1; extra SANs (DNS names or IPs) may follow. An existing CA in DIR is reused, so re-running
# rotates only the serving certificate and clients keep trusting DIR/ca.crt.
set -o errexit -o nounset -o pipefail

dir="${1:?usage: hack/dev-certs.sh DIR [SAN ...]}"
shift
mkdir -p "${dir}"
command -v openssl >/dev/null || { echo "error: openssl is required to create development certificates" >&2; exit 1; }

if [[ ! -s "${dir}/ca.crt" || ! -s "${dir}/ca.key" ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 \
    -subj "/CN=sidecar-injector development CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "${dir}/ca.key" -out "${dir}/ca.crt" 2>/dev/null
fi

sans="DNS:localhost,IP:127.0.0.1"
for san in "$@"; do
  if [[ "${san}" =~ ^[0-9.]+$ ]]; then sans="${sans},IP:${san}"; else sans="${sans},DNS:${san}"; fi
done

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=sidecar-injector" \
  -keyout "${work}/tls.key" -out "${work}/tls.csr" 2>/dev/null
printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' "${sans}" > "${work}/ext.cnf"
openssl x509 -req -in "${work}/tls.csr" -CA "${dir}/ca.crt" -CAkey "${dir}/ca.key" -CAcreateserial \
  -days 90 -sha256 -extfile "${work}/ext.cnf" -out "${work}/tls.crt" 2>/dev/null
# Move into place key first, then certificate, each atomically, so a reader never sees a half-written file.
mv "${work}/tls.key" "${dir}/tls.key"
mv "${work}/tls.crt" "${dir}/tls.crt"
chmod 600 "${dir}/ca.key" "${dir}/tls.key"
