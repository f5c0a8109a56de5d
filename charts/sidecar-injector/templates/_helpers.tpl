{{/* Chart name, truncated to the 63 characters of a label value. */}}
{{- define "sidecar-injector.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's resources: the release name, plus the chart name when it is not already in it. */}}
{{- define "sidecar-injector.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* app.kubernetes.io labels of every resource. */}}
{{- define "sidecar-injector.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "sidecar-injector.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sidecar-injector
{{- end }}

{{/* Labels that select the webhook pods; they never change across upgrades. */}}
{{- define "sidecar-injector.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sidecar-injector.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: webhook
{{- end }}

{{- define "sidecar-injector.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sidecar-injector.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "sidecar-injector.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "sidecar-injector.proxyImage" -}}
{{- printf "%s:%s" .Values.proxy.image.repository (default .Chart.AppVersion .Values.proxy.image.tag) }}
{{- end }}

{{/* Name of the Secret holding tls.crt and tls.key, whatever the certificate mode. */}}
{{- define "sidecar-injector.tlsSecretName" -}}
{{- if eq .Values.certificates.mode "secret" }}
{{- required "certificates.secret.name is required when certificates.mode is secret" .Values.certificates.secret.name }}
{{- else }}
{{- printf "%s-tls" (include "sidecar-injector.fullname" .) }}
{{- end }}
{{- end }}

{{/* The DNS names the API server may use for the Service; all are in the serving certificate. */}}
{{- define "sidecar-injector.dnsNames" -}}
{{- $svc := include "sidecar-injector.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns .Values.clusterDomain) | toJson }}
{{- end }}

{{/* HOST:PORT of the control plane for injected proxies: by default this release's Service, by the name the serving certificate has. */}}
{{- define "sidecar-injector.controlPlaneAddress" -}}
{{- .Values.mesh.controlPlaneAddress | default (printf "%s.%s.svc:%d" (include "sidecar-injector.fullname" .) .Release.Namespace (int .Values.mesh.port)) }}
{{- end }}

{{/* Namespaces the webhook never sees: its own (so it never blocks its own pods) and the system ones. */}}
{{- define "sidecar-injector.excludedNamespaces" -}}
{{- $all := list .Release.Namespace "kube-system" "kube-public" "kube-node-lease" }}
{{- range .Values.injection.ignoredNamespaces }}
{{- $all = append $all . }}
{{- end }}
{{- $all | uniq | toJson }}
{{- end }}

{{/* Where the ConfigMap is mounted in the webhook pod. */}}
{{- /*
The template files the ConfigMap carries, as a JSON list: the app's built-in ones (files/templates), then every
name templates.overrides adds (a new template, NAME.yaml).
*/}}
{{- define "sidecar-injector.templateFiles" -}}
{{- $files := list }}
{{- range $path, $_ := .Files.Glob "files/templates/*.yaml" }}
{{- $files = append $files (base $path) }}
{{- end }}
{{- range $file := keys .Values.templates.overrides | sortAlpha }}
{{- if not (has $file $files) }}
{{- $files = append $files $file }}
{{- end }}
{{- end }}
{{- toJson $files }}
{{- end }}

{{- define "sidecar-injector.configDir" -}}/etc/sidecar-injector/config{{- end }}
{{- define "sidecar-injector.tlsDir" -}}/etc/sidecar-injector/tls{{- end }}

{{/*
The webhook's configuration file. The label key and values, the ignored namespaces and the ports come from
the same values as the MutatingWebhookConfiguration, so the two cannot disagree.
*/}}
{{- define "sidecar-injector.properties" -}}
{{- $v := .Values -}}
# Rendered by the sidecar-injector chart; every key is documented in the app's config/*Config.java.
quarkus.log.level={{ $v.logLevel }}
injector.namespaces.source=kubernetes
injector.namespaces.label-key={{ $v.injection.namespaceLabel.key }}
injector.namespaces.enabled-value={{ $v.injection.namespaceLabel.enabledValue }}
injector.namespaces.disabled-value={{ $v.injection.namespaceLabel.disabledValue }}
injector.namespaces.ignored={{ include "sidecar-injector.excludedNamespaces" . | fromJsonArray | join "," }}
{{- with $v.injection.neverInjectSelector }}
injector.namespaces.never-inject-selector={{ toJson . }}
{{- end }}
injector.events.enabled={{ $v.injection.events }}
injector.pod-security.mode={{ $v.injection.podSecurity }}
injector.proxy.image={{ include "sidecar-injector.proxyImage" . }}
injector.proxy.image-pull-policy={{ $v.proxy.image.pullPolicy }}
injector.proxy.placement={{ $v.proxy.placement }}
injector.proxy.hold-application-until-proxy-starts={{ $v.proxy.holdApplicationUntilProxyStarts }}
injector.proxy.rewrite-app-probes={{ $v.proxy.rewriteAppProbes }}
{{- with $v.proxy.resources }}
{{- /* An empty value is left out; SmallRye would treat an empty line as unset anyway. */}}
{{- with .requests.cpu }}
injector.proxy.cpu-request={{ . }}
{{- end }}
{{- with .requests.memory }}
injector.proxy.memory-request={{ . }}
{{- end }}
{{- with .limits.cpu }}
injector.proxy.cpu-limit={{ . }}
{{- end }}
{{- with .limits.memory }}
injector.proxy.memory-limit={{ . }}
{{- end }}
{{- end }}
injector.proxy.uid={{ int64 $v.proxy.uid }}
injector.proxy.gid={{ int64 $v.proxy.gid }}
injector.proxy.inbound-port={{ int $v.proxy.ports.inbound }}
injector.proxy.outbound-port={{ int $v.proxy.ports.outbound }}
injector.proxy.health-port={{ int $v.proxy.ports.health }}
injector.proxy.metrics-port={{ int $v.proxy.ports.metrics }}
injector.proxy.status-port={{ int $v.proxy.ports.status }}
injector.proxy.drain-seconds={{ int $v.proxy.drainSeconds }}
injector.interception.mode={{ $v.interception.mode }}
injector.interception.include-inbound-ports={{ $v.interception.includeInboundPorts }}
{{- with $v.interception.excludeInboundPorts }}
injector.interception.exclude-inbound-ports={{ . }}
{{- end }}
{{- with $v.interception.excludeOutboundPorts }}
injector.interception.exclude-outbound-ports={{ . }}
{{- end }}
injector.interception.include-outbound-cidrs={{ $v.interception.includeOutboundCidrs }}
{{- with $v.interception.excludeOutboundCidrs }}
injector.interception.exclude-outbound-cidrs={{ . }}
{{- end }}
injector.mesh.source=kubernetes
injector.mesh.root-cert-file={{ include "sidecar-injector.tlsDir" . }}/ca.crt
{{- if $v.mesh.enabled }}
injector.mesh.control-plane-address={{ include "sidecar-injector.controlPlaneAddress" . }}
{{- end }}
injector.ca.enabled={{ $v.ca.enabled }}
{{- if $v.ca.enabled }}
injector.ca.trust-domain={{ $v.ca.trustDomain }}
injector.ca.workload-cert-ttl={{ $v.ca.workloadCertTTL }}
injector.ca.max-workload-cert-ttl={{ $v.ca.maxWorkloadCertTTL }}
injector.ca.secret-namespace={{ .Release.Namespace }}
{{- /* The names proxies and tools dial 15012 by: the Service's, and localhost for kubectl port-forward. */}}
injector.ca.server-names={{ include "sidecar-injector.dnsNames" . | fromJsonArray | join "," }},localhost,127.0.0.1
{{- end }}
injector.templates.directory={{ include "sidecar-injector.configDir" . }}/templates
injector.templates.reload-period={{ $v.templates.reloadPeriod }}
{{- range $key, $value := $v.extraConfig }}
{{ $key }}={{ $value }}
{{- end }}
{{- end }}

{{/*
The clientConfig of a webhook entry, mutating or validating: this release's Service on its port, at .path, trusting
.caBundle when there is one (in certManager mode cert-manager's CA injector fills it in). .root is the chart's context.
*/}}
{{- define "sidecar-injector.clientConfig" -}}
service:
  name: {{ include "sidecar-injector.fullname" .root }}
  namespace: {{ .root.Release.Namespace }}
  path: {{ .path }}
  port: {{ .root.Values.service.port }}
{{- with .caBundle }}
caBundle: {{ . }}
{{- end }}
{{- end }}
