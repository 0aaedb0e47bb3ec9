#!/bin/sh
# The build pod's script (Paas.Builder/Pods/build-pod.sh), given to the build image as `sh -c`, so it always matches the
# builder that speaks its protocol. The same steps as the builder's local compile (LocalCompiler.cs):
#   1. download the source (app/ + env/) from the builder's one-time URL     PAAS_SOURCE_URL
#      and the app's build cache (cache/, CACHE_DIR, empty for a first build)  PAAS_CACHE_URL
#   2. choose buildpacks: the entries of PAAS_BUILDPACKS (BUILDPACK_URL or .buildpacks, one a line), else the first
#      built-in of PAAS_DETECT_ORDER (in PAAS_BUILDPACKS_DIR) whose bin/detect succeeds
#   3. bin/compile BUILD_DIR CACHE_DIR ENV_DIR for each, 4. the last one's bin/release
#   5. upload cache/ to the builder's one-time URL (not fatal: the builder      PAAS_CACHE_UPLOAD_URL
#      keeps the previous cache and says why, e.g. above PAAS_BUILD_MAX_CACHE_BYTES)
#   6. upload app/ + release.yml to the builder's one-time URL                PAAS_SLUG_URL
# The work folder is /tmp/build (PAAS_BUILD_WORK_DIR overrides it, for the tests that run this script on their machine).
# Buildpack scripts run with the local path's clean environment (PATH, HOME, STACK, LANG, TMPDIR, SOURCE_VERSION,
# REQUEST_ID). An expected failure prints `paas-error: SENTENCE` (the builder shows it as the reason) and exits with a
# code of BuildPodExit.cs: 10 no buildpack, 11 buildpack unavailable, 12 compile, 13 release, 14 download, 15 upload.
set -u
set -f
W=${PAAS_BUILD_WORK_DIR:-/tmp/build}
fail() { code=$1; shift; printf 'paas-error: %s\n' "$*"; exit "$code"; }
step() { printf -- '-----> %s\n' "$*"; }
run() {
  script=$1; shift
  if [ -x "$script" ]; then set -- "$script" "$@"; else set -- /bin/bash "$script" "$@"; fi
  (cd "$W/app" && exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$W/home" STACK="$STACK" \
    LANG=C.UTF-8 TMPDIR="$W/tmp" SOURCE_VERSION="$SOURCE_VERSION" REQUEST_ID="$REQUEST_ID" "$@")
}
detect() { # detect PATH NAME: prints the detected name, fails when bin/detect does
  [ -f "$1/bin/detect" ] || return 1
  said=$(run "$1/bin/detect" "$W/app" 2>&1 </dev/null) || return 1
  said=$(printf '%s\n' "$said" | sed -n '/[^[:space:]]/{s/^[[:space:]]*//;s/[[:space:]]*$//;p;q;}')
  printf '%s\n' "${said:-$2}"
}
tab=$(printf '\t')
nl='
'

mkdir -p "$W/cache" "$W/home" "$W/tmp" "$W/buildpacks" || fail 14 "the build pod could not make its folders in $W"
out=$(curl -fsS --retry 3 --retry-connrefused --max-time 900 -o "$W/source.tar.gz" "$PAAS_SOURCE_URL" 2>&1) \
  || fail 14 "the build pod could not download the source from the builder: $(printf '%s\n' "$out" | tail -n 1)"
tar -xzf "$W/source.tar.gz" -C "$W" || fail 14 "the build pod's source download is not a gzip tar"
rm -f "$W/source.tar.gz"
if [ -n "${PAAS_CACHE_URL:-}" ]; then
  out=$(curl -fsS --retry 3 --retry-connrefused --max-time 900 -o "$W/cache.tar.gz" "$PAAS_CACHE_URL" 2>&1) \
    || fail 14 "the build pod could not download the build cache from the builder: $(printf '%s\n' "$out" | tail -n 1)"
  tar -xzf "$W/cache.tar.gz" -C "$W" || fail 14 "the build pod's build cache download is not a gzip tar"
  rm -f "$W/cache.tar.gz"
fi

: > "$W/buildpacks.list"
if [ -n "${PAAS_BUILDPACKS:-}" ]; then
  n=0
  used=""
  IFS=$nl
  for entry in $PAAS_BUILDPACKS; do
    n=$((n + 1))
    used="${used:+$used, }$entry"
    path=""
    case "$entry" in */*) ;; *) [ -f "$PAAS_BUILDPACKS_DIR/$entry/bin/compile" ] && path="$PAAS_BUILDPACKS_DIR/$entry" ;; esac
    if [ -z "$path" ]; then
      location=${entry%%#*}
      ref=""
      case "$entry" in *#*) ref=${entry#*#} ;; esac
      case "$location" in file://*) location=${location#file://} ;; esac
      if [ -z "$ref" ] && [ "${location#/}" != "$location" ] && [ -d "$location" ]; then
        path=$location
      else
        path="$W/buildpacks/$n"
        step "Fetching buildpack $entry"
        if [ -n "$ref" ]; then
          err=$(GIT_TERMINAL_PROMPT=0 git clone --quiet --depth 1 --branch "$ref" -- "$location" "$path" 2>&1 </dev/null)
        else
          err=$(GIT_TERMINAL_PROMPT=0 git clone --quiet --depth 1 -- "$location" "$path" 2>&1 </dev/null)
        fi || fail 11 "could not fetch buildpack $entry: $(printf '%s\n' "$err" | tail -n 1)"
      fi
      [ -f "$path/bin/compile" ] || fail 11 "$entry is not a buildpack (no bin/compile)"
    fi
    printf '%s\t%s\n' "$path" "$entry" >> "$W/buildpacks.list"
  done
  unset IFS
  last=$(tail -n 1 "$W/buildpacks.list")
  name=$(detect "${last%%"$tab"*}" "${last#*"$tab"}") || name=${last#*"$tab"}
  sed -i '$d' "$W/buildpacks.list"
  printf '%s\t%s\n' "${last%%"$tab"*}" "$name" >> "$W/buildpacks.list"
  if [ "$n" -gt 1 ]; then step "Using buildpacks $used"; else step "Using buildpack $used"; fi
  step "$name app detected"
else
  for candidate in $PAAS_DETECT_ORDER; do
    [ -f "$PAAS_BUILDPACKS_DIR/$candidate/bin/compile" ] || continue
    if detected=$(detect "$PAAS_BUILDPACKS_DIR/$candidate" "$candidate"); then
      printf '%s\t%s\n' "$PAAS_BUILDPACKS_DIR/$candidate" "$candidate" >> "$W/buildpacks.list"
      step "$detected app detected"
      break
    fi
  done
  [ -s "$W/buildpacks.list" ] || fail 10 "no buildpack recognises this app: add a package.json, an index.html or a Procfile, or set BUILDPACK_URL (paas config:set BUILDPACK_URL=...)"
fi

while IFS=$tab read -r path name; do
  run "$path/bin/compile" "$W/app" "$W/cache" "$W/env" 2>&1 </dev/null || fail 12 "the $name buildpack failed to compile the app (exit code $?)"
done < "$W/buildpacks.list"

last=$(tail -n 1 "$W/buildpacks.list")
if [ -f "${last%%"$tab"*}/bin/release" ]; then
  run "${last%%"$tab"*}/bin/release" "$W/app" > "$W/release.yml" 2>&1 </dev/null \
    || fail 13 "the ${last#*"$tab"} buildpack's bin/release failed (exit code $?)"
else
  : > "$W/release.yml"
fi

if [ -n "${PAAS_CACHE_UPLOAD_URL:-}" ]; then
  status=$(tar -czf - -C "$W" cache | curl -sS --max-time 900 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/gzip' \
    -T - "$PAAS_CACHE_UPLOAD_URL" 2>&1)
  case "$status" in
    204|413) ;; # 413: the builder says the cache is too large
    *) printf '       the build cache could not be sent to the builder (%s); the next build restores the previous one\n' "$(printf '%s\n' "$status" | tail -n 1)" ;;
  esac
fi

out=$(tar -czf - -C "$W" app release.yml | curl -fsS --max-time 900 -H 'Content-Type: application/gzip' -T - "$PAAS_SLUG_URL" 2>&1) \
  || fail 15 "the build pod could not upload the slug to the builder: $(printf '%s\n' "$out" | tail -n 1)"
