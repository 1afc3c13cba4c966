{{/* Names: every object of a release carries the release's full name, so two releases never collide. */}}
{{- define "rewind.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "rewind.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}
{{/* 40 characters leave room for the longest suffix (-sidecar-injector-pods) within 63. */}}

{{- define "rewind.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "rewind.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: rewind
{{- end }}

{{- define "rewind.operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rewind.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "rewind.postgresql.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rewind.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: store
{{- end }}

{{- define "rewind.operator.serviceAccountName" -}}
{{- default (printf "%s-operator" (include "rewind.fullname" .)) .Values.operator.serviceAccount.name }}
{{- end }}

{{- define "rewind.operator.image" -}}
{{- printf "%s:%s" .Values.operator.image.repository (default .Chart.AppVersion .Values.operator.image.tag) }}
{{- end }}

{{- define "rewind.sidecar.image" -}}
{{- printf "%s:%s" .Values.injector.sidecar.image.repository (default .Chart.AppVersion .Values.injector.sidecar.image.tag) }}
{{- end }}

{{/* The leader-election Lease (rewind.leader-election.lease-name); the Role names it. */}}
{{- define "rewind.leaseName" -}}
{{- printf "%s-operator" (include "rewind.fullname" .) }}
{{- end }}

{{/* The MutatingWebhookConfiguration, the Service in front of the webhook port and the cert-manager Certificate
     share this name; the RBAC names the configuration. */}}
{{- define "rewind.injectorName" -}}
{{- printf "%s-sidecar-injector" (include "rewind.fullname" .) }}
{{- end }}

{{/* tls.mode generated: the Secret the operator keeps its CA and certificate in (the Role names it). */}}
{{- define "rewind.generatedTlsSecret" -}}
{{- printf "%s-webhook-tls" (include "rewind.fullname" .) }}
{{- end }}

{{/* tls.mode cert-manager: the Secret cert-manager writes and the operator mounts. */}}
{{- define "rewind.certManagerTlsSecret" -}}
{{- printf "%s-sidecar-injector-tls" (include "rewind.fullname" .) }}
{{- end }}

{{/* The query API's Service (the APIService points at it) and its certificate's Secret. */}}
{{- define "rewind.queryName" -}}
{{- printf "%s-query" (include "rewind.fullname" .) }}
{{- end }}

{{- define "rewind.queryTlsSecret" -}}
{{- printf "%s-query-tls" (include "rewind.fullname" .) }}
{{- end }}

{{- define "rewind.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "rewind.fullname" .) }}
{{- end }}

{{/* Where the operator's store password comes from: "<secret>/<key>", or empty for none (trust or certificate
     authentication). */}}
{{- define "rewind.store.passwordRef" -}}
{{- if .Values.store.existingSecret }}
{{- printf "%s/%s" .Values.store.existingSecret .Values.store.existingSecretKey }}
{{- else if .Values.store.password }}
{{- printf "%s-store/password" (include "rewind.fullname" .) }}
{{- else if .Values.postgresql.enabled }}
{{- printf "%s/password" (include "rewind.postgresql.fullname" .) }}
{{- end }}
{{- end }}

{{/* The bundled PostgreSQL's password: given, or the one stored by an earlier revision (so an upgrade does not
     change it: PostgreSQL reads POSTGRES_PASSWORD only when it initialises its data), or a new random one. The
     result is remembered for the rest of this render, so every Secret that carries it gets the same value. */}}
{{- define "rewind.postgresql.password" -}}
{{- if not (hasKey .Values.postgresql "renderedPassword") }}
{{- $password := .Values.postgresql.auth.password }}
{{- if not $password }}
{{- $stored := lookup "v1" "Secret" .Release.Namespace (include "rewind.postgresql.fullname" .) }}
{{- if and $stored $stored.data (hasKey $stored.data "password") }}
{{- $password = index $stored.data "password" | b64dec }}
{{- else }}
{{- $password = randAlphaNum 32 }}
{{- end }}
{{- end }}
{{- $_ := set .Values.postgresql "renderedPassword" $password }}
{{- end }}
{{- .Values.postgresql.renderedPassword }}
{{- end }}

{{/* The password the chart itself holds, for the sidecars' per-namespace Secrets; empty with store.existingSecret
     (copying it would put it into the release history, which existingSecret exists to avoid). */}}
{{- define "rewind.sidecarStorePassword" -}}
{{- if .Values.store.existingSecret }}
{{- else if .Values.store.password }}
{{- .Values.store.password }}
{{- else if .Values.postgresql.enabled }}
{{- include "rewind.postgresql.password" . }}
{{- end }}
{{- end }}

{{/* Rules that span several keys, which the schema cannot express with a clear message. */}}
{{- define "rewind.validate" -}}
{{- if and .Values.store.existingSecret .Values.store.password }}
{{- fail "store.existingSecret and store.password are both set: keep one (existingSecret keeps the password out of the Helm release)" }}
{{- end }}
{{- if regexMatch "//[^/@]*:[^/@]*@" .Values.store.url }}
{{- fail "store.url must not carry a password (the operator refuses one): give it through store.existingSecret or store.password" }}
{{- end }}
{{- if regexMatch "//[^/@]*:[^/@]*@" .Values.injector.sidecar.storeUrl }}
{{- fail "injector.sidecar.storeUrl must not carry a password: sidecars read it from the Secret injector.sidecar.storeSecret.name" }}
{{- end }}
{{- if and .Values.injector.sidecar.storeSecret.namespaces (not (include "rewind.sidecarStorePassword" .)) }}
{{- fail "injector.sidecar.storeSecret.namespaces needs a password the chart holds (store.password or postgresql.enabled); with store.existingSecret, create the Secret in each namespace yourself (see the chart README)" }}
{{- end }}
{{- with .Values.monitoring.prometheusRule }}
{{- if and .enabled .storeUnavailable.enabled (lt (include "rewind.seconds" .storeUnavailable.window | int64) (mul 2 (include "rewind.seconds" $.Values.monitoring.podMonitor.interval | int64))) }}
{{- fail (printf "monitoring.prometheusRule.storeUnavailable.window (%s) must be at least twice monitoring.podMonitor.interval (%s): increase() needs two scrapes in the window" .storeUnavailable.window $.Values.monitoring.podMonitor.interval) }}
{{- end }}
{{- if and .enabled .replayFailed.enabled (lt (include "rewind.seconds" .replayFailed.window | int64) (mul 2 (include "rewind.seconds" $.Values.monitoring.serviceMonitor.interval | int64))) }}
{{- fail (printf "monitoring.prometheusRule.replayFailed.window (%s) must be at least twice monitoring.serviceMonitor.interval (%s): increase() needs two scrapes in the window" .replayFailed.window $.Values.monitoring.serviceMonitor.interval) }}
{{- end }}
{{- end }}
{{- if and .Values.injector.enabled .Values.injector.namespaces }}
{{- if has .Release.Namespace .Values.injector.namespaces }}
{{- fail (printf "injector.namespaces must not contain the release namespace %s: the operator's own pods are never injected" .Release.Namespace) }}
{{- end }}
{{- end }}
{{- end }}

{{/* A chart duration (500ms, 30s, 5m, 1h, 2d) in whole seconds, for PromQL comparisons. */}}
{{- define "rewind.seconds" -}}
{{- $n := regexReplaceAll "^([0-9]+)(ms|s|m|h|d)$" . "${1}" | int64 -}}
{{- $unit := regexReplaceAll "^([0-9]+)(ms|s|m|h|d)$" . "${2}" -}}
{{- $factor := get (dict "ms" 0 "s" 1 "m" 60 "h" 3600 "d" 86400) $unit | int64 -}}
{{- if eq $unit "ms" }}{{ div $n 1000 }}{{ else }}{{ mul $n $factor }}{{ end -}}
{{- end }}

{{/* The Service, and so the scrape job, of the operator's metrics. */}}
{{- define "rewind.operatorMetricsName" -}}
{{- printf "%s-operator-metrics" (include "rewind.fullname" .) }}
{{- end }}

{{/* An alert's labels: its severity and monitoring.prometheusRule.alertLabels. Call with (dict "root" $ "alert" .). */}}
{{- define "rewind.alertLabels" -}}
{{- toYaml (merge (dict "severity" .alert.severity) (deepCopy .root.Values.monitoring.prometheusRule.alertLabels)) }}
{{- end }}

{{/* runbook_url of alert NAME, when monitoring.prometheusRule.runbookBaseUrl is set. Call with (dict "root" $ "name" NAME). */}}
{{- define "rewind.runbookUrl" -}}
{{- with .root.Values.monitoring.prometheusRule.runbookBaseUrl }}
{{- printf "runbook_url: %s" (printf "%s#%s" . (lower $.name) | quote) }}
{{- end }}
{{- end }}
