{{/*
Names, labels and the pieces every platform pod shares. The Kubernetes recommended labels are written here and
nowhere else: paas.selectorLabels (name, instance, component: what selectors match) and paas.labels (those plus
part-of, managed-by, version and the chart).
*/}}

{{- define "paas.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The prefix of every resource name (the release name when it contains the chart name, as most charts do). */}}
{{- define "paas.fullname" -}}
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

{{/* The platform version: image.tag, or the chart's appVersion. */}}
{{- define "paas.version" -}}
{{- .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* Labels selectors match on. Call with (dict "root" $ "component" "controller"). */}}
{{- define "paas.selectorLabels" -}}
app.kubernetes.io/name: {{ include "paas.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Every object's labels. Call with (dict "root" $ "component" "controller"). */}}
{{- define "paas.labels" -}}
{{ include "paas.selectorLabels" . }}
app.kubernetes.io/part-of: paas
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/version: {{ include "paas.version" .root | quote }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The router pods' selector labels as KEY=VALUE pairs sorted by key, for PAAS_KUBERNETES_ROUTER_POD_LABELS: each app's
NetworkPolicy lets the router in by these, so they come from paas.selectorLabels, the template that labels the router.
*/}}
{{- define "paas.routerPodLabels" -}}
{{- $labels := include "paas.selectorLabels" (dict "root" . "component" "router") | fromYaml }}
{{- $pairs := list }}
{{- range $key := keys $labels | sortAlpha }}
{{- $pairs = append $pairs (printf "%s=%s" $key (get $labels $key)) }}
{{- end }}
{{- join "," $pairs }}
{{- end }}

{{/*
The labels of build pods, which the builder creates (it must set these two): the NetworkPolicies find them by these,
and they carry no app.kubernetes.io/instance so that no policy takes them for platform pods.
*/}}
{{- define "paas.buildPodLabels" -}}
app.kubernetes.io/part-of: paas
app.kubernetes.io/component: build
{{- end }}

{{/* An image reference. Call with (dict "root" $ "repository" "paas/paasd"). */}}
{{- define "paas.image" -}}
{{- $registry := .root.Values.image.registry | trimSuffix "/" }}
{{- if $registry }}
{{- printf "%s/%s:%s" $registry .repository (include "paas.version" .root) }}
{{- else }}
{{- printf "%s:%s" .repository (include "paas.version" .root) }}
{{- end }}
{{- end }}

{{/* The platform domain, required. */}}
{{- define "paas.domain" -}}
{{- required "domain is required: the platform's DNS domain, where apps answer as APP.DOMAIN (e.g. --set domain=example.com)" .Values.domain }}
{{- end }}

{{/* Service names, as PAAS_*_URL use them. Call with $. */}}
{{- define "paas.controllerName" -}}{{ include "paas.fullname" . }}-controller{{- end }}
{{- define "paas.builderName" -}}{{ include "paas.fullname" . }}-builder{{- end }}
{{- define "paas.registryName" -}}{{ include "paas.fullname" . }}-registry{{- end }}
{{- define "paas.postgresqlName" -}}{{ include "paas.fullname" . }}-postgresql{{- end }}
{{- define "paas.secretKeysSecret" -}}{{ include "paas.fullname" . }}-secret-keys{{- end }}
{{- define "paas.serviceTokenSecret" -}}{{ include "paas.fullname" . }}-service-token{{- end }}
{{- define "paas.databaseSecret" -}}{{ include "paas.fullname" . }}-database{{- end }}

{{/*
The registry host nodes pull app images from (PAAS_KUBERNETES_REGISTRY_HOST): registry.hostForNodes, else the registry
proxy on 127.0.0.1, else the registry's node port on 127.0.0.1, else its ingress host.
*/}}
{{- define "paas.registryHostForNodes" -}}
{{- $r := .Values.registry }}
{{- if $r.hostForNodes }}
{{- $r.hostForNodes }}
{{- else if .Values.registryProxy.enabled }}
{{- printf "127.0.0.1:%d" (int .Values.registryProxy.port) }}
{{- else if eq $r.expose.type "nodePort" }}
{{- printf "127.0.0.1:%d" (int $r.expose.nodePort) }}
{{- else if eq $r.expose.type "ingress" }}
{{- required "registry.expose.ingress.host is required with registry.expose.type=ingress: the registry's host name, with a certificate the nodes trust" $r.expose.ingress.host }}
{{- else }}
{{- fail "nodes cannot pull app images: registryProxy.enabled is false and registry.expose.type is none; enable the registry proxy, set registry.expose.type to nodePort or ingress, or give registry.hostForNodes" }}
{{- end }}
{{- end }}

{{/* The ports of the roles (roles-contract.md). */}}
{{- define "paas.port.api" -}}7000{{- end }}
{{- define "paas.port.internal" -}}7001{{- end }}
{{- define "paas.port.builder" -}}7100{{- end }}
{{- define "paas.port.registry" -}}5000{{- end }}
{{- define "paas.port.http" -}}8080{{- end }}
{{- define "paas.port.https" -}}8443{{- end }}
{{- define "paas.port.health" -}}8086{{- end }}
{{- define "paas.port.postgresql" -}}5432{{- end }}

{{/* Environment every role reads (a role ignores what it does not use). Call with (dict "root" $ "role" "controller"). */}}
{{- define "paas.env" -}}
{{- $root := .root -}}
- name: PAAS_ROLE
  value: {{ .role | quote }}
- name: PAAS_LISTEN_ADDRESS
  value: "0.0.0.0"
- name: PAAS_DATA_DIR
  value: /var/lib/paas
- name: PAAS_DOMAIN
  value: {{ include "paas.domain" $root | quote }}
- name: PAAS_SERVICE_TOKEN_FILE
  value: /etc/paas/service-token/service-token
- name: PAAS_API_PORT
  value: {{ include "paas.port.api" $root | quote }}
- name: PAAS_INTERNAL_PORT
  value: {{ include "paas.port.internal" $root | quote }}
- name: PAAS_BUILDER_PORT
  value: {{ include "paas.port.builder" $root | quote }}
- name: PAAS_REGISTRY_PORT
  value: {{ include "paas.port.registry" $root | quote }}
- name: PAAS_HTTP_PORT
  value: {{ include "paas.port.http" $root | quote }}
- name: PAAS_HTTPS_PORT
  value: {{ include "paas.port.https" $root | quote }}
- name: PAAS_REGISTRY_PROXY_PORT
  value: {{ $root.Values.registryProxy.port | quote }}
- name: PAAS_HEALTH_PORT
  value: {{ include "paas.port.health" $root | quote }}
- name: PAAS_CONTROLLER_URL
  value: {{ printf "http://%s:%s" (include "paas.controllerName" $root) (include "paas.port.api" $root) | quote }}
- name: PAAS_CONTROLLER_INTERNAL_URL
  value: {{ printf "http://%s:%s" (include "paas.controllerName" $root) (include "paas.port.internal" $root) | quote }}
- name: PAAS_BUILDER_URL
  value: {{ printf "http://%s:%s" (include "paas.builderName" $root) (include "paas.port.builder" $root) | quote }}
- name: PAAS_REGISTRY_URL
  value: {{ printf "http://%s:%s" (include "paas.registryName" $root) (include "paas.port.registry" $root) | quote }}
- name: HOME
  value: /tmp
{{- end }}

{{/* The service token file and the writable folders every platform pod mounts. */}}
{{- define "paas.volumeMounts" -}}
- name: service-token
  mountPath: /etc/paas/service-token
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end }}

{{- define "paas.volumes" -}}
- name: service-token
  secret:
    secretName: {{ include "paas.serviceTokenSecret" . }}
    defaultMode: 0440
    items:
      - key: service-token
        path: service-token
- name: tmp
  emptyDir: {}
{{- end }}

{{/* The health port and probes of a platform container (PAAS_HEALTH_PORT: /healthz live, /readyz ready). */}}
{{- define "paas.healthPort" -}}
- name: health
  containerPort: {{ include "paas.port.health" . }}
  protocol: TCP
{{- end }}

{{- define "paas.probes" -}}
startupProbe:
  httpGet:
    path: /healthz
    port: health
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet:
    path: /healthz
    port: health
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /readyz
    port: health
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
{{- end }}

{{/* Pod and container security: paasd runs as 1000:1000 (the image's user), no privilege, read-only root. */}}
{{- define "paas.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "paas.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end }}

{{/* imagePullSecrets of platform pods. */}}
{{- define "paas.imagePullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}

{{/*
nodeSelector, tolerations and affinity of a component. Call with (dict "root" $ "component" "router" "values"
.Values.router "spread" true): with spread and no affinity given, pods prefer distinct nodes.
*/}}
{{- define "paas.scheduling" -}}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .values.affinity }}
affinity:
  {{- toYaml .values.affinity | nindent 2 }}
{{- else if .spread }}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "paas.selectorLabels" (dict "root" .root "component" .component) | nindent 14 }}
{{- end }}
{{- end }}

{{/* Pod annotations of a component (podAnnotations). */}}
{{- define "paas.podAnnotations" -}}
{{- with .podAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
