# sidecar-injector: the webhook (Quarkus app at the root) and the proxy (proxy/).
SHELL := /usr/bin/env bash
.SHELLFLAGS := -o errexit -o nounset -o pipefail -c
.DEFAULT_GOAL := help

JAVA_HOME := $(shell hack/java-home.sh)
ifeq ($(JAVA_HOME),)
$(error no JDK 25 found: set JAVA_HOME to a JDK 25+ or install Temurin 25 under /usr/lib/jvm)
endif
export JAVA_HOME
export PATH := $(JAVA_HOME)/bin:$(PATH)

MVN := ./mvnw -B -ntp
PROXY_MVN := $(MVN) -f proxy/pom.xml
# mesh-api is the contract both sides build on: installed into the local Maven repository before either builds.
MESH_API_MVN := $(MVN) -f mesh-api/pom.xml

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build the webhook (target/quarkus-app) and the proxy (proxy/target/sidecar-proxy.jar)
	$(MESH_API_MVN) -DskipTests install
	$(PROXY_MVN) -DskipTests package
	$(MVN) -DskipTests package

.PHONY: run
run: ## Run the webhook on https://localhost:8443 with built-in defaults (no cluster needed)
	hack/run-local.sh

.PHONY: test
test: ## Run every test: the shared mesh-api, proxy unit and netns end-to-end (root), then webhook unit, golden, HTTPS and contract tests
	$(MESH_API_MVN) install
	$(PROXY_MVN) verify
	$(MVN) verify

.PHONY: reliability
reliability: ## Run the hardening tests (webhook; proxy faults and netns e2e as root) and rewrite docs/reliability.md from their results
	rm -rf target/reliability proxy/target/reliability
	$(PROXY_MVN) verify -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false -Dit.test='SidecarProxyIT,InterceptionE2E'
	$(MVN) verify -Dtest='dev/sidecarinjector/hardening/*IT,dev/sidecarinjector/hardening/*Test' -Dsurefire.failIfNoSpecifiedTests=false
	hack/reliability-report.py

.PHONY: demo
demo: ## Send examples/admission-review.json to the running webhook (make run) and show decision, patch and pod
	hack/demo.sh

# ---- Images, Helm and the local kind flow (hack/kind.sh; needs Docker, kind, kubectl and Helm)
KIND_CLUSTER ?= sidecar-injector
IMAGE_TAG ?= dev
KIND_ENV := KIND_CLUSTER=$(KIND_CLUSTER) IMAGE_TAG=$(IMAGE_TAG)

.PHONY: images
images: ## Build the images sidecar-injector and sidecar-proxy with Docker, tagged IMAGE_TAG (default dev)
	$(KIND_ENV) hack/kind.sh images

.PHONY: kind-up
kind-up: ## Create the kind cluster from hack/kind.yaml
	$(KIND_ENV) hack/kind.sh up

.PHONY: kind-deploy
kind-deploy: ## Build the images, load them into kind, install the chart and run helm test
	$(KIND_ENV) hack/kind.sh deploy

.PHONY: kind-demo
kind-demo: ## Label a namespace, run examples/kind (server, client), send traffic, print the proxies' counters
	$(KIND_ENV) hack/kind.sh demo

.PHONY: kind-down
kind-down: ## Delete the kind cluster
	$(KIND_ENV) hack/kind.sh down

.PHONY: helm-lint
helm-lint: ## Lint the chart with Helm (installed into target/tools by hack/helm.sh when missing)
	helm="$$(hack/helm.sh)" && "$$helm" lint --strict charts/sidecar-injector

.PHONY: bench
bench: ## Benchmark the webhook (HTTPS vs nginx), the core (JMH), the control plane's push (1,000 Services to 100 proxies) and the proxy (netns vs HAProxy, nginx: L4, the HTTP path with the control plane, and the inbound policy cost); BENCH_QUICK=1 for a smoke run
	bench/run.sh

.PHONY: soak
soak: ## Sustained admissions for a few minutes with a certificate rotation; fails on errors, heap or fd growth
	bench/soak.sh
