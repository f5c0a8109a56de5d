#!/usr/bin/env bash
# Runs the webhook on https://localhost:8443 with built-in defaults and no cluster.
# Without TLS_CERT_FILE/TLS_KEY_FILE it creates a development CA and serving certificate under target/dev-certs.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

if [[ -z "${TLS_CERT_FILE:-}" || -z "${TLS_KEY_FILE:-}" ]]; then
  certs="target/dev-certs"
  if [[ ! -s "${certs}/tls.crt" ]] || ! openssl x509 -checkend 3600 -noout -in "${certs}/tls.crt" >/dev/null 2>&1; then
    hack/dev-certs.sh "${certs}"
  fi
  export TLS_CERT_FILE="${PWD}/${certs}/tls.crt" TLS_KEY_FILE="${PWD}/${certs}/tls.key"
  ca="${PWD}/${certs}/ca.crt"
  # With the mesh CA off (INJECTOR_CA_ENABLED=false): the root proxies verify 15012 with.
  export INJECTOR_MESH_ROOT_CERT_FILE="${INJECTOR_MESH_ROOT_CERT_FILE:-${ca}}"
else
  ca="the CA that signed ${TLS_CERT_FILE}"
fi

if [[ ! -f target/quarkus-app/quarkus-run.jar ]] || [[ -n "$(find src pom.xml mesh-api/src mesh-api/pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]]; then
  # mesh-api (the snapshot schema shared with the proxy) first: the webhook depends on it.
  ./mvnw -B -ntp -q -f mesh-api/pom.xml -DskipTests install
  ./mvnw -B -ntp -q -DskipTests package
fi

# The control plane reads the mesh example (docs/mesh.md) unless told otherwise.
export INJECTOR_MESH_DIRECTORY="${INJECTOR_MESH_DIRECTORY:-${PWD}/examples/mesh}"
# The mesh CA keeps its self-signed root here (made on the first run, reused after; docs/ca.md). It certifies 15012.
export INJECTOR_CA_DIRECTORY="${INJECTOR_CA_DIRECTORY:-${PWD}/target/mesh-ca}"
mesh_root="${INJECTOR_CA_DIRECTORY}/root-cert.pem"
# With no cluster the CA checks tokens against a JWKS file: a development key, made once; hack/dev-token.sh signs with it.
if [[ -z "${INJECTOR_CA_JWT_JWKS_FILE:-}" ]]; then
  DEV_JWT_DIR="${INJECTOR_CA_DIRECTORY}/dev-jwt" hack/dev-token.sh --init
  export INJECTOR_CA_JWT_JWKS_FILE="${INJECTOR_CA_DIRECTORY}/dev-jwt/jwks.json" INJECTOR_CA_JWT_ISSUER="sidecar-injector-dev"
fi
if [[ "${INJECTOR_CA_ENABLED:-true}" == "false" ]]; then
  mesh_root="${INJECTOR_MESH_ROOT_CERT_FILE:-${ca}}"
fi

cat <<MSG
sidecar-injector: serving https://localhost:8443 (no cluster: the built-in policy opts in namespace "default")
  CA certificate: ${ca}
  try it:   curl --cacert ${ca} -H 'Content-Type: application/json' --data @examples/admission-review.json https://localhost:8443/inject
  or:       make demo
  mesh:     control plane on the directory source ${INJECTOR_MESH_DIRECTORY} (edit its files: re-read within 2 s)
            bin/sidecar-injector mesh config default/productpage-v1-7b9c6d5f4a-p8r6t --directory examples/mesh
            the proxies' configuration stream on https://localhost:15012 (bin/sidecar-injector mesh status)
            proxies run by hand verify it with --root-cert ${mesh_root} (in a cluster: the ConfigMap istio-ca-root-cert)
  mesh CA:  POST https://localhost:15012/v1/certificate, root ${mesh_root} (made on the first run)
            tokens checked against ${INJECTOR_CA_JWT_JWKS_FILE}; sign one with hack/dev-token.sh default productpage (docs/ca.md)
MSG
exec "${JAVA_HOME:-/usr}/bin/java" -Xmx256m -jar target/quarkus-app/quarkus-run.jar serve
