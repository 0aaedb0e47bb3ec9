#!/usr/bin/env bash
# Builds the paas-22 stack: a Debian bookworm run image (debootstrap --variant=minbase from the machine's own Debian
# mirror) with what buildpack output needs at run time, the non-root user paas (1000:1000, HOME /app) and the launcher at
# /usr/local/bin/paas-launcher. No daemon and no image registry: buildah commits it and writes an OCI layout directory.
#
#   stack/build.sh            builds unless cached; prints the OCI layout's path as its last line
#
# Cache: ${PAAS_STACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/paas/stack}/KEY/oci, KEY = sha256 of this script, the
# package list, the launcher and the Debian mirror configuration: a second run with nothing changed returns at once.
# Needs root, debootstrap and buildah (scripts/install-deps.sh installs them).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
name="paas-22"
suite="bookworm"
packages=(bash ca-certificates curl libssl3 libstdc++6 libgcc-s1 zlib1g libicu72 tzdata procps python3 less netbase tini)
sources=/etc/apt/sources.list.d/debian.sources

key="$( { cat "$here/build.sh" "$here/launcher/paas-launcher"; printf '%s\n' "${packages[@]}"; cat "$sources" 2>/dev/null || true; } | sha256sum | cut -c1-16)"
cache="${PAAS_STACK_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/paas/stack}"
out="$cache/$key"
if [ -f "$out/oci/index.json" ]; then
  echo "-----> Stack $name is cached ($key)" >&2
  echo "$out/oci"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || { echo "stack/build.sh: debootstrap needs root" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "stack/build.sh: debootstrap is missing (scripts/install-deps.sh)" >&2; exit 1; }
command -v buildah >/dev/null || { echo "stack/build.sh: buildah is missing (scripts/install-deps.sh)" >&2; exit 1; }
mirror="$(sed -n 's/^URIs:[[:space:]]*//p' "$sources" 2>/dev/null | awk '{print $1}' | grep -v security | head -1)"
mirror="${mirror:-http://deb.debian.org/debian}"

work="$(mktemp -d "${TMPDIR:-/tmp}/paas-stack.XXXXXX")"
container=""
cleanup() {
  [ -n "$container" ] && buildah rm "$container" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
started=$SECONDS
rootfs="$work/rootfs"

echo "-----> debootstrap --variant=minbase $suite from $mirror" >&2
include="$(IFS=,; echo "${packages[*]}")"
debootstrap --variant=minbase --include="$include" "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -30 "$work/debootstrap.log" >&2; echo "stack/build.sh: debootstrap failed" >&2; exit 1; }

echo "-----> User paas (1000:1000, HOME /app), launcher, clean-up" >&2
chroot "$rootfs" groupadd --gid 1000 paas
chroot "$rootfs" useradd --uid 1000 --gid 1000 --home-dir /app --no-create-home --shell /bin/bash paas
install -d -o 1000 -g 1000 -m 0755 "$rootfs/app"
install -m 0755 "$here/launcher/paas-launcher" "$rootfs/usr/local/bin/paas-launcher"
# the stack's own sources list: the same mirror, so `apt-get` in a one-off dyno could work
printf 'deb %s %s main\n' "$mirror" "$suite" > "$rootfs/etc/apt/sources.list"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/tmp/* "$rootfs"/var/tmp/*
# image tools mount these; an empty folder is what an image holds
rm -rf "$rootfs"/proc/* "$rootfs"/sys/* "$rootfs"/dev/* 2>/dev/null || true

echo "-----> buildah commit" >&2
tar --numeric-owner --xattrs -C "$rootfs" -cf "$work/rootfs.tar" .
container="$(buildah from --quiet scratch)"
buildah add --quiet "$container" "$work/rootfs.tar" / >/dev/null
buildah config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env HOME=/app --env PORT=5000 --env LANG=C.UTF-8 --env STACK="$name" \
  --user 1000:1000 --workingdir /app \
  --entrypoint '["/usr/local/bin/paas-launcher"]' --cmd '' \
  --os linux --arch amd64 \
  --label io.paas.stack="$name" --label org.opencontainers.image.title="$name" \
  --label org.opencontainers.image.description="paas run stack: Debian $suite minbase + run-time libraries + paas-launcher" \
  --label io.paas.stack.key="$key" \
  "$container"
mkdir -p "$cache"
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
buildah commit --quiet --format oci --disable-compression=false --rm "$container" "oci:$out.tmp/oci:$name" >/dev/null
container=""
rm -rf "$out" && mv "$out.tmp" "$out"
size="$(du -sm "$out/oci" | cut -f1)"
echo "-----> Stack $name built in $((SECONDS - started)) s: $out/oci ($size MB compressed)" >&2
echo "$out/oci"
