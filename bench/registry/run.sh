#!/usr/bin/env bash
# Push and pull the same 256 MiB, 8-layer image with skopeo to this registry and to Debian's
# docker-registry (distribution 2.8), side by side on loopback; print throughputs and ratios.
# Usage: bench/registry/run.sh [rounds]   (env: BENCH_CACHE to keep the image between runs)
set -euo pipefail

ROUNDS="${1:-3}"
HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${BENCH_CACHE:-/tmp/paas-registry-bench-cache}"
WORK="$(mktemp -d /tmp/paas-registry-bench.XXXXXX)"
PAAS_PORT="${PAAS_BENCH_PORT:-15000}"   # paasd uses this port and the next three (API, router HTTP and HTTPS)
DIST_PORT="${DIST_BENCH_PORT:-15004}"
API_PORT=$((PAAS_PORT + 1)); HTTP_PORT=$((PAAS_PORT + 2)); HTTPS_PORT=$((PAAS_PORT + 3))
LAYERS=8
LAYER_MIB=32
PIDS=()

cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # interrupted: leave through the EXIT trap, which stops paasd and docker-registry

for tool in skopeo docker-registry dotnet curl sha256sum gzip tar; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done

# 1. The image: 8 layers of 32 MiB random (incompressible) data, gzip'd once, as an OCI layout.
IMAGE="$CACHE/image"
if [ ! -f "$IMAGE/index.json" ]; then
  echo "building the ${LAYERS}x${LAYER_MIB} MiB image in $IMAGE ..."
  rm -rf "$IMAGE"; mkdir -p "$IMAGE/blobs/sha256" "$CACHE/tmp"
  printf '{"imageLayoutVersion":"1.0.0"}' > "$IMAGE/oci-layout"
  layers_json=""; diff_ids=""
  for i in $(seq 1 "$LAYERS"); do
    mkdir -p "$CACHE/tmp/l$i"
    head -c "$((LAYER_MIB * 1024 * 1024))" /dev/urandom > "$CACHE/tmp/l$i/data$i.bin"
    tar -C "$CACHE/tmp/l$i" -cf "$CACHE/tmp/l$i.tar" "data$i.bin"
    diff_id="$(sha256sum "$CACHE/tmp/l$i.tar" | cut -d' ' -f1)"
    gzip -1 -c "$CACHE/tmp/l$i.tar" > "$CACHE/tmp/l$i.tar.gz"
    digest="$(sha256sum "$CACHE/tmp/l$i.tar.gz" | cut -d' ' -f1)"
    size="$(stat -c %s "$CACHE/tmp/l$i.tar.gz")"
    mv "$CACHE/tmp/l$i.tar.gz" "$IMAGE/blobs/sha256/$digest"
    layers_json="$layers_json${layers_json:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$digest\",\"size\":$size}"
    diff_ids="$diff_ids${diff_ids:+,}\"sha256:$diff_id\""
  done
  rm -rf "$CACHE/tmp"
  config="{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[$diff_ids]}}"
  printf '%s' "$config" > "$IMAGE/config.json"
  cdigest="$(sha256sum "$IMAGE/config.json" | cut -d' ' -f1)"; csize="$(stat -c %s "$IMAGE/config.json")"
  mv "$IMAGE/config.json" "$IMAGE/blobs/sha256/$cdigest"
  manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:$cdigest\",\"size\":$csize},\"layers\":[$layers_json]}"
  printf '%s' "$manifest" > "$IMAGE/manifest.json"
  mdigest="$(sha256sum "$IMAGE/manifest.json" | cut -d' ' -f1)"; msize="$(stat -c %s "$IMAGE/manifest.json")"
  mv "$IMAGE/manifest.json" "$IMAGE/blobs/sha256/$mdigest"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' "$mdigest" "$msize" > "$IMAGE/index.json"
fi
BYTES="$(du -sb "$IMAGE/blobs" | cut -f1)"
MIB="$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1048576 }')"
echo "image: $MIB MiB in $LAYERS layers ($IMAGE)"

# 2. The platform executable, built in Release: the registry is measured as paasd runs it (its Kestrel
#    settings, its logging, sign-in with a user's API token and the app permission lookup in its database).
echo "building paasd ..."
dotnet build -c Release -nologo -v q -clp:ErrorsOnly -o "$WORK/paasd" "$HERE/../../src/Paas.Server/Paas.Server.csproj" >/dev/null

wait_port() {
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "http://127.0.0.1:$1/v2/" && return 0
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2; return 1
}

start_registries() { # $1 = round; sets PAAS_CREDS and PAAS_APP
  mkdir -p "$WORK/paas-$1" "$WORK/dist-$1"
  PAAS_DATA_DIR="$WORK/paas-$1" PAAS_API_PORT="$API_PORT" PAAS_REGISTRY_PORT="$PAAS_PORT" \
    PAAS_HTTP_PORT="$HTTP_PORT" PAAS_HTTPS_PORT="$HTTPS_PORT" PAAS_LISTEN_ADDRESS=127.0.0.1 \
    "$WORK/paasd/paasd" > "$WORK/paas-$1.log" 2>&1 &
  PAAS_PID=$!; PIDS+=("$PAAS_PID")
  cat > "$WORK/dist-$1.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/dist-$1
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$DIST_PORT
YAML
  docker-registry serve "$WORK/dist-$1.yml" > "$WORK/dist-$1.log" 2>&1 &
  DIST_PID=$!; PIDS+=("$DIST_PID")
  wait_port "$PAAS_PORT"; wait_port "$DIST_PORT"
  # A user (the first one is an admin, so: a second one who owns the app) and the app the repository belongs to.
  local api="http://127.0.0.1:$API_PORT/v2" admin user
  curl -sf -o /dev/null -H 'Content-Type: application/json' -d '{"username":"admin","password":"bench-admin-pw"}' "$api/auth/register"
  admin=$(curl -sf -H 'Content-Type: application/json' -d '{"username":"admin","password":"bench-admin-pw"}' "$api/auth/login" | sed 's/.*"token":"\([^"]*\)".*/\1/')
  curl -sf -o /dev/null -H "Authorization: token $admin" -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench-user-pw"}' "$api/auth/register"
  user=$(curl -sf -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench-user-pw"}' "$api/auth/login" | sed 's/.*"token":"\([^"]*\)".*/\1/')
  PAAS_APP="bench-$1-$RANDOM"
  curl -sf -o /dev/null -H "Authorization: token $user" -H 'Content-Type: application/json' -d "{\"name\":\"$PAAS_APP\"}" "$api/apps"
  PAAS_CREDS="bench:$user"
}

stop_registries() {
  kill "$PAAS_PID" "$DIST_PID" 2>/dev/null || true
  wait "$PAAS_PID" "$DIST_PID" 2>/dev/null || true
  rm -rf "$WORK/paas-$1" "$WORK/dist-$1"
}

now() { date +%s.%N; }
TICKS_PER_S="$(getconf CLK_TCK)"
cpu_s() { awk -v hz="$TICKS_PER_S" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/stat"; }   # user+system CPU seconds of a server
mibs() { awk -v m="$MIB" -v s="$1" 'BEGIN { printf "%.1f", m / s }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# 3. Both registries start once and serve every round, as a platform's registry runs for days. Round 0 warms them up
#    (a .NET server compiles its hot code in the first seconds of its life; Go's is compiled ahead): its figures are
#    printed as "cold" and kept out of the medians. Each round pushes to a new repository and, after its
#    measurements, deletes that repository's blobs (so the next round's cross-repository mount attempts fail and
#    every round uploads all 256 MiB), on both registries alike.
#    Every figure is kept per round in $WORK/figures: "<round> <what> <value>".
: > "$WORK/figures"
start_registries 1
MANIFEST_DIGEST="$(sed 's/.*"digest":"\(sha256:[0-9a-f]*\)".*/\1/' "$IMAGE/index.json")"
delete_blobs() { # $1 = port, $2 = repository, rest = curl auth: the manifest, then the config and layers
  local port=$1 repo=$2 blob; shift 2
  curl -sf -o /dev/null -X DELETE "$@" "http://127.0.0.1:$port/v2/$repo/manifests/$MANIFEST_DIGEST" \
    || { echo "could not delete the manifest of $repo on port $port" >&2; exit 1; }
  for blob in "$IMAGE"/blobs/sha256/*; do
    [ "sha256:$(basename "$blob")" = "$MANIFEST_DIGEST" ] && continue
    curl -sf -o /dev/null -X DELETE "$@" "http://127.0.0.1:$port/v2/$repo/blobs/sha256:$(basename "$blob")" \
      || { echo "could not delete blob $(basename "$blob") of $repo on port $port" >&2; exit 1; }
  done
}
for round in $(seq 0 "$ROUNDS"); do
  # Alternate who goes first; flush dirty pages before each measurement so one run's writeback
  # does not slow the next.
  order="paas dist"; [ $((round % 2)) -eq 0 ] && order="dist paas"
  for target in $order; do
    if [ "$target" = paas ]; then
      pid=$PAAS_PID; port=$PAAS_PORT; repo="$PAAS_APP/image-$round"
      creds=(--dest-creds "$PAAS_CREDS"); screds=(--src-creds "$PAAS_CREDS"); cauth=(-u "$PAAS_CREDS")
    else
      pid=$DIST_PID; port=$DIST_PORT; repo="bench/image-$round"; creds=(); screds=(); cauth=()
    fi
    ref="docker://127.0.0.1:$port/$repo:v1"
    sync
    c0=$(cpu_s "$pid"); t0=$(now)
    timeout 300 skopeo copy -q --dest-tls-verify=false "${creds[@]}" "oci:$IMAGE:v1" "$ref"
    t1=$(now); c1=$(cpu_s "$pid")
    sync
    c1b=$(cpu_s "$pid"); t1b=$(now)
    timeout 300 skopeo copy -q --src-tls-verify=false "${screds[@]}" "$ref" "dir:$WORK/pull-$target-$round"
    t2=$(now); c2=$(cpu_s "$pid")
    rm -rf "$WORK/pull-$target-$round"
    # Server side only (no skopeo): every blob of the image at once with curl, to /dev/null.
    sync
    t3=$(now)
    gets=()
    for blob in "$IMAGE"/blobs/sha256/*; do
      timeout 120 curl -sf "${cauth[@]}" -o /dev/null "http://127.0.0.1:$port/v2/$repo/blobs/sha256:$(basename "$blob")" &
      gets+=("$!")
    done
    wait "${gets[@]}"  # not a bare wait: the registries are children too
    t4=$(now)
    delete_blobs "$port" "$repo" "${cauth[@]}"
    push=$(mibs "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
    pull=$(mibs "$(awk -v a="$t1b" -v b="$t2" 'BEGIN { print b - a }')")
    get=$(mibs "$(awk -v a="$t3" -v b="$t4" 'BEGIN { print b - a }')")
    pushcpu=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')
    pullcpu=$(awk -v a="$c1b" -v b="$c2" 'BEGIN { printf "%.2f", b - a }')
    printf '%d %s-push %s\n%d %s-pull %s\n%d %s-get %s\n' "$round" "$target" "$push" "$round" "$target" "$pull" "$round" "$target" "$get" >> "$WORK/figures"
    printf '%d %s-pushcpu %s\n%d %s-pullcpu %s\n' "$round" "$target" "$pushcpu" "$round" "$target" "$pullcpu" >> "$WORK/figures"
    label="round $(printf %2d "$round")"; [ "$round" -eq 0 ] && label="cold    "
    printf '%s %-5s push %7.1f MiB/s   pull %7.1f MiB/s   GET %7.1f MiB/s   server CPU: push %5.2f s, pull %5.2f s\n' "$label" "$target" "$push" "$pull" "$get" "$pushcpu" "$pullcpu"
  done
  for what in push pull get; do
    awk -v r="$round" -v w="$what" '$1 == r && $2 == "paas-" w { p = $3 } $1 == r && $2 == "dist-" w { d = $3 } END { printf "%d ratio-%s %.3f\n", r, w, p / d }' "$WORK/figures" >> "$WORK/figures"
  done
done
stop_registries 1

# 4. Summary: medians over the rounds (each ratio is the median of the per-round ratios, each round
#    measuring both registries back to back).
med() { awk -v w="$1" '$1 > 0 && $2 == w { print $3 }' "$WORK/figures" | median; }
cold() { awk -v w="$1" '$1 == 0 && $2 == w { print $3 }' "$WORK/figures"; }
echo
echo "medians over $ROUNDS interleaved rounds of $MIB MiB (skopeo copy, loopback):"
printf '  %-28s push %7s MiB/s   pull %7s MiB/s\n' "paasd registry" "$(med paas-push)" "$(med paas-pull)"
printf '  %-28s push %7s MiB/s   pull %7s MiB/s\n' "distribution 2.8 (Debian)" "$(med dist-push)" "$(med dist-pull)"
printf '  %-28s push %7sx        pull %7sx\n' "ratio paas/distribution" "$(med ratio-push)" "$(med ratio-pull)"
echo "server only, all blobs in parallel with curl (no client-side hashing or disk writes):"
printf '  GET  paas %7s MiB/s   distribution %7s MiB/s   ratio %sx\n' "$(med paas-get)" "$(med dist-get)" "$(med ratio-get)"
echo "server CPU (user+system) per operation: paasd push $(med paas-pushcpu) s, pull $(med paas-pullcpu) s; distribution push $(med dist-pushcpu) s, pull $(med dist-pullcpu) s"
echo "per-round push ratios: $(awk '$1 > 0 && $2 == "ratio-push" { printf "%s ", $3 }' "$WORK/figures")"
echo "per-round pull ratios: $(awk '$1 > 0 && $2 == "ratio-pull" { printf "%s ", $3 }' "$WORK/figures")"
echo "cold (round 0, the first push and pull after each server started; not in the medians): push $(cold ratio-push)x, pull $(cold ratio-pull)x;" \
  "paasd CPU push $(cold paas-pushcpu) s, pull $(cold paas-pullcpu) s; distribution push $(cold dist-pushcpu) s, pull $(cold dist-pullcpu) s"
echo "(this machine is shared: single rounds swing by +-50%; compare medians of many rounds)"
