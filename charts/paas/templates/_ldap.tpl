{{/* The controller's directory settings (PAAS_LDAP_*): nothing while ldap.enabled is false. */}}
{{- define "paas.ldapEnv" -}}
{{- $l := .Values.ldap }}
{{- if $l.enabled }}
- name: PAAS_LDAP_URL
  value: {{ required "ldap.url is required with ldap.enabled: ldap://HOST[:389] or ldaps://HOST[:636]" $l.url | quote }}
- name: PAAS_LDAP_FLAVOR
  value: {{ $l.flavor | quote }}
- name: PAAS_LDAP_START_TLS
  value: {{ $l.startTls | quote }}
{{- if $l.caSecret.name }}
- name: PAAS_LDAP_CA_FILE
  value: /etc/paas/ldap-ca/ca.pem
{{- end }}
{{- if $l.bindDn }}
- name: PAAS_LDAP_BIND_DN
  value: {{ $l.bindDn | quote }}
- name: PAAS_LDAP_BIND_PASSWORD_FILE
  value: /etc/paas/ldap-bind/password
{{- end }}
- name: PAAS_LDAP_USER_BASE
  value: {{ required "ldap.userBase is required with ldap.enabled: where users are searched, e.g. ou=people,dc=example,dc=com" $l.userBase | quote }}
{{- with $l.userFilter }}
- name: PAAS_LDAP_USER_FILTER
  value: {{ . | quote }}
{{- end }}
{{- with $l.usernameAttribute }}
- name: PAAS_LDAP_USERNAME_ATTRIBUTE
  value: {{ . | quote }}
{{- end }}
{{- with $l.groupBase }}
- name: PAAS_LDAP_GROUP_BASE
  value: {{ . | quote }}
{{- end }}
{{- with $l.groupFilter }}
- name: PAAS_LDAP_GROUP_FILTER
  value: {{ . | quote }}
{{- end }}
{{- with $l.adminGroup }}
- name: PAAS_LDAP_ADMIN_GROUP
  value: {{ . | quote }}
{{- end }}
{{- with $l.requiredGroup }}
- name: PAAS_LDAP_REQUIRED_GROUP
  value: {{ . | quote }}
{{- end }}
{{- with $l.teamPrefix }}
- name: PAAS_LDAP_TEAM_PREFIX
  value: {{ . | quote }}
{{- end }}
{{- with $l.domain }}
- name: PAAS_LDAP_DOMAIN
  value: {{ . | quote }}
{{- end }}
- name: PAAS_LDAP_ALLOW_UNKNOWN_USERS
  value: {{ $l.allowUnknownUsers | quote }}
{{- end }}
{{- end }}

{{- define "paas.ldapVolumeMounts" -}}
{{- $l := .Values.ldap }}
{{- if and $l.enabled $l.caSecret.name }}
- name: ldap-ca
  mountPath: /etc/paas/ldap-ca
  readOnly: true
{{- end }}
{{- if and $l.enabled $l.bindDn }}
- name: ldap-bind
  mountPath: /etc/paas/ldap-bind
  readOnly: true
{{- end }}
{{- end }}

{{- define "paas.ldapVolumes" -}}
{{- $l := .Values.ldap }}
{{- if and $l.enabled $l.caSecret.name }}
- name: ldap-ca
  secret:
    secretName: {{ $l.caSecret.name }}
    defaultMode: 0440
    items:
      - key: {{ $l.caSecret.key }}
        path: ca.pem
{{- end }}
{{- if and $l.enabled $l.bindDn }}
- name: ldap-bind
  secret:
    secretName: {{ required "ldap.bindPasswordSecret.name is required with ldap.bindDn: an existing Secret holding the bind password" $l.bindPasswordSecret.name }}
    defaultMode: 0440
    items:
      - key: {{ $l.bindPasswordSecret.key }}
        path: password
{{- end }}
{{- end }}
