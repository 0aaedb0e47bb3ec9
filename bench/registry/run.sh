#!/usr/bin/env bash
# Push and pull the same 256 MiB, 8-layer image with skopeo to this registry and to Debian's
# docker-registry (distribution 2.8), side by side on loopback; print throughputs and ratios.
# Usage: bench/registry/run.sh [rounds]   (env: BENCH_CACHE to keep the image between runs)
set -euo pipefail

ROUNDS="${1:-3}"
HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${BENCH_CACHE:-/tmp/paas-registry-bench-cache}"
WORK="$(mktemp -d /tmp/paas-registry-bench.XXXXXX)"
PAAS_PORT="${PAAS_BENCH_PORT:-15000}"
DIST_PORT="${DIST_BENCH_PORT:-15001}"
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

# 2. This registry's host, built in Release.
echo "building the registry host ..."
dotnet build -c Release -nologo -v q -o "$WORK/host" "$HERE/host/RegistryBenchHost.csproj" >/dev/null

wait_port() {
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$1/v2/" && return 0
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2; return 1
}

start_registries() { # $1 = round
  mkdir -p "$WORK/paas-$1" "$WORK/dist-$1"
  "$WORK/host/RegistryBenchHost" "$PAAS_PORT" "$WORK/paas-$1" > "$WORK/paas-$1.log" 2>&1 &
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
}

stop_registries() {
  kill "$PAAS_PID" "$DIST_PID" 2>/dev/null || true
  wait "$PAAS_PID" "$DIST_PID" 2>/dev/null || true
  rm -rf "$WORK/paas-$1" "$WORK/dist-$1"
}

now() { date +%s.%N; }

# 3. Rounds: fresh storage and a new repository each time, so nothing is deduplicated or mounted.
declare -A TOTAL=([paas-push]=0 [paas-pull]=0 [paas-get]=0 [dist-push]=0 [dist-pull]=0 [dist-get]=0)
for round in $(seq 1 "$ROUNDS"); do
  start_registries "$round"
  # Alternate who goes first; flush dirty pages before each measurement so one run's writeback
  # does not slow the next.
  order="paas dist"; [ $((round % 2)) -eq 0 ] && order="dist paas"
  for target in $order; do
    if [ "$target" = paas ]; then port=$PAAS_PORT; creds=(--dest-creds bench:bench); screds=(--src-creds bench:bench); else port=$DIST_PORT; creds=(); screds=(); fi
    ref="docker://127.0.0.1:$port/bench-$round-$RANDOM/image:v1"
    sync
    t0=$(now)
    timeout 300 skopeo copy -q --dest-tls-verify=false "${creds[@]}" "oci:$IMAGE:v1" "$ref"
    t1=$(now)
    sync
    t1b=$(now)
    timeout 300 skopeo copy -q --src-tls-verify=false "${screds[@]}" "$ref" "dir:$WORK/pull-$target-$round"
    t2=$(now)
    rm -rf "$WORK/pull-$target-$round"
    push=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    pull=$(awk -v a="$t1b" -v b="$t2" 'BEGIN { printf "%.3f", b - a }')
    TOTAL[$target-push]=$(awk -v a="${TOTAL[$target-push]}" -v b="$push" 'BEGIN { print a + b }')
    TOTAL[$target-pull]=$(awk -v a="${TOTAL[$target-pull]}" -v b="$pull" 'BEGIN { print a + b }')
    printf 'round %d %-13s push %6.2fs (%7.1f MiB/s)   pull %6.2fs (%7.1f MiB/s)\n' "$round" "$target" "$push" \
      "$(awk -v m="$MIB" -v s="$push" 'BEGIN { print m / s }')" "$pull" "$(awk -v m="$MIB" -v s="$pull" 'BEGIN { print m / s }')"
    # Server side only (no skopeo): every blob of the image at once with curl, to /dev/null.
    repo="${ref#docker://127.0.0.1:$port/}"; repo="${repo%:v1}"
    if [ "$target" = paas ]; then cauth=(-u bench:bench); else cauth=(); fi
    sync
    t3=$(now)
    gets=()
    for blob in "$IMAGE"/blobs/sha256/*; do
      timeout 120 curl -sf "${cauth[@]}" -o /dev/null "http://127.0.0.1:$port/v2/$repo/blobs/sha256:$(basename "$blob")" &
      gets+=("$!")
    done
    wait "${gets[@]}"  # not a bare wait: the registries are children too
    t4=$(now)
    get=$(awk -v a="$t3" -v b="$t4" 'BEGIN { printf "%.3f", b - a }')
    TOTAL[$target-get]=$(awk -v a="${TOTAL[$target-get]:-0}" -v b="$get" 'BEGIN { print a + b }')
  done
  stop_registries "$round"
done

# 4. Summary.
rate() { awk -v m="$MIB" -v n="$ROUNDS" -v s="$1" 'BEGIN { printf "%.1f", m * n / s }'; }
PP=$(rate "${TOTAL[paas-push]}"); PL=$(rate "${TOTAL[paas-pull]}"); PG=$(rate "${TOTAL[paas-get]}")
DP=$(rate "${TOTAL[dist-push]}"); DL=$(rate "${TOTAL[dist-pull]}"); DG=$(rate "${TOTAL[dist-get]}")
echo
echo "over $ROUNDS rounds of $MIB MiB (skopeo copy, loopback):"
printf '  %-28s push %7s MiB/s   pull %7s MiB/s\n' "paas registry" "$PP" "$PL"
printf '  %-28s push %7s MiB/s   pull %7s MiB/s\n' "distribution 2.8 (Debian)" "$DP" "$DL"
printf '  ratio paas/distribution      push %7sx        pull %7sx\n' \
  "$(awk -v a="$PP" -v b="$DP" 'BEGIN { printf "%.2f", a / b }')" "$(awk -v a="$PL" -v b="$DL" 'BEGIN { printf "%.2f", a / b }')"
echo "server only, all blobs in parallel with curl (no client-side hashing or disk writes):"
printf '  GET  paas %7s MiB/s   distribution %7s MiB/s   ratio %sx\n' "$PG" "$DG" "$(awk -v a="$PG" -v b="$DG" 'BEGIN { printf "%.2f", a / b }')"
echo "(this machine is shared: expect +-20% between runs; more rounds, steadier figures)"
