{{/* The chart's name, or nameOverride. */}}
{{- define "herald.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Names of the release's objects: fullnameOverride, else the release name (with the chart's name
     when the release name does not already contain it). */}}
{{- define "herald.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "herald.selectorLabels" -}}
app.kubernetes.io/name: {{ include "herald.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "herald.labels" -}}
{{ include "herald.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "herald.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "herald.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "herald.metallbNamespace" -}}
{{- default .Release.Namespace .Values.metallbNamespace -}}
{{- end -}}

{{/* Herald's config file: the user's `config` over the sections the chart derives from the values. */}}
{{- define "herald.config" -}}
{{- $k := .Values.kubernetes -}}
{{- $kubernetes := dict "enabled" true "namespace" (include "herald.metallbNamespace" .) "allocate" $k.allocate "frrk8s" $k.frrk8s "ignoreExcludeLb" $k.ignoreExcludeLb "debounceMs" $k.debounceMs -}}
{{- if $k.loadBalancerClass -}}
{{- $_ := set $kubernetes "loadBalancerClass" $k.loadBalancerClass -}}
{{- end -}}
{{- $derived := dict "kubernetes" $kubernetes "api" (dict "listen" (printf "127.0.0.1:%v" .Values.api.port)) "log" (dict "level" .Values.logLevel) -}}
{{- if .Values.metrics.enabled -}}
{{- $_ := set $derived "metrics" (dict "listen" (include "herald.metricsListen" .)) -}}
{{- end -}}
{{- if .Values.stateDir.enabled -}}
{{- $_ := set $derived "stateDir" "/var/lib/herald" -}}
{{- end -}}
{{- if $k.alwaysBlock -}}
{{- $_ := set $derived "alwaysBlock" $k.alwaysBlock -}}
{{- end -}}
{{- toYaml (mustMergeOverwrite $derived (deepCopy .Values.config)) -}}
{{- end -}}

{{/* host:port of the metrics listener; an IPv6 address goes in brackets. */}}
{{- define "herald.metricsListen" -}}
{{- if contains ":" (toString .Values.metrics.address) -}}
{{- printf "[%s]:%v" .Values.metrics.address .Values.metrics.port -}}
{{- else -}}
{{- printf "%s:%v" .Values.metrics.address .Values.metrics.port -}}
{{- end -}}
{{- end -}}
